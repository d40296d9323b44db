package dev.braid.testkit.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.atomic.AtomicI32;
import dev.braid.atomic.Ordering;
import dev.braid.pool.TaskHandle;
import dev.braid.pool.WorkStealingPool;
import dev.braid.sync.Latch;
import dev.braid.testkit.Simulation;
import dev.braid.testkit.Strategy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pool under the testkit with ADR 0106's wake rule on ({@code braid.pool.takerHandoff}, read
 * when a pool is built): an outside push wakes no sleeper while another worker is between tasks, an
 * idle worker spins as a taker before it registers as a sleeper, and a worker that starts a task
 * while the injector holds more hands the taker role on. A lost hand-off shows up as a deadlock
 * report.
 */
class PoolTakerHandoffSimulationTest {
    static final int SCHEDULES = PoolSimulationTest.SCHEDULES;
    private static final String SWITCH = "braid.pool.takerHandoff";

    @BeforeEach
    void ruleOn() {
        System.setProperty(SWITCH, "true");
    }

    @AfterEach
    void ruleOff() {
        System.clearProperty(SWITCH);
    }

    /**
     * The fallback: a task blocks on a latch that only a task submitted after it opens, and the
     * outside thread waits for the opener's effect without joining (a joiner would run a queued
     * task itself). When a worker starts the blocking task with the opener already queued behind it
     * (its push woke nobody because that worker was between tasks), it must hand the taker role on,
     * or the opener waits behind it while the other worker sleeps. With beginTask's injector check
     * planted away this reports a deadlock.
     */
    @Test
    void aSubmissionQueuedBehindABlockingTaskRunsOnTheOtherWorker() {
        for (Strategy strategy : new Strategy[] {Strategy.RANDOM, Strategy.PCT}) {
            Simulation.builder()
                    .seed(61)
                    .strategy(strategy)
                    .schedules(SCHEDULES * 10) // the window is a few steps wide
                    .build()
                    .check(
                            () -> {
                                WorkStealingPool pool =
                                        WorkStealingPool.builder().parallelism(2).build();
                                Latch open = new Latch(1);
                                Latch opened = new Latch(1);
                                TaskHandle<Integer> blocker =
                                        pool.submit(
                                                () -> {
                                                    open.await();
                                                    return 1;
                                                });
                                pool.submit(
                                        () -> {
                                            open.countDown();
                                            opened.countDown();
                                        });
                                opened.await();
                                assertThat(blocker.join()).isEqualTo(1);
                                pool.close();
                                assertThat(pool.isTerminated()).isTrue();
                            });
        }
    }

    /** Outside submissions run exactly once and the pool terminates, under random schedules. */
    @Test
    void submittedTasksRunExactlyOnceAndThePoolTerminates() {
        Simulation.builder()
                .seed(62)
                .schedules(SCHEDULES)
                .build()
                .check(
                        () -> {
                            WorkStealingPool pool =
                                    WorkStealingPool.builder().parallelism(2).build();
                            AtomicI32 ran = new AtomicI32();
                            List<TaskHandle<Integer>> hs = new ArrayList<>();
                            for (int i = 0; i < 4; i++) {
                                int k = i;
                                hs.add(
                                        pool.submit(
                                                () -> {
                                                    ran.fetchAdd(1, Ordering.RELAXED);
                                                    return k;
                                                }));
                            }
                            for (int i = 0; i < hs.size(); i++) {
                                assertThat(hs.get(i).join()).isEqualTo(i);
                            }
                            pool.close();
                            assertThat(pool.isTerminated()).isTrue();
                            assertThat(ran.load(Ordering.RELAXED)).isEqualTo(4);
                        });
    }

    /** Fork/join inside an outside submission, with the rule on: correct and terminates. */
    @Test
    void forkJoinInsideASubmissionTerminatesAndIsCorrect() {
        Simulation.builder()
                .seed(63)
                .schedules(SCHEDULES / 4)
                .build()
                .check(
                        () -> {
                            WorkStealingPool pool =
                                    WorkStealingPool.builder().parallelism(2).build();
                            TaskHandle<Long> h = pool.submit(() -> PoolSimulationTest.fib(pool, 5));
                            assertThat(h.join()).isEqualTo(5L);
                            pool.close();
                            assertThat(pool.isTerminated()).isTrue();
                        });
    }
}
