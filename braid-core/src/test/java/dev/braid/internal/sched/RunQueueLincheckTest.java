package dev.braid.internal.sched;

import java.util.ArrayDeque;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of the run queue against a bounded FIFO: the owner's pushes run on one thread (a
 * non-parallel group), one at a time directly or through the batch path; the owner and thieves take
 * from the head, the thieves either one element or half the queue (into a queue of their own,
 * drained into the result). A capacity of 2 makes full pushes and slot reuse common. Smoke sizes by
 * default; {@code -Dbraid.lincheck=long} for the long run.
 */
class RunQueueLincheckTest {
    static final boolean LONG = "long".equals(System.getProperty("braid.lincheck"));
    static final int CAPACITY = 2;

    /** The queue under test. */
    public static class Ops {
        private final RunQueue<Integer> q = new RunQueue<>(CAPACITY);

        @Operation(nonParallelGroup = "owner")
        public boolean push(int x) {
            return q.push(x);
        }

        /**
         * {@code x} through the batch path ({@code pushAll} with a count of one): whether it
         * fitted. A batch of two is not checked here: its count is decided at its head read and
         * published later, so with a consumer freeing a slot in between it may report one where a
         * sequential FIFO would take both (conservative, and what pushAll documents; the CI stress
         * run found exactly that). RunQueueTest covers multi-element batches.
         */
        @Operation(nonParallelGroup = "owner")
        public boolean pushOneBatched(int x) {
            return q.pushAll(new Integer[] {x}, 0, 1) == 1;
        }

        @Operation
        public Integer poll() {
            return q.poll();
        }

        /** Steal half into a fresh queue; with at most two elements that is exactly one. */
        @Operation
        public Integer stealOne() {
            RunQueue<Integer> mine = new RunQueue<>(CAPACITY);
            Integer x = q.stealHalfInto(mine);
            return mine.isEmpty()
                    ? x
                    : Integer.valueOf(-1); // -1: took more than half of at most two elements
        }
    }

    /** The sequential specification: a FIFO of bounded size. */
    public static class Spec {
        private final ArrayDeque<Integer> d = new ArrayDeque<>();

        public boolean push(int x) {
            if (d.size() >= CAPACITY) {
                return false;
            }
            d.addLast(x);
            return true;
        }

        public boolean pushOneBatched(int x) {
            return push(x);
        }

        public Integer poll() {
            return d.pollFirst();
        }

        public Integer stealOne() {
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
