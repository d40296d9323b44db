package dev.braid.cancel;

/**
 * Thrown by braid operations that stop because a deadline passed: the deadline of an ambient {@link
 * CancelScope}, or the deadline of a token cancelled by its timer ({@link
 * CancellationSource#cancelAfter}). Also the cause a token holds when its timer cancelled it.
 */
public final class DeadlineExceededException extends CancelledException {
    private static final long serialVersionUID = 1L;

    private final transient Deadline deadline;

    DeadlineExceededException(Deadline deadline, Throwable cause) {
        this(deadline, cause, "deadline exceeded");
    }

    DeadlineExceededException(Deadline deadline, Throwable cause, String message) {
        super(message, cause);
        this.deadline = deadline;
    }

    /**
     * The deadline that passed.
     *
     * @return the deadline that passed
     */
    public Deadline deadline() {
        return deadline;
    }
}
