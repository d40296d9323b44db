package dev.braid.testkit.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.atomic.AtomicI32;
import dev.braid.atomic.Ordering;
import dev.braid.pool.Joined;
import dev.braid.pool.PoolClosedException;
import dev.braid.pool.TaskHandle;
import dev.braid.pool.WorkStealingPool;
import dev.braid.sync.Latch;
import dev.braid.testkit.Simulation;
import dev.braid.testkit.Strategy;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.PanicException;
import dev.braid.thread.Threads;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * The whole pool under the testkit: its workers are simulated threads (spawned through the seam),
 * and every push, pop, steal, park and wake-up is a yield point the scheduler interleaves. Each
 * schedule must run every task exactly once, deliver every value and failure, and terminate (a lost
 * wake-up shows up as a deadlock report, a leaked worker as threads left running).
 */
class PoolSimulationTest {
    static final int SCHEDULES = Integer.getInteger("braid.pool.sim.schedules", 1000);

    static long fib(WorkStealingPool pool, int n) {
        if (n < 2) {
            return n;
        }
        Joined<Long, Long> r = pool.join(() -> fib(pool, n - 1), () -> fib(pool, n - 2));
        return r.first() + r.second();
    }

    @Test
    void submittedTasksRunExactlyOnceAndTheirValuesReachTheJoiner() {
        Simulation.builder()
                .seed(21)
                .schedules(SCHEDULES)
                .build()
                .check(
                        () -> {
                            AtomicI32[] runs = new AtomicI32[3];
                            WorkStealingPool pool =
                                    WorkStealingPool.builder().parallelism(2).build();
                            List<TaskHandle<Integer>> hs = new ArrayList<>();
                            for (int i = 0; i < runs.length; i++) {
                                AtomicI32 r = runs[i] = new AtomicI32();
                                int k = i;
                                hs.add(
                                        pool.submit(
                                                () -> {
                                                    r.fetchAdd(1, Ordering.RELAXED);
                                                    return k * 10;
                                                }));
                            }
                            for (int i = 0; i < hs.size(); i++) {
                                assertThat(hs.get(i).join()).isEqualTo(i * 10);
                            }
                            pool.close();
                            assertThat(pool.isTerminated()).isTrue();
                            for (AtomicI32 r : runs) {
                                assertThat(r.load(Ordering.RELAXED)).isEqualTo(1);
                            }
                        });
    }

    /**
     * Three outside threads submit at once, to the same injector shard or to different ones, while
     * workers fall asleep and wake: every task runs once and every submitter gets its value. With
     * the shard's lock planted away (two pushes race on one slot) this reports a deadlock: a task
     * was lost and its submitter waits forever.
     */
    @Test
    void concurrentOutsideSubmittersLoseNoTask() {
        Simulation.builder()
                .seed(24)
                .schedules(SCHEDULES / 2)
                .build()
                .check(
                        () -> {
                            WorkStealingPool pool =
                                    WorkStealingPool.builder().parallelism(2).build();
                            AtomicI32 ran = new AtomicI32();
                            List<JoinHandle<Integer>> submitters = new ArrayList<>();
                            for (int i = 0; i < 3; i++) {
                                int k = i;
                                Callable<Integer> task =
                                        () -> {
                                            ran.fetchAdd(1, Ordering.RELAXED);
                                            return k;
                                        };
                                submitters.add(
                                        Threads.builder()
                                                .name("submitter-" + i)
                                                .spawn(() -> pool.submit(task).join()));
                            }
                            for (int i = 0; i < submitters.size(); i++) {
                                assertThat(submitters.get(i).join()).isEqualTo(i);
                            }
                            pool.close();
                            assertThat(ran.load(Ordering.RELAXED)).isEqualTo(3);
                        });
    }

    /**
     * An outside joiner takes its task out of the injector before running it only when it is a
     * shard's oldest entry (ADR 0070). Here the task it joins was submitted after one nobody joins:
     * that one must still run once, on a worker, before close returns. With the "is it my task"
     * check planted away, the joiner removes the other task and it never runs.
     */
    @Test
    void anOutsideJoinerRemovesOnlyItsOwnTaskFromTheInjector() {
        Simulation.builder()
                .seed(26)
                .schedules(SCHEDULES / 2)
                .build()
                .check(
                        () -> {
                            WorkStealingPool pool =
                                    WorkStealingPool.builder().parallelism(2).build();
                            AtomicI32 unjoined = new AtomicI32();
                            AtomicI32 joined = new AtomicI32();
                            pool.submit(() -> unjoined.fetchAdd(1, Ordering.RELAXED));
                            TaskHandle<Integer> mine =
                                    pool.submit(() -> joined.fetchAdd(1, Ordering.RELAXED));
                            assertThat(mine.join()).isZero();
                            pool.close();
                            assertThat(unjoined.load(Ordering.RELAXED)).isEqualTo(1);
                            assertThat(joined.load(Ordering.RELAXED)).isEqualTo(1);
                        });
    }

    @Test
    void forkJoinRecursionTerminatesAndIsCorrectUnderEverySchedule() {
        Simulation.builder()
                .seed(22)
                .schedules(SCHEDULES / 2)
                .build()
                .check(
                        () -> {
                            WorkStealingPool pool =
                                    WorkStealingPool.builder().parallelism(2).build();
                            assertThat(fib(pool, 5)).isEqualTo(5);
                            pool.close();
                        });
    }

    @Test
    void failuresAndShutdownUnderSimulation() {
        Simulation.builder()
                .seed(23)
                .schedules(SCHEDULES / 2)
                .build()
                .check(
                        () -> {
                            WorkStealingPool pool =
                                    WorkStealingPool.builder().parallelism(2).build();
                            TaskHandle<Object> bad =
                                    pool.submit(
                                            () -> {
                                                throw new IllegalStateException("planted");
                                            });
                            TaskHandle<String> good = pool.submit(() -> "ok");
                            pool.shutdown(); // queued work still runs
                            try {
                                bad.join();
                                throw new AssertionError("the failure was lost");
                            } catch (PanicException expected) {
                                assertThat(expected).hasRootCauseMessage("planted");
                            }
                            assertThat(good.join()).isEqualTo("ok");
                            pool.close();
                        });
    }

    /**
     * An outside submission racing {@code shutdown()}: it is either rejected or runs to the end,
     * never accepted and then dropped. The submitter checks the run state under its injector
     * shard's lock, and the termination test looks at every shard with its lock held (ADR 0060);
     * with that locked look planted away, the pool can stop between the submitter's check and its
     * push, and the accepted task comes back cancelled.
     */
    @Test
    void aSubmissionRacingShutdownIsRejectedOrRunsNeverDropped() {
        Simulation.builder()
                .seed(25)
                .strategy(Strategy.PCT) // the submitter must stall inside its window
                .schedules(SCHEDULES)
                .build()
                .check(
                        () -> {
                            WorkStealingPool pool =
                                    WorkStealingPool.builder().parallelism(2).build();
                            JoinHandle<Integer> submitter =
                                    Threads.builder()
                                            .name("submitter")
                                            .spawn(
                                                    () -> {
                                                        TaskHandle<Integer> h;
                                                        try {
                                                            h = pool.submit(() -> 7);
                                                        } catch (PoolClosedException e) {
                                                            return -1;
                                                        }
                                                        return h.join();
                                                    });
                            pool.shutdown();
                            assertThat(submitter.join()).isIn(7, -1);
                            pool.close();
                        });
    }

    /**
     * ADR 0084 leaves a queued task to a free worker; when that worker first takes another task and
     * blocks in it, the outside joiner must still run its own task (ADR 0049), or it waits behind
     * the blocked worker for ever: here the worker's task waits for a latch that the joiner opens
     * only after its join. Without the joiner's re-check, every schedule in which the join looks
     * before the worker has taken the first task deadlocks.
     */
    @Test
    void anOutsideJoinerRunsItsTaskWhenTheFreeWorkerItLeftItToBlocksFirst() {
        Simulation.builder()
                .seed(28)
                .schedules(SCHEDULES / 2)
                .build()
                .check(
                        () -> {
                            WorkStealingPool pool =
                                    WorkStealingPool.builder().parallelism(1).build();
                            Latch hold = new Latch(1);
                            TaskHandle<Integer> blocking =
                                    pool.submit(
                                            () -> {
                                                hold.await();
                                                return 1;
                                            });
                            TaskHandle<Integer> mine = pool.submit(() -> 7);
                            assertThat(mine.join()).isEqualTo(7);
                            hold.countDown();
                            assertThat(blocking.join()).isEqualTo(1);
                            pool.close();
                        });
    }

    /**
     * A task that its outside joiner runs inline is a task of the pool (ADR 0071): a close() racing
     * it returns only after it has finished. The joiner takes an inline slot before it re-reads the
     * run state and termination reads the slots after the workers exited; with the slot check
     * planted away, close() returns while the task is between its two stores.
     */
    @Test
    void aTaskRunInlineByItsJoinerFinishesBeforeThePoolTerminates() {
        Simulation.builder()
                .seed(27)
                .strategy(Strategy.PCT)
                .schedules(SCHEDULES / 2)
                .build()
                .check(
                        () -> {
                            WorkStealingPool pool =
                                    WorkStealingPool.builder().parallelism(1).build();
                            AtomicI32 started = new AtomicI32();
                            AtomicI32 finished = new AtomicI32();
                            JoinHandle<Integer> joiner =
                                    Threads.builder()
                                            .name("joiner")
                                            .spawn(
                                                    () -> {
                                                        TaskHandle<Integer> h;
                                                        try {
                                                            h =
                                                                    pool.submit(
                                                                            () ->
                                                                                    twoStores(
                                                                                            started,
                                                                                            finished));
                                                        } catch (PoolClosedException e) {
                                                            return -1;
                                                        }
                                                        return h.join();
                                                    });
                            while (started.load(Ordering.SEQ_CST) == 0 && !joiner.isFinished()) {
                                WorkStealingPool.yieldNow(); // close while the task may run
                            }
                            pool.close();
                            boolean startedBefore = started.load(Ordering.SEQ_CST) == 1;
                            boolean finishedBefore = finished.load(Ordering.SEQ_CST) == 1;
                            assertThat(!startedBefore || finishedBefore)
                                    .as("terminated while a task of the pool ran")
                                    .isTrue();
                            assertThat(joiner.join()).isIn(7, -1);
                        });
    }

    static int twoStores(AtomicI32 first, AtomicI32 second) {
        first.store(1, Ordering.SEQ_CST);
        second.store(1, Ordering.SEQ_CST);
        return 7;
    }

    /**
     * shutdownNow right after five outside submissions, while workers take them: every task either
     * ran (a worker had it in hand) or came back from shutdownNow, cancelled, exactly once (ADR
     * 0119). A worker that saw STOP and exited used to cancel injector tasks that shutdownNow had
     * not drained yet: cancelled but missing from its list (seed 71, RANDOM, 282 steps).
     */
    @Test
    void shutdownNowReturnsEveryQueuedTaskThatDidNotStartExactlyOnce() {
        for (Strategy strategy : new Strategy[] {Strategy.RANDOM, Strategy.PCT}) {
            Simulation.builder()
                    .seed(71)
                    .strategy(strategy)
                    .schedules(SCHEDULES)
                    .build()
                    .check(PoolSimulationTest::shutdownNowRace);
        }
    }

    /** The program: five submissions, shutdownNow, and the exactly-once accounting. */
    static void shutdownNowRace() throws Exception {
        WorkStealingPool pool = WorkStealingPool.builder().parallelism(2).build();
        AtomicI32 ran = new AtomicI32();
        List<TaskHandle<?>> hs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            hs.add(pool.submit(() -> ran.fetchAdd(1, Ordering.RELAXED)));
        }
        List<TaskHandle<?>> dropped = pool.shutdownNow();
        pool.close();
        int cancelled = 0;
        for (TaskHandle<?> h : hs) {
            if (h.isCancelled()) {
                cancelled++;
                assertThat(dropped).as("cancelled, not returned").contains(h);
            }
        }
        assertThat(dropped).doesNotHaveDuplicates().hasSize(cancelled);
        assertThat(ran.load(Ordering.RELAXED) + cancelled).isEqualTo(hs.size());
    }
}
