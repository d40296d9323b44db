package dev.braid.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GridMathTest {
    @Test
    void reciprocalDivisionEqualsMathsDivisionEverywhere() {
        SplittableRandom rnd = new SplittableRandom(7);
        List<Long> divisors =
                new ArrayList<>(List.of(1L, 2L, 3L, 7L, 1_000L, 250_000L, 1_000_000L));
        divisors.add(900_000_000_000L); // a quarter of the longest tick (1 h)
        for (int shift = 1; shift < 62; shift++) {
            divisors.add(1L << shift);
            divisors.add((1L << shift) - 1);
            divisors.add((1L << shift) + 1);
        }
        for (int i = 0; i < 200; i++) {
            divisors.add(1 + (rnd.nextLong() >>> (2 + rnd.nextInt(60))));
        }
        int checked = 0;
        for (long d : divisors) {
            long r = GridMath.reciprocal(d);
            List<Long> ns = new ArrayList<>();
            ns.addAll(List.of(0L, 1L, -1L, d - 1, d, d + 1, -d, Long.MAX_VALUE, Long.MIN_VALUE));
            ns.addAll(List.of(Long.MAX_VALUE - 1, Long.MAX_VALUE / 2, Long.MAX_VALUE / 4));
            for (int i = 0; i < 300; i++) {
                long n = rnd.nextLong() >>> rnd.nextInt(64);
                ns.add(n);
                long k = n / d; // multiples of d and their neighbours: where rounding turns
                for (long m = Math.max(0, k - 1); m <= k + 1 && m <= Long.MAX_VALUE / d; m++) {
                    ns.add(m * d - 1);
                    ns.add(m * d);
                    ns.add(m * d + 1);
                }
            }
            for (long n : ns) {
                assertThat(GridMath.floorDiv(n, d, r))
                        .as("floor %d / %d", n, d)
                        .isEqualTo(Math.floorDiv(n, d));
                assertThat(GridMath.ceilDiv(n, d, r))
                        .as("ceil %d / %d", n, d)
                        .isEqualTo(Math.ceilDiv(n, d));
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(100_000);
    }

    @Test
    void theTruncatedQuotientIsCorrectedWhereItFallsOneShort() {
        // d = 3: r = floor((2^64 - 1) / 3) = 0x5555...5, and n * r / 2^64 falls just below the
        // true quotient for every multiple of 3, so the correction step decides the result
        long d = 3;
        long r = GridMath.reciprocal(d);
        assertThat(Math.multiplyHigh(3_000_000L, r)).isEqualTo(999_999L); // the raw estimate
        assertThat(GridMath.floorDiv(3_000_000L, d, r)).isEqualTo(1_000_000L);
        assertThat(GridMath.ceilDiv(3_000_000L, d, r)).isEqualTo(1_000_000L);
        assertThat(GridMath.ceilDiv(3_000_001L, d, r)).isEqualTo(1_000_001L);
    }
}
