package dev.braid.sync;

/** How a timed {@link Condvar} wait ended. */
public enum WaitOutcome {
    /**
     * The waiter was notified (plain wait) or the condition holds (predicate wait), and it holds
     * the lock again.
     */
    WOKEN,
    /** The timeout elapsed first (for a predicate wait: with the condition still false). */
    TIMED_OUT;

    /**
     * Whether this is {@link #TIMED_OUT}.
     *
     * @return whether this is {@link #TIMED_OUT}
     */
    public boolean timedOut() {
        return this == TIMED_OUT;
    }
}
