package dev.braid.cancel;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of cancel / register / deregister / isCancelled, plus the exactly-once callback
 * invariant checked after every scenario. Effort: {@code braid.lincheck.*} system properties (smoke
 * by default; {@code -Plincheck} for long runs). {@link Sweeping} runs the same scenarios on a
 * token that sweeps its callback stack on every push, so sweeps race with the rest.
 */
@Param(name = "slot", gen = IntGen.class, conf = "0:2")
public class CancellationTokenLincheckTest {
    private record Reg(AtomicInteger runs, CancellationRegistration[] handle, boolean[] removed) {}

    /** Lincheck instantiates the test reflectively. */
    public CancellationTokenLincheckTest() {}

    private final CancellationSource source =
            getClass() == Sweeping.class
                    ? CancellationSource.sweepingEvery(1)
                    : new CancellationSource();
    private final AtomicReferenceArray<Reg> slots = new AtomicReferenceArray<>(3);
    private final ConcurrentLinkedQueue<Reg> all = new ConcurrentLinkedQueue<>();

    @Operation
    public void register(@Param(name = "slot") int slot) {
        Reg r = new Reg(new AtomicInteger(), new CancellationRegistration[1], new boolean[1]);
        all.add(r);
        r.handle[0] = source.token().onCancel(r.runs::incrementAndGet);
        slots.set(slot, r);
    }

    @Operation
    public boolean deregister(@Param(name = "slot") int slot) {
        Reg r = slots.get(slot);
        if (r == null || r.handle[0] == null) {
            return false;
        }
        boolean removed = r.handle[0].deregister();
        if (removed) {
            r.removed[0] = true;
        }
        return removed;
    }

    @Operation
    public boolean cancel() {
        return source.cancel();
    }

    @Operation
    public boolean isCancelled() {
        return source.isCancelled();
    }

    /** The same operations on a token that sweeps on every push (the kotlinx shrinking idiom). */
    @Param(name = "slot", gen = IntGen.class, conf = "0:2")
    public static class Sweeping extends CancellationTokenLincheckTest {
        /** Lincheck instantiates the test reflectively. */
        public Sweeping() {}
    }

    @Validate
    public void everyCallbackRanExactlyOnceUnlessRemoved() {
        boolean cancelled = source.isCancelled();
        for (Reg r : all) {
            int expected = cancelled && !r.removed[0] ? 1 : 0;
            if (r.runs.get() != expected) {
                throw new AssertionError(
                        "callback ran " + r.runs.get() + " times, expected " + expected);
            }
        }
    }

    static int iterations() {
        return Integer.getInteger("braid.lincheck.iterations", 3);
    }

    static int invocations() {
        return Integer.getInteger("braid.lincheck.invocations", 100);
    }

    @Test
    void modelChecking() {
        new ModelCheckingOptions()
                .iterations(iterations())
                .invocationsPerIteration(invocations())
                .threads(3)
                .actorsPerThread(3)
                .check(getClass());
    }

    @Test
    void stress() {
        new StressOptions()
                .iterations(iterations())
                .invocationsPerIteration(invocations())
                .threads(2)
                .actorsPerThread(3)
                .check(getClass());
    }
}
