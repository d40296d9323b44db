package dev.braid.time;

/**
 * A handle on a task scheduled on a {@link TimerWheel}: cancel it, or ask what became of it.
 *
 * <p>Exactly one of {@link #cancel()} (returning {@code true}) and the task's run happens. After a
 * successful cancel the wheel holds no reference to the handle or the task.
 */
public sealed interface Timeout permits TimerEntry, SimTimer {
    /**
     * Cancels the task if it has neither run nor started running.
     *
     * @return {@code true} if this call cancelled it (it will never run); {@code false} if it
     *     already ran, is running, or was cancelled before
     */
    boolean cancel();

    /**
     * Whether {@link #cancel()} succeeded on this handle.
     *
     * @return whether {@link #cancel()} succeeded on this handle
     */
    boolean isCancelled();

    /**
     * Whether the task has been handed to its thread to run (it may still be running).
     *
     * @return whether the task has been handed to its thread to run (it may still be running)
     */
    boolean isExpired();

    /**
     * The deadline as a value of the seam clock ({@code Rt.nanoTime()} scale).
     *
     * @return the deadline as a value of the seam clock ({@code Rt.nanoTime()} scale)
     */
    long deadlineNanos();
}
