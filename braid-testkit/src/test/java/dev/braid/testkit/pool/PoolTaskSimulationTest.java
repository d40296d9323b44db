package dev.braid.testkit.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.atomic.AtomicI32;
import dev.braid.atomic.AtomicRef;
import dev.braid.atomic.Ordering;
import dev.braid.pool.PoolTask;
import dev.braid.pool.WorkStealingPool;
import dev.braid.testkit.Simulation;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import org.junit.jupiter.api.Test;

/**
 * {@link PoolTask} fork/join under the testkit (ADR 0078): the workers are simulated threads and
 * every push, pop, steal and park is a yield point. Under every schedule each task's compute() runs
 * exactly once, every join gets the value, and the pool terminates. With the join planted to run an
 * unfinished task without the claim CAS (so that it may run beside the thief that stole it), both
 * tests fail: a compute() runs twice.
 */
class PoolTaskSimulationTest {
    static final int SCHEDULES = Integer.getInteger("braid.pool.sim.schedules", 1000);

    static final class Fib extends PoolTask<Integer> {
        final int n;
        final AtomicI32 computed;

        Fib(int n, AtomicI32 computed) {
            this.n = n;
            this.computed = computed;
        }

        @Override
        protected Integer compute() {
            computed.fetchAdd(1, Ordering.RELAXED);
            if (n < 2) {
                return n;
            }
            Fib f = new Fib(n - 2, computed);
            f.fork();
            return new Fib(n - 1, computed).invoke() + f.join();
        }
    }

    @Test
    void eachForkedTaskRunsExactlyOnceAndTheTreeIsCorrectUnderEverySchedule() {
        Simulation.builder()
                .seed(31)
                .schedules(SCHEDULES / 2)
                .build()
                .check(
                        () -> {
                            WorkStealingPool pool =
                                    WorkStealingPool.builder().parallelism(2).build();
                            AtomicI32 computed = new AtomicI32();
                            assertThat(pool.invoke(new Fib(5, computed))).isEqualTo(5);
                            pool.close();
                            assertThat(computed.load(Ordering.RELAXED)).isEqualTo(15); // nodes
                        });
    }

    /**
     * A task forked inside the pool and joined at once by its forker and by an outside thread: the
     * forker pops it back or a worker steals it, the outsider parks on it; it runs once and both
     * get the value.
     */
    @Test
    void aForkedTaskJoinedInsideAndOutsideThePoolRunsOnce() {
        Simulation.builder()
                .seed(32)
                .schedules(SCHEDULES / 2)
                .build()
                .check(
                        () -> {
                            WorkStealingPool pool =
                                    WorkStealingPool.builder().parallelism(2).build();
                            AtomicI32 ran = new AtomicI32();
                            AtomicRef<PoolTask<Integer>> shared = new AtomicRef<>();
                            PoolTask<Integer> root =
                                    new PoolTask<>() {
                                        @Override
                                        protected Integer compute() {
                                            PoolTask<Integer> c =
                                                    new PoolTask<>() {
                                                        @Override
                                                        protected Integer compute() {
                                                            ran.fetchAdd(1, Ordering.RELAXED);
                                                            return 7;
                                                        }
                                                    };
                                            c.fork();
                                            shared.store(c, Ordering.RELEASE);
                                            return c.join();
                                        }
                                    };
                            pool.submit(root);
                            JoinHandle<Integer> outsider =
                                    Threads.builder()
                                            .name("outsider")
                                            .spawn(
                                                    () -> {
                                                        PoolTask<Integer> c;
                                                        while ((c = shared.load(Ordering.ACQUIRE))
                                                                == null) {
                                                            Thread.onSpinWait();
                                                        }
                                                        return c.join();
                                                    });
                            assertThat(root.join()).isEqualTo(7);
                            assertThat(outsider.join()).isEqualTo(7);
                            pool.close();
                            assertThat(ran.load(Ordering.RELAXED)).isEqualTo(1);
                        });
    }
}
