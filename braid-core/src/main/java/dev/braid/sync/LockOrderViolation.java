package dev.braid.sync;

import java.io.Serial;

/**
 * A potential deadlock found by the {@link LockOrderChecker}: the calling thread is about to
 * acquire a lock while holding another, in the opposite order to one already seen. This exception's
 * stack trace is the second acquisition site; its {@linkplain #getCause() cause} carries the stack
 * of the earlier, conflicting acquisition. When thrown, the lock was not acquired.
 */
public final class LockOrderViolation extends IllegalStateException {
    @Serial private static final long serialVersionUID = 1L;

    /** The lock being acquired (its {@code toString()}). */
    private final String acquiring;

    /** The lock held while acquiring it (its {@code toString()}). */
    private final String held;

    LockOrderViolation(String message, String acquiring, String held, Throwable earlierSite) {
        super(message, earlierSite);
        this.acquiring = acquiring;
        this.held = held;
    }

    /**
     * The lock being acquired (its {@code toString()}).
     *
     * @return the lock being acquired (its {@code toString()})
     */
    public String acquiring() {
        return acquiring;
    }

    /**
     * The lock held while acquiring it (its {@code toString()}).
     *
     * @return the lock held while acquiring it (its {@code toString()})
     */
    public String held() {
        return held;
    }
}
