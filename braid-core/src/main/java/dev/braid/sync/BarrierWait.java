package dev.braid.sync;

import dev.braid.internal.util.Args;
import java.util.Optional;

/** How one party's wait at a {@link Barrier} ended. */
public sealed interface BarrierWait {
    /**
     * All parties arrived; the barrier moved on to the next generation.
     *
     * @param generation the generation that was passed (0 for the first)
     * @param leader whether this party was the last to arrive (exactly one per generation); the
     *     leader ran the barrier action, if any
     */
    record Passed(long generation, boolean leader) implements BarrierWait {}

    /**
     * This party's own timeout expired first; it broke the barrier for everyone else in the
     * generation (they get {@link Broken} with {@link BrokenReason#TIMED_OUT}).
     *
     * @param generation the generation that broke
     */
    record TimedOut(long generation) implements BarrierWait {}

    /**
     * The generation was broken by something else: another party's timeout or interrupt, a party
     * that {@linkplain Barrier#breakWith failed}, a failing barrier action, or a {@linkplain
     * Barrier#reset reset}. The barrier stays broken until reset.
     *
     * @param generation the generation that broke
     * @param reason why it broke
     * @param cause the failure, for {@link BrokenReason#PARTY_FAILED} and {@link
     *     BrokenReason#ACTION_FAILED}
     */
    record Broken(long generation, BrokenReason reason, Optional<Throwable> cause)
            implements BarrierWait {
        /**
         * A broken outcome.
         *
         * @throws NullPointerException if {@code reason} or {@code cause} is null
         */
        public Broken {
            Args.notNull(reason, "reason");
            Args.notNull(cause, "cause");
        }
    }

    /** Why a barrier generation broke. */
    enum BrokenReason {
        /** A party's timed wait expired. */
        TIMED_OUT,
        /** A waiting party was interrupted. */
        INTERRUPTED,
        /**
         * A waiting party's ambient {@link dev.braid.cancel.CancelScope} was cancelled or expired.
         */
        CANCELLED,
        /** A party called {@link Barrier#breakWith}. */
        PARTY_FAILED,
        /** The barrier action threw. */
        ACTION_FAILED,
        /** {@link Barrier#reset()} was called while parties were waiting. */
        RESET
    }

    /**
     * Whether the barrier was passed.
     *
     * @return whether the barrier was passed
     */
    default boolean passed() {
        return this instanceof Passed;
    }
}
