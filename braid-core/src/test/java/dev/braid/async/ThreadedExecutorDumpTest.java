package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.async.StealingSchedulerTest.CountDown;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ThreadedExecutor#dumpTasks()} names every live task (issue 13, item 8), including tasks
 * never polled, which are not in the live set (ADR 0140) but in one of the scheduler's places: the
 * injector, a worker's LIFO slot, its local queue, a sole worker's kept batch, or running their
 * first poll ({@code StealingScheduler.queued()}). The worker is kept busy by a task spinning in
 * its first poll, so the places hold what the test put there while the dump looks.
 */
class ThreadedExecutorDumpTest {
    private final List<AsyncExecutor> opened = new ArrayList<>();

    private ThreadedExecutor open(int threads) {
        ThreadedExecutor ex = ThreadedExecutor.create("dump", threads);
        opened.add(ex);
        return ex;
    }

    @AfterEach
    void closeAll() {
        opened.forEach(AsyncExecutor::close);
    }

    /** Spins (bounded: 10 s) in its first poll until {@code release} is set; then ready. */
    private static Async<Void> spinner(AtomicBoolean release, CountDown started) {
        return cx -> {
            started.down();
            long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!release.get() && System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            return Poll.ready(null);
        };
    }

    private static Async<Void> done() {
        return cx -> Poll.ready(null);
    }

    /** Asserts that {@code dump} names each of {@code names} once and counts nothing unlisted. */
    private static void namesEach(List<String> dump, List<String> names) {
        assertThat(dump).as("dump %s", dump).hasSize(names.size());
        for (String n : names) {
            assertThat(dump.stream().filter(l -> l.startsWith("task '" + n + "'")))
                    .as("lines naming %s in %s", n, dump)
                    .hasSize(1);
        }
        assertThat(dump).noneMatch(l -> l.contains("not listed"));
    }

    @Test
    void aDumpNamesTasksQueuedInTheInjectorAndTheTaskInItsFirstPoll() throws Exception {
        ThreadedExecutor ex = open(1);
        AtomicBoolean release = new AtomicBoolean();
        CountDown started = new CountDown(1);
        TaskHandle<Void> busy = ex.spawn("busy", spinner(release, started));
        started.await();
        List<String> names = new ArrayList<>(List.of("busy"));
        List<TaskHandle<Void>> queued = new ArrayList<>();
        for (int i = 0; i < 5; i++) { // from outside: into the injector
            names.add("inj-" + i);
            queued.add(ex.spawn("inj-" + i, done()));
        }
        List<String> dump = ex.dumpTasks();
        release.set(true);
        namesEach(dump, names);
        for (String line : dump) {
            assertThat(line)
                    .contains(line.startsWith("task 'busy'") ? "running" : "scheduled", "polls=0");
        }
        busy.join();
        for (TaskHandle<Void> h : queued) {
            h.join();
        }
        assertThat(ex.dumpTasks()).isEmpty();
    }

    @Test
    void aDumpNamesTasksInAWorkersLifoSlotAndLocalQueue() throws Exception {
        ThreadedExecutor ex = open(1);
        AtomicBoolean release = new AtomicBoolean();
        CountDown started = new CountDown(1);
        List<TaskHandle<Void>> kids = new ArrayList<>();
        TaskHandle<Void> busy =
                ex.spawn(
                        "busy",
                        cx -> {
                            // from the worker: the last one to the LIFO slot, the others
                            // displaced from it to the local queue
                            for (int i = 0; i < 4; i++) {
                                kids.add(ex.spawn("kid-" + i, done()));
                            }
                            return spinner(release, started).poll(cx);
                        });
        started.await();
        int local = ex.locallyQueued();
        List<String> dump = ex.dumpTasks();
        release.set(true);
        assertThat(local).as("kids in the local queue (one more in the LIFO slot)").isEqualTo(3);
        namesEach(dump, List.of("busy", "kid-0", "kid-1", "kid-2", "kid-3"));
        busy.join();
        for (TaskHandle<Void> h : kids) {
            h.join();
        }
        assertThat(ex.dumpTasks()).isEmpty();
    }

    @Test
    void aDumpNamesTasksInASoleWorkersKeptBatch() throws Exception {
        ThreadedExecutor ex = open(1);
        AtomicBoolean releaseGate = new AtomicBoolean();
        CountDown gateStarted = new CountDown(1);
        TaskHandle<Void> gate = ex.spawn("gate", spinner(releaseGate, gateStarted));
        gateStarted.await();
        // while the worker is busy: the next spinner and five more into the injector, which the
        // worker then takes in one batch (ADR 0087) and keeps in its own buffer (ADR 0099)
        AtomicBoolean release = new AtomicBoolean();
        CountDown started = new CountDown(1);
        TaskHandle<Void> busy = ex.spawn("busy", spinner(release, started));
        List<TaskHandle<Void>> batch = new ArrayList<>();
        List<String> names = new ArrayList<>(List.of("busy"));
        for (int i = 0; i < 5; i++) {
            names.add("batch-" + i);
            batch.add(ex.spawn("batch-" + i, done()));
        }
        releaseGate.set(true);
        gate.join();
        started.await();
        int local = ex.locallyQueued();
        List<String> dump = ex.dumpTasks();
        release.set(true);
        assertThat(local).as("nothing in the local queue: the batch is kept apart").isZero();
        namesEach(dump, names);
        busy.join();
        for (TaskHandle<Void> h : batch) {
            h.join();
        }
        assertThat(ex.dumpTasks()).isEmpty();
    }

    /**
     * Dumps racing outside spawns, steals and first polls on two workers: no dump throws or names a
     * task twice (a task moving between two places during the look is seen in both), and once every
     * task finished the dump is empty.
     */
    @Test
    void dumpsRacingSpawnsAndRunsNeverThrowNorNameATaskTwice() throws Exception {
        ThreadedExecutor ex = open(2);
        int tasks = 20_000;
        AtomicInteger polls = new AtomicInteger();
        List<TaskHandle<Integer>> handles = new ArrayList<>(tasks);
        AtomicReference<Throwable> spawnerFailed = new AtomicReference<>();
        Thread spawner =
                Thread.ofPlatform()
                        .start(
                                () -> {
                                    try {
                                        for (int i = 0; i < tasks; i++) {
                                            TaskHandle<Integer> h =
                                                    ex.spawn("t-" + i, yielder(i % 3, polls));
                                            synchronized (handles) {
                                                handles.add(h);
                                            }
                                        }
                                    } catch (Throwable t) {
                                        spawnerFailed.set(t);
                                    }
                                });
        int dumps = 0;
        while (spawner.isAlive() || dumps < 10) {
            List<String> dump = ex.dumpTasks();
            dumps++;
            Set<String> seen = new HashSet<>();
            for (String line : dump) {
                if (line.startsWith("task '")) {
                    String name = line.substring(6, line.indexOf('\'', 6));
                    assertThat(seen.add(name)).as("%s named twice in %s", name, dump).isTrue();
                }
            }
        }
        spawner.join();
        assertThat(spawnerFailed.get()).isNull();
        synchronized (handles) {
            for (TaskHandle<Integer> h : handles) {
                h.join();
            }
        }
        assertThat(ex.dumpTasks()).isEmpty();
        assertThat(dumps).isGreaterThanOrEqualTo(10);
        assertThat(polls.get())
                .as("each task polled once per yield, and once more")
                .isEqualTo(tasks + (tasks / 3) * 3 + (tasks % 3 == 2 ? 1 : 0));
    }

    /**
     * A task that finished its first run is counted started before its outcome is out (ADR 0140,
     * live13): a join that reads the outcome without waiting, then a dump, must find nothing
     * unlisted. With the count after the outcome, this saw "1 task(s) not listed" within a few
     * thousand rounds.
     */
    @Test
    void aDumpAfterAJoinCountsNothingUnlisted() throws Exception {
        ThreadedExecutor ex = open(2);
        for (int i = 0; i < 20_000; i++) {
            TaskHandle<Integer> h = ex.spawn(cx -> Poll.ready(1));
            while (!h.isFinished()) {
                Thread.onSpinWait(); // reads the outcome as soon as it is out: no wake orders it
            }
            List<String> dump = ex.dumpTasks();
            assertThat(dump).as("round %d", i).isEmpty();
        }
    }

    /** Yields {@code n} times (each poll counted), then is ready with {@code n}. */
    private static Async<Integer> yielder(int n, AtomicInteger polls) {
        return new Async<>() {
            int left = n;

            @Override
            public Poll<Integer> poll(Context cx) {
                polls.incrementAndGet();
                if (left-- > 0) {
                    cx.waker().wake();
                    return Poll.pending();
                }
                return Poll.ready(n);
            }
        };
    }
}
