package dev.braid.time;

/**
 * Division of a non-negative nanosecond offset by a wheel's grid step, without a divide
 * instruction: {@link TimerWheel#schedule} turns every deadline into a grid tick, and a 64-bit
 * {@code idiv} was the longest-latency instruction of the schedule path. Results are exactly those
 * of {@link Math#floorDiv(long, long)} and {@link Math#ceilDiv(long, long)} for every argument.
 */
final class GridMath {
    /*
     * Implementation notes
     *
     * Algorithm. Division by an invariant divisor through a precomputed reciprocal (Granlund and
     * Montgomery): r = floor((2^64 - 1) / d), taken once per wheel. For 0 <= n < 2^63 and d >= 2,
     * q0 = floor(n * r / 2^64) (the high word of one multiplication) satisfies
     * n/d - 1/2 < n * r / 2^64 <= n/d, because r > 2^64/d - 1 and n < 2^64 / 2; hence q0 is the
     * true quotient q or q - 1, and one compare of the remainder n - q0 * d (which lies in
     * [0, 2d), no overflow) against d corrects it. Ceiling adds one when the remainder is not zero.
     * Signed Math.multiplyHigh is exact here since both factors are non-negative (r < 2^63 for
     * d >= 2). A negative n or d < 2 (never on the schedule path: deadlines before the wheel's
     * origin and 1 ns grids do not occur there) falls back to Math's division.
     *
     * References. T. Granlund, P. Montgomery, "Division by Invariant Integers using
     * Multiplication" (PLDI 1994); D. Lemire et al., "Faster Remainder by Direct Computation"
     * (2019) for the error bound of a truncated reciprocal.
     */

    private GridMath() {}

    /** The reciprocal {@link #floorDiv} and {@link #ceilDiv} take for divisor {@code d >= 1}. */
    static long reciprocal(long d) {
        return d < 2 ? 0 : Long.divideUnsigned(-1L, d);
    }

    /** {@code Math.floorDiv(n, d)}, given {@code r == reciprocal(d)} and {@code d >= 1}. */
    static long floorDiv(long n, long d, long r) {
        if (n < 0 || r == 0) {
            return Math.floorDiv(n, d);
        }
        long q = Math.multiplyHigh(n, r);
        return n - q * d >= d ? q + 1 : q;
    }

    /** {@code Math.ceilDiv(n, d)}, given {@code r == reciprocal(d)} and {@code d >= 1}. */
    static long ceilDiv(long n, long d, long r) {
        if (n < 0 || r == 0) {
            return Math.ceilDiv(n, d);
        }
        long q = Math.multiplyHigh(n, r);
        long rem = n - q * d;
        if (rem >= d) {
            q++;
            rem -= d;
        }
        return rem == 0 ? q : q + 1;
    }
}
