package dev.braid.testkit;

import java.util.Optional;

/**
 * What {@link Simulation#explore} found.
 *
 * @param schedulesRun how many schedules ran (up to and including the first failure)
 * @param baseSeed the seed of the first schedule; schedule {@code i} (from 0) used {@code baseSeed
 *     + i}
 * @param failure the first failing schedule's result, if any
 */
public record Exploration(int schedulesRun, long baseSeed, Optional<SimResult> failure) {
    /** Validates the fields. */
    public Exploration {
        java.util.Objects.requireNonNull(failure, "failure");
        if (schedulesRun < 0) {
            throw new IllegalArgumentException("schedulesRun must be >= 0, was " + schedulesRun);
        }
        if (failure.isPresent() && !failure.get().isFailure()) {
            throw new IllegalArgumentException("not a failure: " + failure.get());
        }
    }

    /**
     * Whether every schedule passed.
     *
     * @return whether every schedule passed
     */
    public boolean passed() {
        return failure.isEmpty();
    }

    /**
     * A readable summary; for a failure, its message with the replay string.
     *
     * @return a readable summary; for a failure, its message with the replay string
     */
    public String message() {
        if (failure.isEmpty()) {
            return schedulesRun
                    + " schedules passed (seeds "
                    + baseSeed
                    + ".."
                    + (baseSeed + schedulesRun - 1)
                    + ")";
        }
        return failure.get().message()
                + "\n  (found by schedule "
                + schedulesRun
                + " of the exploration from seed "
                + baseSeed
                + ")";
    }

    /**
     * Returns normally if every schedule passed.
     *
     * @throws AssertionError with {@link #message()} otherwise (the root body's throwable as cause)
     */
    public void assertPassed() {
        if (failure.isPresent()) {
            AssertionError e = new AssertionError(message());
            if (failure.get() instanceof SimResult.Failed f) {
                e.initCause(f.cause());
            }
            throw e;
        }
    }
}
