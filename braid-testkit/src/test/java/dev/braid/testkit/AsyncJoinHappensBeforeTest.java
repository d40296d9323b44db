package dev.braid.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.async.Async;
import dev.braid.async.LocalExecutor;
import dev.braid.async.TaskHandle;
import dev.braid.async.ThreadedExecutor;
import dev.braid.atomic.Plain;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a braid thread or an async task wrote with plain accesses is ordered before what is read
 * after awaiting its completion as a future: {@code Async.join(thread)} (a blocking future whose
 * completion the poller reads), {@code Async.await}, and a task awaiting another task's handle. On
 * the JVM the completion is a volatile CAS and the poller's read of it an acquire read; under the
 * testkit the read acquires from the completion (ADR 0134). Before, the first three were reported
 * as data races within a few schedules (testkit10's finding, docs/memory-ordering.md). The control
 * still finds the race of a read that does not wait.
 */
class AsyncJoinHappensBeforeTest {
    private static final int SCHEDULES = 300;

    @AfterEach
    void noSimulatedThreadOutlivesItsRun() {
        NoLiveThreads.check();
    }

    private static Exploration explore(SimBody body) {
        return Simulation.builder().seed(1).schedules(SCHEDULES).build().explore(body);
    }

    /** A braid thread that writes 42 into {@code data}. */
    private static JoinHandle<Integer> writer(Plain<Integer> data) {
        return Threads.spawn(
                () -> {
                    data.set(42);
                    return 1;
                });
    }

    private static void check(boolean ok) {
        if (!ok) {
            throw new AssertionError("stale value after the join");
        }
    }

    @Test
    void aThreadWriteIsVisibleAfterBlockOnAsyncJoin() {
        explore(
                        () -> {
                            Plain<Integer> data = new Plain<>(0);
                            JoinHandle<Integer> t = writer(data);
                            try (LocalExecutor ex = LocalExecutor.create("ex")) {
                                ex.blockOn(Async.join(t));
                            }
                            check(data.get() == 42);
                        })
                .assertPassed();
    }

    @Test
    void aThreadWriteIsVisibleAfterAwaitingAsyncJoin() {
        explore(
                        () -> {
                            Plain<Integer> data = new Plain<>(0);
                            JoinHandle<Integer> t = writer(data);
                            Async.await(Async.join(t));
                            check(data.get() == 42);
                        })
                .assertPassed();
    }

    @Test
    void aTaskWriteIsVisibleToATaskAwaitingItsHandle() {
        explore(
                        () -> {
                            try (ThreadedExecutor ex = ThreadedExecutor.create("ex", 2)) {
                                Plain<Integer> data = new Plain<>(0);
                                TaskHandle<Integer> writer =
                                        ex.spawn(
                                                "writer",
                                                Async.ready(0)
                                                        .map(
                                                                v -> {
                                                                    data.set(42);
                                                                    return 1;
                                                                }));
                                TaskHandle<Integer> reader =
                                        ex.spawn(
                                                "reader",
                                                Async.ready(0)
                                                        .then(v -> writer)
                                                        .map(v -> data.get()));
                                check(reader.join() == 42);
                            }
                        })
                .assertPassed();
    }

    @Test
    void aReadThatDoesNotWaitForTheThreadIsStillARace() {
        Exploration e =
                explore(
                        () -> {
                            Plain<Integer> data = new Plain<>(0);
                            JoinHandle<Integer> t = writer(data);
                            int seen = data.get(); // before the join
                            try (LocalExecutor ex = LocalExecutor.create("ex")) {
                                ex.blockOn(Async.join(t));
                            }
                            check(seen == 0 || seen == 42);
                        });
        assertThat(e.failure()).get().isInstanceOf(SimResult.DataRace.class);
    }

    /**
     * A thread that registered for a task's completion before it finished is ordered before a
     * joiner that comes after the completion: the completion's swap reads the registration, as on
     * the JVM (virtual time makes the order certain, as in PoolJoinHappensBeforeTest).
     */
    @Test
    void aJoinerThatWaitedIsOrderedBeforeALaterJoiner() {
        explore(
                        () -> {
                            try (ThreadedExecutor ex = ThreadedExecutor.create("ex", 1)) {
                                Plain<Integer> data = new Plain<>(0);
                                TaskHandle<Integer> h =
                                        ex.spawn(
                                                "sleeper",
                                                Async.sleep(Duration.ofMillis(10)).map(v -> 0));
                                JoinHandle<Integer> first =
                                        Threads.spawn(
                                                () -> {
                                                    data.set(1);
                                                    return h.join(); // waits: the task sleeps
                                                });
                                JoinHandle<Integer> second =
                                        Threads.spawn(
                                                () -> {
                                                    Threads.sleep(Duration.ofMillis(20));
                                                    h.join(); // finished: only reads
                                                    return data.get();
                                                });
                                first.join();
                                check(second.join() == 1);
                            }
                        })
                .assertPassed();
    }

    /**
     * ADR 0152: the completion's CAS reads the waker array a waiting joiner registered into, so
     * what the joiner wrote before it waited happens before what the completing executor thread
     * polls next (a task spawned by the finishing one, which reads it). Before: a false race.
     */
    @Test
    void theCompleterIsOrderedAfterAWaitingJoinersWrites() {
        explore(
                        () -> {
                            Plain<Integer> data = new Plain<>(0);
                            try (ThreadedExecutor ex = ThreadedExecutor.create("ex", 1)) {
                                java.util.concurrent.atomic.AtomicReference<TaskHandle<Integer>>
                                        next = new java.util.concurrent.atomic.AtomicReference<>();
                                TaskHandle<Integer> h =
                                        ex.spawn(
                                                "sleeper",
                                                Async.sleep(Duration.ofMillis(10))
                                                        .map(
                                                                v -> {
                                                                    next.set(
                                                                            ex.spawn(
                                                                                    "reader",
                                                                                    Async.ready(0)
                                                                                            .map(
                                                                                                    u ->
                                                                                                            data
                                                                                                                    .get())));
                                                                    return 0;
                                                                }));
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
