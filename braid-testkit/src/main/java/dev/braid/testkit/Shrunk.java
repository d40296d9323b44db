package dev.braid.testkit;

import java.util.Objects;

/**
 * A failing schedule reduced to the fewest preemptions (then the fewest steps) that still fail the
 * same way: the same exception type and message, the same deadlocked threads, or the same racing
 * accesses.
 *
 * @param result the shrunk run (its {@link SimResult#schedule()} replays it)
 * @param preemptions preemptions in the shrunk schedule
 * @param originalPreemptions preemptions in the schedule that found the failure
 * @param originalSteps steps of the schedule that found the failure (the shrunk one may have more:
 *     preemptions are shrunk first, and the fewest preemptions can take more steps)
 * @param minimal whether {@code preemptions} is proven minimal: every schedule with fewer
 *     preemptions was run and none failed that way (false when the shrinking budget ran out first)
 * @param runs how many schedules shrinking ran
 */
public record Shrunk(
        SimResult result,
        int preemptions,
        int originalPreemptions,
        long originalSteps,
        boolean minimal,
        int runs) {
    /** Validates the fields. */
    public Shrunk {
        Objects.requireNonNull(result, "result");
        if (preemptions < 0 || originalPreemptions < 0 || originalSteps < 0 || runs < 0) {
            throw new IllegalArgumentException(
                    "negative count: "
                            + preemptions
                            + ", "
                            + originalPreemptions
                            + ", "
                            + originalSteps
                            + ", "
                            + runs);
        }
    }

    /**
     * One line for a report.
     *
     * @return the shrunk and the original preemption and step counts, and the shrunk replay string
     */
    public String summary() {
        long steps = result.steps();
        return "shrunk to "
                + count(preemptions, "preemption")
                + (minimal ? " (minimal)" : " (budget ran out; may not be minimal)")
                + " and "
                + count(steps, "step")
                + ", from "
                + count(originalPreemptions, "preemption")
                + " and "
                + count(originalSteps, "step")
                + (steps > originalSteps
                        ? " (fewer preemptions took more steps: preemptions are shrunk first)"
                        : "")
                + ": "
                + result.schedule();
    }

    private static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
