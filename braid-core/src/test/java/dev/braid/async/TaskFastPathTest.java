package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The per-task fast paths of issue 13's async7 work: a task publishes its outcome before its
 * scheduler hears it completed (ADR 0097: COMPLETE is a plain release store, the outcome's CAS is
 * what takes the task out of the live set), a worker finds itself without a thread-local (ADR
 * 0098), and an unobserved task draws its id only when asked for (ADR 0109).
 */
class TaskFastPathTest {
    private final List<AsyncExecutor> opened = new ArrayList<>();

    private ThreadedExecutor open(int threads) {
        ThreadedExecutor ex = ThreadedExecutor.create("fast", threads);
        opened.add(ex);
        return ex;
    }

    @AfterEach
    void closeAll() {
        opened.forEach(AsyncExecutor::close);
    }

    /** A scheduler that queues into {@code queue} for the test to run, and reports completions. */
    private static TaskScheduler queueing(List<RawTask<?>> queue, Consumer<RawTask<?>> completed) {
        return new TaskScheduler() {
            @Override
            public void schedule(RawTask<?> t) {
                queue.add(t);
            }

            @Override
            public void completed(RawTask<?> t) {
                completed.accept(t);
            }
        };
    }

    @Test
    void theSchedulerHearsOfACompletionOnlyOnceTheOutcomeIsPublishedAndTheTaskIsDead() {
        List<String> seen = new ArrayList<>();
        List<RawTask<?>> queue = new ArrayList<>();
        TaskRegistry[] registry = new TaskRegistry[1];
        registry[0] =
                new TaskRegistry(
                        "order",
                        queueing(
                                queue,
                                t ->
                                        seen.add(
                                                "done="
                                                        + t.isDone()
                                                        + " live="
                                                        + registry[0].size()
                                                        + " state="
                                                        + t.state())));
        TaskHandle<Integer> h = registry[0].spawn(null, Async.ready(7), null);
        queue.remove(0).run();
        // COMPLETE, no reference left, and the live set already empty when completed() runs
        assertThat(seen).containsExactly("done=true live=0 state=" + RawTask.COMPLETE);
        assertThat(h.isFinished()).isTrue();
    }

    @Test
    void aCancelDuringTheLastPollLeavesTheValueAndNoReference() {
        List<RawTask<?>> queue = new ArrayList<>();
        TaskRegistry registry = new TaskRegistry("cancel", queueing(queue, t -> {}));
        TaskHandle<?>[] handle = new TaskHandle<?>[1];
        handle[0] =
                registry.spawn(
                        null,
                        cx -> {
                            assertThat(handle[0].cancel()).isTrue(); // while RUNNING
                            return Poll.ready(5);
                        },
                        null);
        queue.remove(0).run();
        int s = handle[0].raw().state();
        assertThat(s & ~RawTask.CANCELLED).isEqualTo(RawTask.COMPLETE); // no refs, not queued
        assertThat(queue).isEmpty();
        assertThat(handle[0].outcome()).isEqualTo(new Completion.Success<>(5));
    }

    @Test
    void closeRacingTheLastCompletionsAlwaysEndsEveryTaskAndWorker() throws Exception {
        // the completion's Dekker with close() now goes through the outcome's CAS (ADR 0097): a
        // lost side would leave close() waiting for a worker that parked with no task live
        for (int round = 0; round < 200; round++) {
            ThreadedExecutor ex = ThreadedExecutor.create("race-" + round, 1 + round % 2);
            List<TaskHandle<Void>> hs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                hs.add(ex.spawn(StealingSchedulerTest.yielder("t" + i, i, new ArrayList<>())));
            }
            ex.close();
            for (TaskHandle<Void> h : hs) {
                assertThat(h.isFinished()).as("round %d", round).isTrue();
            }
            assertThat(ex.dumpTasks()).isEmpty();
        }
    }

    /**
     * ADR 0121: an unobserved task is 64 B, one cache line of 64-byte-aligned heap, not 72: its
     * instance fields (the id moved into the observation) fit 64 B on a 64-bit JVM with compressed
     * references and a 12-byte header, the layout every JVM the build runs on uses by default. The
     * model counts each field at its size (a reference 4 bytes, a long 8); the JVM packs fields
     * without holes here (the sizes are multiples of 4 after the header), so the model is exact. An
     * unobserved spawn that runs to the end never makes the observation.
     */
    @Test
    void anUnobservedTaskFitsSixtyFourBytesAndMakesNoObservation() throws Exception {
        long bytes = 12;
        for (Class<?> c = RawTask.class; c != Object.class; c = c.getSuperclass()) {
            for (java.lang.reflect.Field f : c.getDeclaredFields()) {
                if (java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                Class<?> t = f.getType();
                bytes +=
                        t == long.class || t == double.class
                                ? 8
                                : t == byte.class || t == boolean.class
                                        ? 1
                                        : t == short.class || t == char.class ? 2 : 4;
            }
        }
        assertThat((bytes + 7) / 8 * 8)
                .as("RawTask instance size by the field model")
                .isEqualTo(64);
        ThreadedExecutor ex = open(1);
        if (ex.registry().observed) {
            return; // under -Dbraid.async.observe=true every task carries one from spawn
        }
        TaskHandle<Integer> h = ex.spawn(Async.ready(7));
        assertThat(h.join()).isEqualTo(7);
        assertThat(h.raw().hasObservation()).as("nothing observed it").isFalse();
        h.raw().id(); // an observer asks: now it has one
        assertThat(h.raw().hasObservation()).isTrue();
    }

    @Test
    void anUnobservedSpawnDrawsNoIdUntilSomethingAsksForOne() throws Exception {
        ThreadedExecutor ex = open(1);
        TaskRegistry reg = ex.registry();
        List<TaskHandle<Integer>> kids = new CopyOnWriteArrayList<>();
        TaskHandle<Void> parent =
                ex.spawn(
                        cx -> {
                            for (int i = 0; i < 3; i++) {
                                kids.add(ex.spawn(Async.ready(i))); // from a worker
                            }
                            return Poll.ready(null);
                        });
        parent.join();
        TaskHandle<Integer> outside = ex.spawn(Async.ready(0)); // from outside
        outside.join();
        if (reg.observed) { // under -Dbraid.async.observe=true: drawn at spawn, in spawn order
            assertThat(reg.idsDrawn()).isEqualTo(5);
            assertThat(outside.raw().id()).isEqualTo(5);
            return;
        }
        // ADR 0109: five spawns, no atomic on the counter; the first task asked is number 1
        assertThat(reg.idsDrawn()).isZero();
        assertThat(outside.raw().hasId()).isFalse();
        assertThat(outside.name()).isEqualTo("fast-task-1");
        assertThat(kids.get(1).raw().id()).isEqualTo(2);
        assertThat(parent.raw().id()).isEqualTo(3);
        assertThat(outside.raw().id()).as("settled once").isEqualTo(1);
        assertThat(reg.idsDrawn()).isEqualTo(3);
    }

    @Test
    void threadsAskingATasksIdAtOnceAllGetTheSameOne() throws Exception {
        for (int round = 0; round < 200; round++) {
            LocalExecutor ex = LocalExecutor.create("race");
            opened.add(ex);
            TaskHandle<Integer> h = ex.spawn(Async.ready(round));
            ex.spawn(Async.ready(-1)).raw().id(); // another task's draw in between
            int n = 3;
            long[] seen = new long[n];
            AtomicBoolean go = new AtomicBoolean(); // spun on, so the three ask at nearly once
            List<Thread> ts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                ts.add(Thread.ofPlatform().start(() -> seen[k] = idOnceSet(go, h)));
            }
            go.set(true);
            for (Thread t : ts) {
                t.join();
            }
            assertThat(seen[1]).as("round %d", round).isEqualTo(seen[0]).isPositive();
            assertThat(seen[2]).as("round %d", round).isEqualTo(seen[0]);
            assertThat(h.name()).isEqualTo("race-task-" + seen[0]);
        }
    }

    private static long idOnceSet(AtomicBoolean go, TaskHandle<?> h) {
        while (!go.get()) {
            Thread.onSpinWait();
        }
        return h.raw().id();
    }

    @Test
    void idsStayUniqueAcrossWorkersAndOutsideSpawners() throws Exception {
        ThreadedExecutor ex = open(3);
        List<TaskHandle<?>> parents = new ArrayList<>();
        List<TaskHandle<?>> kids = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 200; i++) {
            parents.add(
                    ex.spawn(
                            cx -> {
                                for (int k = 0; k < 5; k++) {
                                    kids.add(ex.spawn(Async.ready(k)));
                                }
                                return Poll.ready(null);
                            }));
        }
        Map<Long, Boolean> ids = new ConcurrentHashMap<>();
        for (TaskHandle<?> h : parents) {
            h.join();
            ids.put(h.raw().id(), true);
        }
        for (TaskHandle<?> h : kids) {
            h.join();
            ids.put(h.raw().id(), true);
        }
        assertThat(kids).hasSize(200 * 5);
        assertThat(ids).hasSize(200 * 6);
    }

    @Test
    void aSoleWorkerRunsAnInjectorBatchFromItsOwnBufferNotItsLocalQueue() throws Exception {
        ThreadedExecutor ex = open(1);
        AtomicBoolean started = new AtomicBoolean();
        AtomicBoolean go = new AtomicBoolean();
        TaskHandle<Void> gate =
                ex.spawn(
                        cx -> {
                            started.set(true);
                            while (!go.get()) {
                                Thread.onSpinWait(); // holds the worker while the batch queues up
                            }
                            return Poll.ready(null);
                        });
        while (!started.get()) {
            Thread.onSpinWait();
        }
        List<TaskHandle<Integer>> batch = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            batch.add(ex.spawn(cx -> Poll.ready(ex.locallyQueued())));
        }
        go.set(true);
        gate.join();
        for (TaskHandle<Integer> h : batch) {
            assertThat(h.join()).as("tasks in the local queue while the batch runs").isZero();
        }
    }

    @Test
    void everyWorkerFindsItselfAndNoOtherThreadIsTakenForOne() throws Exception {
        // 7 workers: a 16-slot table, so probes wrap and collide
        ThreadedExecutor ex = open(7);
        Map<Thread, Integer> byThread = new ConcurrentHashMap<>();
        List<TaskHandle<Void>> hs = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            hs.add(
                    ex.spawn(
                            cx -> {
                                int w = ex.workerIndex();
                                Integer before = byThread.putIfAbsent(Thread.currentThread(), w);
                                assertThat(before == null || before == w).isTrue();
                                return Poll.ready(null);
                            }));
        }
        for (TaskHandle<Void> h : hs) {
            h.join();
        }
        assertThat(byThread.values()).allMatch(w -> w >= 0 && w < 7).doesNotHaveDuplicates();
        assertThat(ex.workerIndex()).isEqualTo(-1); // the test thread
        ThreadedExecutor other = open(2);
        TaskHandle<Integer> cross = ex.spawn(cx -> Poll.ready(other.workerIndex()));
        assertThat(cross.join()).isEqualTo(-1); // a worker of another executor is not ours
    }
}
