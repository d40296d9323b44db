package dev.braid.pool;

import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of submit against shutdown: a submission either is accepted, and its task runs
 * and is joined, or is rejected because shutdown came first; never accepted and then lost. Each
 * invocation gets a fresh one-worker pool, closed after the invocation. Stress mode only: model
 * checking would have to explore the worker's thread too.
 */
class PoolLincheckTest {
    static final boolean LONG = "long".equals(System.getProperty("braid.lincheck"));

    /** Operations on a one-worker pool. */
    public static class Ops {
        private final WorkStealingPool pool =
                WorkStealingPool.builder().parallelism(1).namePrefix("lincheck").build();

        @Operation
        public String submitAndJoin(int x) throws InterruptedException {
            try {
                return "ran " + pool.submit(() -> x).join();
            } catch (PoolClosedException e) {
                return "rejected";
            }
        }

        @Operation
        public void shutdown() {
            pool.shutdown();
        }

        @Operation
        public boolean isShutdown() {
            return pool.isShutdown();
        }

        @Validate
        public void closeAndCheck() {
            pool.close();
            if (!pool.isTerminated()) {
                throw new IllegalStateException("pool did not terminate");
            }
        }
    }

    /** The sequential specification: a flag. */
    public static class Spec {
        private boolean shut;

        public String submitAndJoin(int x) {
            return shut ? "rejected" : "ran " + x;
        }

        public void shutdown() {
            shut = true;
        }

        public boolean isShutdown() {
            return shut;
        }
    }

    @Test
    void stress() {
        new StressOptions()
                .iterations(LONG ? 100 : 2)
                .invocationsPerIteration(LONG ? 2_000 : 30)
                .threads(2)
                .actorsPerThread(2)
                .sequentialSpecification(Spec.class)
                .check(Ops.class);
    }
}
