package dev.braid.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.async.Async;
import dev.braid.async.Context;
import dev.braid.async.Poll;
import dev.braid.async.TaskHandle;
import dev.braid.async.ThreadedExecutor;
import dev.braid.async.Waker;
import dev.braid.cancel.CancelledException;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ThreadedExecutor}'s work-stealing scheduler under the deterministic scheduler: its workers
 * are simulated threads, so every interleaving of a push, a steal sweep and a worker deciding to
 * park is explored. A wake lost between a push and a parking worker would leave a task runnable
 * with every worker asleep: a deadlock the exploration reports. That includes the spin before
 * parking (ADR 0072): the setter's outside wake lands while a worker spins; a planted "no re-check
 * after an empty spin" was reported as a deadlock within 15 steps (checked once).
 */
class StealingSchedulerSimTest {
    @AfterEach
    void noSimulatedThreadOutlivesItsRun() {
        NoLiveThreads.check();
    }

    /** Ready once another thread set the flag; publishes its waker before it looks. */
    static final class Flag implements Async<Integer> {
        final AtomicBoolean set = new AtomicBoolean();
        final AtomicReference<Waker> waker = new AtomicReference<>();

        @Override
        public Poll<Integer> poll(Context cx) {
            waker.set(cx.waker());
            return set.get() ? Poll.ready(1) : Poll.pending();
        }

        void set() {
            set.set(true);
            Waker w = waker.get();
            if (w != null) {
                w.wake();
            }
        }
    }

    /** Yields {@code n} times, then is ready with 1. */
    static Async<Integer> yielder(int n, AtomicInteger polls) {
        return new Async<>() {
            int left = n;

            @Override
            public Poll<Integer> poll(Context cx) {
                polls.incrementAndGet();
                if (left-- > 0) {
                    cx.waker().wake();
                    return Poll.pending();
                }
                return Poll.ready(1);
            }
        };
    }

    private static void program() throws Exception {
        ThreadedExecutor ex = ThreadedExecutor.create("sim", 2);
        AtomicInteger polls = new AtomicInteger();
        List<TaskHandle<Integer>> kids = new ArrayList<>();
        Flag flag = new Flag();
        TaskHandle<Integer> waiter = ex.spawn("waiter", flag);
        // spawned from a worker: LIFO slot and local queue, so the other worker must steal
        TaskHandle<Integer> root =
                ex.spawn(
                        "root",
                        cx -> {
                            for (int i = 0; i < 4; i++) {
                                kids.add(ex.spawn("kid-" + i, yielder(2, polls)));
                            }
                            return Poll.ready(0);
                        });
        JoinHandle<Void> setter = Threads.builder().name("setter").spawn(flag::set);
        assertThat(root.join()).isZero();
        int sum = 0;
        for (TaskHandle<Integer> k : kids) {
            sum += k.join();
        }
        assertThat(sum).isEqualTo(4);
        assertThat(polls.get()).isEqualTo(12);
        assertThat(waiter.join()).isEqualTo(1);
        setter.join();
        ex.close();
        assertThat(ex.dumpTasks()).isEmpty();
    }

    /**
     * One worker, spawns from two outside threads racing its park (ADR 0120: a notify reads the
     * sleeper count before any idle flag). With the worker's count moved after its re-check of the
     * queues (and a yield point between them, so the explorer can run a spawn there), this reports
     * the deadlock: the spawn reads no sleeper, the worker's re-check has already missed it.
     */
    private static void soleWorkerProgram() throws Exception {
        ThreadedExecutor ex = ThreadedExecutor.create("sole", 1);
        List<TaskHandle<Integer>> first = new ArrayList<>();
        JoinHandle<Void> spawner =
                Threads.builder()
                        .name("spawner")
                        .spawn(
                                () -> {
                                    for (int i = 0; i < 2; i++) {
                                        int v = i;
                                        first.add(ex.spawn("out-" + i, cx -> Poll.ready(v)));
                                    }
                                });
        TaskHandle<Integer> mine = ex.spawn("main", cx -> Poll.ready(5));
        assertThat(mine.join()).isEqualTo(5);
        spawner.join();
        assertThat(first.get(0).join() + first.get(1).join()).isEqualTo(1);
        ex.close();
        assertThat(ex.dumpTasks()).isEmpty();
    }

    /** Pending for ever (nobody wakes it); counts its polls and its drops. */
    static Async<Integer> stuck(AtomicInteger polls, AtomicInteger drops) {
        return new Async<>() {
            @Override
            public Poll<Integer> poll(Context cx) {
                polls.incrementAndGet();
                return Poll.pending();
            }

            @Override
            public void drop() {
                drops.incrementAndGet();
            }
        };
    }

    /**
     * ADR 0140: close() racing the first polls of tasks it cannot see (not linked until a poll
     * leaves them pending). Each stuck task is cancelled whether close() comes before its first run
     * (the run drops it unpolled), during its first poll (the poller links it, then reads closed)
     * or after (close() sees it linked); one that escaped would keep close() waiting for ever,
     * which the exploration reports as a deadlock.
     */
    private static void closeRacingFirstPollsProgram() throws Exception {
        ThreadedExecutor ex = ThreadedExecutor.create("closing", 2);
        AtomicInteger polls = new AtomicInteger();
        AtomicInteger drops = new AtomicInteger();
        List<TaskHandle<Integer>> stuck = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            stuck.add(ex.spawn("stuck-" + i, stuck(polls, drops)));
        }
        TaskHandle<Integer> ready = ex.spawn("ready", cx -> Poll.ready(7));
        ex.close();
        for (TaskHandle<Integer> h : stuck) {
            assertThat(h.isFinished()).isTrue();
            assertThatThrownBy(h::join)
                    .as(h + " escaped close()")
                    .isInstanceOf(CancelledException.class);
        }
        assertThat(drops).hasValue(3);
        assertThat(polls.get()).isLessThanOrEqualTo(3); // polled at most once each, never after
        assertThat(ready.isFinished()).isTrue();
        assertThat(ex.dumpTasks()).isEmpty();
    }

    /**
     * The dump's look through the scheduler's places (StealingScheduler.queued(), ADR 0140) racing
     * outside spawns, batches moved from the injector to a local queue, steals and first polls: a
     * task that moves during the look is seen in two places, and no dump may name it twice. With
     * the look's de-duplication removed this reported a task named twice (checked once).
     */
    private static void dumpRacingSpawnsProgram() throws Exception {
        ThreadedExecutor ex = ThreadedExecutor.create("dumped", 2);
        AtomicInteger polls = new AtomicInteger();
        List<String> twice = new ArrayList<>();
        JoinHandle<Void> dumper =
                Threads.builder()
                        .name("dumper")
                        .spawn(
                                () -> {
                                    for (int d = 0; d < 3; d++) {
                                        List<String> dump = ex.dumpTasks();
                                        java.util.Set<String> seen = new java.util.HashSet<>();
                                        for (String line : dump) {
                                            if (!seen.add(line.substring(0, line.indexOf(':')))) {
                                                twice.add(line + " in " + dump);
                                            }
                                        }
                                    }
                                });
        List<TaskHandle<Integer>> hs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            hs.add(ex.spawn("out-" + i, yielder(1, polls)));
        }
        int sum = 0;
        for (TaskHandle<Integer> h : hs) {
            sum += h.join();
        }
        dumper.join();
        assertThat(twice).as("tasks named twice in one dump").isEmpty();
        assertThat(sum).isEqualTo(4);
        assertThat(polls.get()).isEqualTo(8);
        ex.close();
        assertThat(ex.dumpTasks()).isEmpty();
    }

    @Test
    void aDumpRacingSpawnsAndRunsNamesNoTaskTwice() {
        Simulation sim = Simulation.builder().seed(53).schedules(300).build();
        Exploration e = sim.explore(StealingSchedulerSimTest::dumpRacingSpawnsProgram);
        assertThat(e.passed()).as(e.message()).isTrue();
        assertThat(e.schedulesRun()).isEqualTo(300);
    }

    @Test
    void closeRacingFirstPollsCancelsEveryTaskItCannotSeeYet() {
        Simulation sim = Simulation.builder().seed(41).schedules(300).build();
        Exploration e = sim.explore(StealingSchedulerSimTest::closeRacingFirstPollsProgram);
        assertThat(e.passed()).as(e.message()).isTrue();
        assertThat(e.schedulesRun()).isEqualTo(300);
    }

    @Test
    void aSoleWorkerParkingRacingOutsideSpawnsLosesNoWake() {
        Simulation sim = Simulation.builder().seed(29).schedules(300).build();
        Exploration e = sim.explore(StealingSchedulerSimTest::soleWorkerProgram);
        assertThat(e.passed()).as(e.message()).isTrue();
        assertThat(e.schedulesRun()).isEqualTo(300);
    }

    @Test
    void noWakeIsLostAndEveryTaskRunsToTheEndInEverySchedule() {
        Simulation sim = Simulation.builder().seed(13).schedules(300).build();
        Exploration e = sim.explore(StealingSchedulerSimTest::program);
        assertThat(e.passed()).as(e.message()).isTrue();
        assertThat(e.schedulesRun()).isEqualTo(300);
    }
}
