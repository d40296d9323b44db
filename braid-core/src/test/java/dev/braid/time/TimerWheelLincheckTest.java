package dev.braid.time;

import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of schedule / cancel / advance / pending on a manual wheel with a small bound
 * (3), so that overload rejections are part of the explored behaviour. Deadlines are absolute
 * ticks, time moves only in advance(). Effort: {@code braid.lincheck.*} system properties.
 */
@Param(name = "slot", gen = IntGen.class, conf = "0:2")
@Param(name = "tick", gen = IntGen.class, conf = "1:3")
public class TimerWheelLincheckTest {
    private static final long TICK = 1_000_000L;

    /** Lincheck instantiates the test reflectively. */
    public TimerWheelLincheckTest() {}

    private final TimerWheel wheel = TimerWheel.manual(TICK, 3);
    private final AtomicReferenceArray<Timeout> slots = new AtomicReferenceArray<>(3);
    private final Object clock = new Object();
    private final Object[] slotLocks = {new Object(), new Object(), new Object()};
    private long now = wheel.origin();

    @Operation
    public boolean schedule(@Param(name = "slot") int slot, @Param(name = "tick") int tick) {
        synchronized (slotLocks[slot]) { // makes "schedule + remember the handle" one step
            try {
                slots.set(slot, wheel.scheduleAt(wheel.origin() + tick * TICK, () -> {}));
                return true;
            } catch (TimerOverloadException full) {
                return false;
            }
        }
    }

    @Operation
    public boolean cancel(@Param(name = "slot") int slot) {
        synchronized (slotLocks[slot]) {
            Timeout t = slots.get(slot);
            return t != null && t.cancel();
        }
    }

    @Operation
    public int advance() {
        synchronized (clock) { // the test's clock; the wheel is advanced by one thread at a time
            now += TICK;
            return wheel.advance(now);
        }
    }

    @Operation
    public int pending() {
        return wheel.pending();
    }

    @Test
    void modelChecking() {
        new ModelCheckingOptions()
                .iterations(Integer.getInteger("braid.lincheck.iterations", 3))
                .invocationsPerIteration(Integer.getInteger("braid.lincheck.invocations", 100))
                .threads(3)
                .actorsPerThread(3)
                .check(getClass());
    }

    @Test
    void stress() {
        new StressOptions()
                .iterations(Integer.getInteger("braid.lincheck.iterations", 3))
                .invocationsPerIteration(Integer.getInteger("braid.lincheck.invocations", 100))
                .threads(2)
                .actorsPerThread(3)
                .check(getClass());
    }
}
