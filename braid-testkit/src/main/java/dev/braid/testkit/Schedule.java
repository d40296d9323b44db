package dev.braid.testkit;

import java.util.Objects;

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

    /** Validates the fields. */
    public Schedule {
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(choices, "choices");
        if (!isStrategyName(strategy)) {
            throw new IllegalArgumentException("bad strategy name: " + strategy);
        }
        if (choiceCount < 0 || !isBase64Url(choices)) {
            throw new IllegalArgumentException("bad choices: " + choiceCount + ":" + choices);
        }
    }

    // Hand-written checks, not regular expressions: every run of an exploration builds a Schedule,
    // and a Matcher per field was a measurable share of a short run (docs/perf/testkit.md).

    /** {@code [a-z][a-z0-9-]*}. */
    private static boolean isStrategyName(String s) {
        if (s.isEmpty() || s.charAt(0) < 'a' || s.charAt(0) > 'z') {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** {@code [A-Za-z0-9_-]*}. */
    private static boolean isBase64Url(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'A' && c <= 'Z'
                    || c >= 'a' && c <= 'z'
                    || c >= '0' && c <= '9'
                    || c == '_'
                    || c == '-')) {
                return false;
            }
        }
        return true;
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
                + hex8(fingerprint);
    }

    /** {@code String.format("%08x", v)} without the formatter. */
    private static String hex8(int v) {
        String h = Integer.toHexString(v);
        return "00000000".substring(h.length()) + h;
    }
}
