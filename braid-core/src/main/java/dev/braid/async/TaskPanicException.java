package dev.braid.async;

import java.io.Serial;

/**
 * Thrown when joining a task whose future failed (threw from {@code poll}, or from its cleanup on
 * cancellation). The original exception is the {@linkplain #getCause() cause}, with its type,
 * message and stack trace intact; the message names the task. The task counterpart of {@link
 * dev.braid.thread.PanicException}.
 */
public final class TaskPanicException extends RuntimeException {
    @Serial private static final long serialVersionUID = 1L;

    /** The name of the task that panicked. */
    private final String taskName;

    TaskPanicException(String taskName, Throwable cause) {
        super("task '" + taskName + "' panicked: " + cause, cause);
        this.taskName = taskName;
    }

    /**
     * The name of the task that panicked.
     *
     * @return the task's name
     */
    public String taskName() {
        return taskName;
    }
}
