package dev.braid.thread;

/**
 * A callback registered with {@link JoinHandle#onFinish}; closing it deregisters the callback.
 *
 * <pre>{@code
 * try (var r = handle.onFinish(exit -> wake())) {
 *     waitForSomethingElse();
 * }              // deregistered: it never runs unless it had already started
 * }</pre>
 */
public interface FinishRegistration extends AutoCloseable {
    /**
     * Removes the callback if it has not started running.
     *
     * @return {@code true} if this call removed it (it will never run); {@code false} if it has
     *     already run or is running (deregistration does not wait for it), or was removed before
     */
    boolean deregister();

    /** Same as {@link #deregister()}. */
    @Override
    default void close() {
        deregister();
    }
}
