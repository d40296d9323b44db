package dev.braid.pool;

import java.util.ArrayDeque;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of the Chase-Lev deque against a sequential deque: the owner's push and pop run
 * on one thread (a non-parallel group), thieves steal from the others. A steal that loses a race
 * retries, so the operation returns the element or {@code null} for empty, as the specification
 * does. Smoke sizes by default; {@code -Dbraid.lincheck=long} for the long run.
 */
class WorkDequeLincheckTest {
    static final boolean LONG = "long".equals(System.getProperty("braid.lincheck"));

    /** The deque under test, with an initial capacity of 1 so that pushes grow the buffer. */
    public static class Ops {
        private final WorkDeque<Integer> d = new WorkDeque<>(1);

        @Operation(nonParallelGroup = "owner")
        public void push(int x) {
            d.push(x);
        }

        @Operation(nonParallelGroup = "owner")
        public Integer pop() {
            return d.pop();
        }

        @Operation
        public Integer steal() {
            while (true) {
                Steal<Integer> s = d.steal();
                if (s instanceof Steal.Success<Integer> ok) {
                    return ok.value();
                }
                if (s instanceof Steal.Empty<Integer>) {
                    return null;
                }
            }
        }
    }

    /** The sequential specification: push and pop at the tail, steal at the head. */
    public static class Spec {
        private final ArrayDeque<Integer> d = new ArrayDeque<>();

        public void push(int x) {
            d.addLast(x);
        }

        public Integer pop() {
            return d.pollLast();
        }

        public Integer steal() {
            return d.pollFirst();
        }
    }

    @Test
    void modelChecking() {
        new ModelCheckingOptions()
                .iterations(LONG ? 200 : 2)
                .invocationsPerIteration(LONG ? 5_000 : 60)
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
