package dev.braid.testkit.internal;

/**
 * Derives the seed of schedule {@code i} of an exploration from the exploration's base seed. The
 * mix makes two explorations with nearby base seeds (42 and 43) independent: with {@code base + i}
 * the second would rerun all but one of the first's schedules.
 */
public final class Seeds {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private Seeds() {}

    /**
     * The seed of schedule {@code index} (from 0) of an exploration from {@code base}.
     *
     * @param base the exploration's base seed
     * @param index the schedule's index
     * @return a well-mixed seed; distinct indexes of one base give distinct seeds
     */
    public static long forSchedule(long base, long index) {
        // mix64(base) spreads nearby bases far apart; adding index * gamma and mixing again is
        // SplittableRandom's construction, a bijection in index for a fixed base.
        return mix64(mix64(base) + (index + 1) * GOLDEN_GAMMA);
    }

    /** Stafford's variant 13 of the MurmurHash3 finalizer (as in SplittableRandom). */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
