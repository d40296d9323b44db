package dev.braid.async;

/**
 * Wakes a task so that its future is polled again.
 *
 * <p>The contract is Rust's: {@link #wake()} may be called from any thread, any number of times,
 * before, during or after a poll. A wake always leads to at least one more poll of the task's
 * future, unless the future has completed: a completed future is never polled again, and a wake
 * after completion does nothing. Several wakes before the next poll may lead to a single poll. A
 * wake never runs the future on the caller's thread; it only schedules it, and it does not block.
 */
@FunctionalInterface
public interface Waker {
    /** Schedules the task for another poll (no effect if it already is, or has completed). */
    void wake();

    /**
     * A waker that does nothing (for polling a future by hand in tests).
     *
     * @return the no-op waker
     */
    static Waker noop() {
        return () -> {};
    }
}
