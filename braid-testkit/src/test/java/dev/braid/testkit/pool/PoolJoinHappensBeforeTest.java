package dev.braid.testkit.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.atomic.AtomicBool;
import dev.braid.atomic.Ordering;
import dev.braid.atomic.Plain;
import dev.braid.pool.TaskHandle;
import dev.braid.pool.WorkStealingPool;
import dev.braid.testkit.Exploration;
import dev.braid.testkit.SimBody;
import dev.braid.testkit.SimResult;
import dev.braid.testkit.Simulation;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * A value a pool task writes with plain accesses is ordered before what its joiner reads after the
 * join: {@code join()}, {@code get()}, {@code pool.scope(...)} and {@code pool.join(a, b)} from
 * outside the pool are happens-before edges under the testkit's memory model, as they are on the
 * JVM (the task's completion is a volatile write its joiner reads). Before the pool's joins
 * acquired from the handle, each of these correct programs was reported as a data race within a few
 * schedules (found by the testkit10 corpus). The control shows the model still reports a real race
 * on the same shape: a read that does not wait for the task.
 */
class PoolJoinHappensBeforeTest {
    private static final int SCHEDULES = 300;

    private static Exploration explore(SimBody body) {
        return Simulation.builder().seed(1).schedules(SCHEDULES).build().explore(body);
    }

    private static void check(boolean ok) {
        if (!ok) {
            throw new AssertionError("stale value after the join");
        }
    }

    @Test
    void aTaskWriteIsVisibleAfterJoin() {
        explore(
                        () -> {
                            try (WorkStealingPool pool =
                                    WorkStealingPool.builder().parallelism(2).build()) {
                                Plain<Integer> data = new Plain<>(0);
                                TaskHandle<Void> h = pool.submit(() -> data.set(42));
                                h.join();
                                check(data.get() == 42);
                            }
                        })
                .assertPassed();
    }

    @Test
    void aTaskWriteIsVisibleAfterGet() {
        explore(
                        () -> {
                            try (WorkStealingPool pool =
                                    WorkStealingPool.builder().parallelism(2).build()) {
                                Plain<Integer> data = new Plain<>(0);
                                Future<Void> f = pool.submit(() -> data.set(42));
                                f.get();
                                check(data.get() == 42);
                            }
                        })
                .assertPassed();
    }

    @Test
    void aScopedTaskWriteIsVisibleAfterTheScope() {
        explore(
                        () -> {
                            try (WorkStealingPool pool =
                                    WorkStealingPool.builder().parallelism(2).build()) {
                                Plain<Integer> data = new Plain<>(0);
                                pool.scope(
                                        s -> {
                                            s.spawn(() -> data.set(42));
                                        });
                                check(data.get() == 42);
                            }
                        })
                .assertPassed();
    }

    @Test
    void bothHalvesWritesAreVisibleAfterAJoinFromOutside() {
        explore(
                        () -> {
                            try (WorkStealingPool pool =
                                    WorkStealingPool.builder().parallelism(2).build()) {
                                Plain<Integer> a = new Plain<>(0);
                                Plain<Integer> b = new Plain<>(0);
                                pool.join(
                                        () -> {
                                            a.set(1);
                                            return 0;
                                        },
                                        () -> {
                                            b.set(2);
                                            return 0;
                                        });
                                check(a.get() == 1 && b.get() == 2);
                            }
                        })
                .assertPassed();
    }

    @Test
    void aReadThatDoesNotWaitForTheTaskIsStillARace() {
        Exploration e =
                explore(
                        () -> {
                            try (WorkStealingPool pool =
                                    WorkStealingPool.builder().parallelism(2).build()) {
                                Plain<Integer> data = new Plain<>(0);
                                TaskHandle<Void> h = pool.submit(() -> data.set(42));
                                int seen = data.get(); // no join before the read
                                h.join();
                                check(seen == 0 || seen == 42);
                            }
                        });
        assertThat(e.failure()).get().isInstanceOf(SimResult.DataRace.class);
    }

    /**
     * Two joiners of one finished task are not ordered with each other: each only reads the task's
     * outcome (an acquire read), so the first joiner's earlier write races with the second joiner's
     * read, even when the second joins after the first (told so by a RELAXED flag, which orders
     * nothing). While a join also released into the handle (ADR 0130's OnceCell pattern), the
     * second joiner acquired the first one's write and this race was never reported; a join now
     * acquires only (ADR 0134).
     */
    @Test
    void twoJoinersOfAFinishedTaskAreNotOrderedWithEachOther() {
        Exploration e =
                explore(
                        () -> {
                            try (WorkStealingPool pool =
                                    WorkStealingPool.builder().parallelism(1).build()) {
                                Plain<Integer> data = new Plain<>(0);
                                AtomicBool joined = new AtomicBool(false);
                                TaskHandle<Void> h = pool.submit(() -> {});
                                JoinHandle<Void> first =
                                        Threads.spawn(
                                                () -> {
                                                    if (h.isDone()) { // a join that only reads
                                                        data.set(1);
                                                        h.join();
                                                        joined.store(true, Ordering.RELAXED);
                                                    }
                                                    return null;
                                                });
                                JoinHandle<Void> second =
                                        Threads.spawn(
                                                () -> {
                                                    if (joined.load(Ordering.RELAXED)) {
                                                        h.join();
                                                        check(data.get() == 1);
                                                    }
                                                    return null;
                                                });
                                first.join();
                                second.join();
                            }
                        });
        assertThat(e.failure()).get().isInstanceOf(SimResult.DataRace.class);
        assertThat(e.failure().get().message()).contains("Plain#");
    }

    /**
     * A joiner that waited (pushed itself onto the task's waiter stack before the task finished) is
     * ordered before a joiner that comes after the completion: the completion's swap reads the
     * push, as on the JVM. Virtual time makes the order certain: the task's sleep ends only once
     * the first joiner is parked, and the second joins only after the task is done. With a join
     * that only acquired (and no release at the push) this correct program was a data race.
     */
    @Test
    void aJoinerThatWaitedIsOrderedBeforeALaterJoiner() {
        explore(
                        () -> {
                            try (WorkStealingPool pool =
                                    WorkStealingPool.builder().parallelism(1).build()) {
                                Plain<Integer> data = new Plain<>(0);
                                TaskHandle<Integer> h =
                                        pool.submit(
                                                () -> {
                                                    Threads.sleep(Duration.ofMillis(10));
                                                    return 0;
                                                });
                                JoinHandle<Void> first =
                                        Threads.spawn(
                                                () -> {
                                                    data.set(1);
                                                    h.join(); // waits: the task is asleep
                                                    return null;
                                                });
                                JoinHandle<Void> second =
                                        Threads.spawn(
                                                () -> {
                                                    Threads.sleep(Duration.ofMillis(20));
                                                    h.join(); // finished: only reads
                                                    check(data.get() == 1);
                                                    return null;
                                                });
                                first.join();
                                second.join();
                            }
                        })
                .assertPassed();
    }

    /**
     * ADR 0152: the completion's swap reads the waiter a joiner pushed, so what the joiner wrote
     * before its join happens before what the completing worker does next (here: the task queued
     * behind, which reads it). Before, the completer's view stayed as it was: a false data race.
     */
    @Test
    void theCompleterIsOrderedAfterAWaitingJoinersWrites() {
        explore(
                        () -> {
                            try (WorkStealingPool pool =
                                    WorkStealingPool.builder().parallelism(1).build()) {
                                Plain<Integer> data = new Plain<>(0);
                                java.util.concurrent.atomic.AtomicReference<TaskHandle<Integer>>
                                        next = new java.util.concurrent.atomic.AtomicReference<>();
                                TaskHandle<Integer> h =
                                        pool.submit(
                                                () -> {
                                                    Threads.sleep(Duration.ofMillis(10));
                                                    next.set(pool.submit(data::get)); // after
                                                    return 0;
                                                });
                                JoinHandle<Void> joiner =
                                        Threads.spawn(
                                                () -> {
                                                    data.set(1);
                                                    h.join(); // waits: the task is asleep
                                                    return null;
                                                });
                                joiner.join();
                                check(next.get().join() == 1);
                            }
                        })
                .assertPassed();
    }
}
