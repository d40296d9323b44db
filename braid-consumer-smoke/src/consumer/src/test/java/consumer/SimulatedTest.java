package consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.braid.atomic.AtomicI64;
import dev.braid.atomic.Ordering;
import dev.braid.thread.Threads;
import dev.braid.testkit.junit.SimTest;

/** A @SimTest from braid-testkit: the body runs once per explored schedule. */
class SimulatedTest {
    @SimTest(schedules = 50, seed = 7)
    void twoThreadsAddAtomically() throws Exception {
        AtomicI64 hits = new AtomicI64(0);
        var a = Threads.spawn(() -> hits.fetchAdd(1, Ordering.ACQ_REL));
        var b = Threads.spawn(() -> hits.fetchAdd(1, Ordering.ACQ_REL));
        a.join();
        b.join();
        assertEquals(2, hits.load(Ordering.ACQUIRE));
    }
}
