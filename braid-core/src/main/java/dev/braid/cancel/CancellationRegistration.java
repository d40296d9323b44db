package dev.braid.cancel;

/**
 * A callback registered on a {@link CancellationToken}; closing it deregisters the callback.
 *
 * <pre>{@code
 * try (var r = token.onCancel(conn::abort)) {
 *     conn.query(...);
 * }                      // the callback can no longer run once close() returns true
 * }</pre>
 */
public sealed interface CancellationRegistration extends AutoCloseable
        permits CallbackNode, Registrations.Fixed, Registrations.Composite {
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
