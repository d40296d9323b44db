package dev.braid.testkit;

import java.util.List;
import java.util.Objects;

/**
 * What {@link Simulation#count} found: every schedule ran, failures grouped by kind.
 *
 * @param schedules how many schedules ran
 * @param failures how many of them failed
 * @param kinds the distinct failures, most frequent first
 */
public record Census(int schedules, int failures, List<Kind> kinds) {
    /** Validates and copies. */
    public Census {
        Objects.requireNonNull(kinds, "kinds");
        kinds = List.copyOf(kinds);
        if (schedules < 0 || failures < 0 || failures > schedules) {
            throw new IllegalArgumentException("bad counts: " + failures + " of " + schedules);
        }
    }

    /**
     * One distinct failure.
     *
     * @param signature what the failures of this kind share (exception and message, deadlocked
     *     threads, racing sites)
     * @param count how many schedules failed this way
     * @param first the first schedule that failed this way (its string replays it)
     */
    public record Kind(String signature, int count, SimResult first) {
        /** Validates the fields. */
        public Kind {
            Objects.requireNonNull(signature, "signature");
            Objects.requireNonNull(first, "first");
        }
    }

    /**
     * The fraction of schedules that failed.
     *
     * @return {@code failures / schedules}, in {@code [0, 1]}
     */
    public double failureRate() {
        return schedules == 0 ? 0 : (double) failures / schedules;
    }

    /**
     * A readable summary.
     *
     * @return the rate, then each kind with its count and a replay string
     */
    public String message() {
        StringBuilder sb =
                new StringBuilder()
                        .append(failures)
                        .append(" of ")
                        .append(schedules)
                        .append(" schedules failed (")
                        .append(String.format(java.util.Locale.ROOT, "%.2f", 100 * failureRate()))
                        .append(" %), ")
                        .append(kinds.size())
                        .append(kinds.size() == 1 ? " distinct failure" : " distinct failures");
        for (Kind k : kinds) {
            sb.append("\n  ")
                    .append(k.count())
                    .append(" x ")
                    .append(k.signature())
                    .append("\n    replay: ")
                    .append(k.first().schedule());
        }
        return sb.toString();
    }
}
