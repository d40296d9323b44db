package dev.braid.testkit;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A recorded schedule: which strategy and seed produced it, and every choice the scheduler made
 * between two or more runnable threads. Its string form is
 *
 * <pre>
 * braid1:&lt;strategy&gt;:&lt;seed&gt;:&lt;choice count&gt;:&lt;choices&gt;:&lt;fingerprint&gt;
 * </pre>
 *
 * for example {@code braid1:random:42:9:mQE:5c1e02aa}. {@code choices} packs each choice among
 * {@code n} runnable threads into {@code ceil(log2 n)} bits, least significant first, in unpadded
 * base64url; {@code fingerprint} is a 32-bit hash (hex) of every step (who ran, what operation, how
 * many threads were runnable) that a replay must reproduce.
 *
 * @param strategy the strategy that made the choices ({@code random})
 * @param seed its seed; also seeds the simulation's random source
 * @param choiceCount how many choices {@code choices} holds
 * @param choices the packed choices (may be empty)
 * @param fingerprint the trace hash
 */
public record Schedule(
        String strategy, long seed, int choiceCount, String choices, int fingerprint) {
    /** The version prefix of every schedule string. */
    public static final String PREFIX = "braid1";

    private static final Pattern STRATEGY = Pattern.compile("[a-z][a-z0-9-]*");
    private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]*");

    /** Validates the fields. */
    public Schedule {
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(choices, "choices");
        if (!STRATEGY.matcher(strategy).matches()) {
            throw new IllegalArgumentException("bad strategy name: " + strategy);
        }
        if (choiceCount < 0 || !BASE64URL.matcher(choices).matches()) {
            throw new IllegalArgumentException("bad choices: " + choiceCount + ":" + choices);
        }
    }

    /**
     * Parses a schedule string.
     *
     * @param text a schedule string ({@code braid1:...})
     * @return the parsed schedule
     * @throws IllegalArgumentException if {@code text} is not a {@code braid1} schedule
     */
    public static Schedule parse(String text) {
        Objects.requireNonNull(text, "text");
        String[] parts = text.strip().split(":", -1);
        if (parts.length != 6 || !parts[0].equals(PREFIX)) {
            throw new IllegalArgumentException(
                    "not a braid schedule (expected braid1:<strategy>:<seed>:<count>:<choices>:"
                            + "<fingerprint>): "
                            + text);
        }
        try {
            return new Schedule(
                    parts[1],
                    Long.parseLong(parts[2]),
                    Integer.parseInt(parts[3]),
                    parts[4],
                    Integer.parseUnsignedInt(parts[5], 16));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a braid schedule: " + text, e);
        }
    }

    @Override
    public String toString() {
        return PREFIX
                + ':'
                + strategy
                + ':'
                + seed
                + ':'
                + choiceCount
                + ':'
                + choices
                + ':'
                + String.format("%08x", fingerprint);
    }
}
