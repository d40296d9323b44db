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
 * what takes the task out of the live set), a worker's spawns take ids from a block it reserved
 * (ADR 0098), and a worker finds itself without a thread-local (ADR 0098).
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

    @Test
    void aWorkersSpawnsTakeIdsFromItsOwnBlockNotTheSharedCounter() throws Exception {
        ThreadedExecutor ex = open(1);
        List<Long> kids = new CopyOnWriteArrayList<>();
        TaskHandle<Void> parent =
                ex.spawn(
                        cx -> {
                            for (int i = 0; i < 3; i++) {
                                kids.add(ex.spawn(Async.ready(i)).raw().id);
                            }
                            return Poll.ready(null);
                        });
        parent.join();
        long outside = ex.spawn(Async.ready(0)).raw().id;
        assertThat(parent.raw().id).isEqualTo(1);
        // the worker reserved ids 2..1+ID_BLOCK with one getAndAdd; the outside spawn comes after
        assertThat(kids).containsExactly(2L, 3L, 4L);
        assertThat(outside).isEqualTo(2L + StealingScheduler.ID_BLOCK);
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
            ids.put(h.raw().id, true);
        }
        for (TaskHandle<?> h : kids) {
            h.join();
            ids.put(h.raw().id, true);
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
