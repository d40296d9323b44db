package dev.braid.testkit.internal;

import dev.braid.testkit.Schedule;
import java.util.Arrays;
import java.util.Base64;

/**
 * Records one run's choices as a bit string (a choice among {@code n} takes {@code ceil(log2 n)}
 * bits, least significant first) and a fingerprint of every step, and reads them back for replay.
 */
final class ChoiceLog {
    private static final int FNV_OFFSET = 0x811c9dc5;
    private static final int FNV_PRIME = 0x01000193;

    private byte[] bits = new byte[16];
    private int bitLength;
    private int count;
    private int fingerprint = FNV_OFFSET;

    static int width(int options) {
        return 32 - Integer.numberOfLeadingZeros(options - 1);
    }

    /** Mixes one scheduling step into the fingerprint. */
    void step(int task, int op, int runnable) {
        int h = fingerprint;
        h = (h ^ task) * FNV_PRIME;
        h = (h ^ op) * FNV_PRIME;
        h = (h ^ runnable) * FNV_PRIME;
        fingerprint = h;
    }

    /** Appends a choice {@code choice} among {@code options >= 2}. */
    void choice(int choice, int options) {
        int w = width(options);
        if (bitLength + w > bits.length * 8) {
            bits = Arrays.copyOf(bits, bits.length * 2);
        }
        for (int i = 0; i < w; i++) {
            if ((choice >>> i & 1) != 0) {
                bits[(bitLength + i) >>> 3] |= (byte) (1 << ((bitLength + i) & 7));
            }
        }
        bitLength += w;
        count++;
        fingerprint = (fingerprint ^ (choice + 1)) * FNV_PRIME;
    }

    int count() {
        return count;
    }

    int fingerprint() {
        return fingerprint;
    }

    Schedule toSchedule(String strategy, long seed) {
        byte[] used = Arrays.copyOf(bits, (bitLength + 7) >>> 3);
        String packed = Base64.getUrlEncoder().withoutPadding().encodeToString(used);
        return new Schedule(strategy, seed, count, packed, fingerprint);
    }

    /** Reads back the choices of a recorded schedule. */
    static final class Reader {
        private final byte[] bits;
        private int position;

        Reader(String packed) {
            this.bits = Base64.getUrlDecoder().decode(packed);
        }

        /** The next choice among {@code options}, or -1 if the bits ran out. */
        int next(int options) {
            int w = width(options);
            if (position + w > bits.length * 8) {
                return -1;
            }
            int c = 0;
            for (int i = 0; i < w; i++) {
                int b = position + i;
                c |= ((bits[b >>> 3] >>> (b & 7)) & 1) << i;
            }
            position += w;
            return c;
        }
    }
}
