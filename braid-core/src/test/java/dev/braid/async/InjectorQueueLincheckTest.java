package dev.braid.async;

import java.util.ArrayDeque;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of the injector queue (ADR 0080) against an unbounded FIFO: offers and polls from
 * several threads at once. Segments of two slots make the segment hand-over (a producer linking the
 * next segment, a consumer moving head past a drained one) and late stores (a consumer that claimed
 * an index whose producer has not stored yet) common. {@code isEmpty} is not an operation here: it
 * counts an offer in progress as an element (conservative by design, see the queue's notes), which
 * a FIFO cannot linearize; {@link InjectorQueueTest} checks what the scheduler needs of it. Smoke
 * sizes by default; {@code -Dbraid.lincheck=long} for the long run. Batch polls ({@code poll(E[])})
 * take a nondeterministic number of elements, which a sequential FIFO cannot specify; {@link
 * InjectorQueueTest} races them.
 */
class InjectorQueueLincheckTest {
    static final boolean LONG = "long".equals(System.getProperty("braid.lincheck"));

    /** The queue under test. */
    public static class Ops {
        private final InjectorQueue<Integer> q = new InjectorQueue<>(2, 1);

        @Operation
        public void offer(int x) {
            q.offer(x);
        }

        @Operation
        public Integer poll() {
            return q.poll();
        }
    }

    /** The sequential specification: an unbounded FIFO. */
    public static class Spec {
        private final ArrayDeque<Integer> d = new ArrayDeque<>();

        public void offer(int x) {
            d.addLast(x);
        }

        public Integer poll() {
            return d.pollFirst();
        }
    }

    @Test
    void modelChecking() {
        new ModelCheckingOptions()
                .iterations(LONG ? 200 : 2)
                .invocationsPerIteration(LONG ? 5_000 : 80)
                .threads(3)
                .actorsPerThread(3)
                .sequentialSpecification(Spec.class)
                .check(Ops.class);
    }

    @Test
    void stress() {
        new StressOptions()
                .iterations(LONG ? 200 : 2)
                .invocationsPerIteration(LONG ? 10_000 : 100)
                .threads(3)
                .actorsPerThread(3)
                .sequentialSpecification(Spec.class)
                .check(Ops.class);
    }
}
