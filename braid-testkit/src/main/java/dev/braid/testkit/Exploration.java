package dev.braid.testkit;

import java.util.Objects;
import java.util.Optional;

/**
 * What {@link Simulation#explore} found.
 *
 * @param schedulesRun how many schedules ran (up to and including the first failure)
 * @param baseSeed the exploration's seed; schedule {@code i} (from 0) of a randomized strategy used
 *     a seed mixed from {@code baseSeed} and {@code i}, recorded in its schedule string
 * @param failure the first failing schedule's result, if any
 * @param shrunk that failure reduced to the fewest preemptions, if shrinking was on and it could
 * @param exhausted whether a {@linkplain Strategy#BOUNDED bounded search} ran every schedule within
 *     its preemption bound (false for randomized strategies, which only sample)
 * @param trace the traced replay of the failure (last steps, wait sites, the HTML file), if any
 */
public record Exploration(
        int schedulesRun,
        long baseSeed,
        Optional<SimResult> failure,
        Optional<Shrunk> shrunk,
        boolean exhausted,
        Optional<Trace> trace) {
    /** Validates the fields. */
    public Exploration {
        Objects.requireNonNull(failure, "failure");
        Objects.requireNonNull(shrunk, "shrunk");
        Objects.requireNonNull(trace, "trace");
        if (schedulesRun < 0) {
            throw new IllegalArgumentException("schedulesRun must be >= 0, was " + schedulesRun);
        }
        if (failure.isPresent() && !failure.get().isFailure()) {
            throw new IllegalArgumentException("not a failure: " + failure.get());
        }
        if (shrunk.isPresent() && failure.isEmpty()) {
            throw new IllegalArgumentException("a shrunk failure without a failure");
        }
        if (exhausted && failure.isPresent()) {
            throw new IllegalArgumentException("an exhausted search has no failure");
        }
        if (trace.isPresent() && failure.isEmpty()) {
            throw new IllegalArgumentException("a trace without a failure");
        }
    }

    /**
     * An exploration without a trace.
     *
     * @param schedulesRun how many schedules ran
     * @param baseSeed the exploration's seed
     * @param failure the first failure, if any
     * @param shrunk that failure shrunk, if it was
     * @param exhausted whether a bounded search ran every schedule within its bound
     */
    public Exploration(
            int schedulesRun,
            long baseSeed,
            Optional<SimResult> failure,
            Optional<Shrunk> shrunk,
            boolean exhausted) {
        this(schedulesRun, baseSeed, failure, shrunk, exhausted, Optional.empty());
    }

    /**
     * This exploration with the traced replay of its failure.
     *
     * @param trace the trace, or empty
     * @return a copy with {@code trace}
     */
    public Exploration withTrace(Optional<Trace> trace) {
        return new Exploration(schedulesRun, baseSeed, failure, shrunk, exhausted, trace);
    }

    /**
     * An exploration without shrinking that did not exhaust its search.
     *
     * @param schedulesRun how many schedules ran
     * @param baseSeed the exploration's seed
     * @param failure the first failure, if any
     */
    public Exploration(int schedulesRun, long baseSeed, Optional<SimResult> failure) {
        this(schedulesRun, baseSeed, failure, Optional.empty(), false);
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
     * A readable summary.
     *
     * @return "exhausted: N schedules, all passed", "N schedules passed", or the failure's message
     *     with its replay string and, if shrunk, the shrunk replay string with its preemption count
     */
    public String message() {
        if (failure.isEmpty()) {
            if (exhausted) {
                return "exhausted: " + schedulesRun + " schedules, all passed";
            }
            return schedulesRun + " schedules passed (exploration seed " + baseSeed + ")";
        }
        StringBuilder sb = new StringBuilder(failure.get().message());
        sb.append("\n  (found by schedule ")
                .append(schedulesRun)
                .append(" of the exploration from seed ")
                .append(baseSeed)
                .append(")");
        shrunk.ifPresent(s -> sb.append("\n  ").append(s.summary()));
        trace.ifPresent(t -> sb.append(t.text()));
        return sb.toString();
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
