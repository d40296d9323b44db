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
 * @param minimal whether {@code preemptions} is proven minimal: every schedule with fewer
 *     preemptions was run and none failed that way (false when the shrinking budget ran out first)
 * @param runs how many schedules shrinking ran
 */
public record Shrunk(
        SimResult result, int preemptions, int originalPreemptions, boolean minimal, int runs) {
    /** Validates the fields. */
    public Shrunk {
        Objects.requireNonNull(result, "result");
        if (preemptions < 0 || originalPreemptions < 0 || runs < 0) {
            throw new IllegalArgumentException(
                    "negative count: " + preemptions + ", " + originalPreemptions + ", " + runs);
        }
    }

    /**
     * One line for a report.
     *
     * @return the preemption counts and the shrunk replay string
     */
    public String summary() {
        return "shrunk to "
                + preemptions
                + (preemptions == 1 ? " preemption" : " preemptions")
                + (minimal ? " (minimal)" : " (budget ran out; may not be minimal)")
                + " and "
                + result.steps()
                + " steps, from "
                + originalPreemptions
                + ": "
                + result.schedule();
    }
}
