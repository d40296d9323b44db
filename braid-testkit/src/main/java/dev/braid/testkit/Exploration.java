package dev.braid.testkit;

import java.util.Optional;

/**
 * What {@link Simulation#explore} found.
 *
 * @param schedulesRun how many schedules ran (up to and including the first failure)
 * @param baseSeed the seed of the first schedule; schedule {@code i} (from 0) used {@code baseSeed
 *     + i}
 * @param failure the first failing schedule's result, if any
 * @param trace the traced replay of the failure (last steps, wait sites, the HTML file), if any
 */
public record Exploration(
        int schedulesRun, long baseSeed, Optional<SimResult> failure, Optional<Trace> trace) {
    /**
     * An exploration without a trace.
     *
     * @param schedulesRun how many schedules ran
     * @param baseSeed the seed of the first schedule
     * @param failure the first failing schedule's result, if any
     */
    public Exploration(int schedulesRun, long baseSeed, Optional<SimResult> failure) {
        this(schedulesRun, baseSeed, failure, Optional.empty());
    }

    /** Validates the fields. */
    public Exploration {
        java.util.Objects.requireNonNull(failure, "failure");
        java.util.Objects.requireNonNull(trace, "trace");
        if (schedulesRun < 0) {
            throw new IllegalArgumentException("schedulesRun must be >= 0, was " + schedulesRun);
        }
        if (failure.isPresent() && !failure.get().isFailure()) {
            throw new IllegalArgumentException("not a failure: " + failure.get());
        }
    }

    /** Whether every schedule passed. */
    public boolean passed() {
        return failure.isEmpty();
    }

    /** A readable summary; for a failure, its message with the replay string. */
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
                + ")"
                + trace.map(Trace::text).orElse("");
    }

    /**
     * Returns normally if every schedule passed.
     *
     * @throws AssertionError with {@link #message()} otherwise (the root body's throwable as cause)
     */
    public void assertPassed() {
        if (failure.isPresent()) {
            AssertionError e = new AssertionError(message());
            Throwable cause = Messages.cause(failure.get());
            if (cause != null) {
                e.initCause(cause);
            }
            throw e;
        }
    }
}
