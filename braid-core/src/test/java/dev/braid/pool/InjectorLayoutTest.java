package dev.braid.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.vm.VM;
import org.openjdk.jol.vm.VirtualMachine;

/**
 * Where a shard's cells lie (ADR 0096, house rule 10): without the gap, {@code head} (takers) is
 * allocated beside {@code lock} and {@code tail} (producers); with it, at least one cache line lies
 * between them, when built and after the collector has copied the shard. Addresses from JOL.
 */
class InjectorLayoutTest {
    private static final int LINE = 64;

    private static Object cell(Injector.Shard s, String name) throws ReflectiveOperationException {
        Field f = Injector.Shard.class.getDeclaredField(name);
        f.setAccessible(true);
        return f.get(s);
    }

    /**
     * Bytes between the producers' cells and the takers' cell, nearest ends (negative: overlap).
     */
    private static long clearance(Injector.Shard s) throws ReflectiveOperationException {
        VirtualMachine vm = VM.current();
        long head = vm.addressOf(cell(s, "head"));
        long headEnd = head + vm.sizeOf(cell(s, "head"));
        long best = Long.MAX_VALUE;
        for (String producer : new String[] {"lock", "tail"}) {
            Object c = cell(s, producer);
            long a = vm.addressOf(c);
            long end = a + vm.sizeOf(c);
            best = Math.min(best, a >= headEnd ? a - headEnd : head - end);
        }
        return best;
    }

    @Test
    void withTheGapALineSeparatesTheTakersCellFromTheProducersBeforeAndAfterACopy()
            throws ReflectiveOperationException {
        Injector.Shard s = new Injector.Shard(true);
        assertThat(s.hasGap()).isTrue();
        assertThat(clearance(s))
                .as("bytes between head and lock/tail, as built")
                .isGreaterThan(LINE);
        churnAndCollect();
        assertThat(clearance(s))
                .as("bytes between head and lock/tail, after collections")
                .isGreaterThan(LINE);
    }

    @Test
    void withoutTheGapTheCellsAreAllocatedTogether() throws ReflectiveOperationException {
        // one after the other, within a line of each other, unless a new allocation buffer began
        // between two of them: three tries make that (a few bytes in kilobytes) beside the point
        long nearest = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            Injector.Shard s = new Injector.Shard(false);
            assertThat(s.hasGap()).isFalse();
            nearest = Math.min(nearest, clearance(s));
        }
        assertThat(nearest).as("bytes between head and lock/tail").isLessThan(LINE);
    }

    private static volatile Object sink;

    private static void churnAndCollect() {
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 100_000; i++) {
                sink = new byte[64];
            }
            System.gc();
        }
    }
}
