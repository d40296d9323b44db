package dev.braid.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancellationSource;
import dev.braid.cancel.CancelledException;
import dev.braid.thread.ThreadLocalKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Shutdown, shutdownNow, close, thread-locals, leaks, hostile input, hooks and metrics. */
class PoolLifecycleTest {
    @Test
    void closeLeavesNoThreadAndRunsThreadLocalDestructors() throws Exception {
        List<Thread> started = new CopyOnWriteArrayList<>();
        List<String> dropped = new CopyOnWriteArrayList<>();
        ThreadLocalKey<String> key =
                ThreadLocalKey.withDestructor(
                        "conn", () -> Thread.currentThread().getName(), dropped::add);
        var pool =
                WorkStealingPool.builder()
                        .parallelism(3)
                        .namePrefix("leak")
                        .hooks(
                                new PoolHooks() {
                                    @Override
                                    public void onWorkerStart(Thread worker, int index) {
                                        started.add(worker);
                                    }
                                })
                        .build();
        CountDownLatch all = new CountDownLatch(3);
        for (int i = 0; i < 3; i++) {
            pool.submit(
                    () -> {
                        key.get();
                        all.countDown();
                        all.await(); // one task per worker
                        return null;
                    });
        }
        assertThat(all.await(30, TimeUnit.SECONDS)).isTrue();
        pool.close();
        assertThat(pool.isTerminated()).isTrue();
        assertThat(started).hasSize(3);
        for (Thread t : started) {
            t.join(30_000);
            assertThat(t.isAlive()).as(t.getName()).isFalse();
        }
        assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(t -> t.getName().startsWith("leak-worker-"));
        assertThat(dropped)
                .containsExactlyInAnyOrder("leak-worker-0", "leak-worker-1", "leak-worker-2");
    }

    @Test
    void shutdownNowCancelsQueuedTasksAndInterruptsRunningOnes() throws Exception {
        var pool = WorkStealingPool.builder().parallelism(2).namePrefix("now").build();
        CountDownLatch running = new CountDownLatch(2);
        AtomicInteger interrupted = new AtomicInteger();
        for (int i = 0; i < 2; i++) {
            pool.submit(
                    () -> {
                        running.countDown();
                        try {
                            new CountDownLatch(1).await();
                        } catch (InterruptedException e) {
                            interrupted.incrementAndGet();
                        }
                    });
        }
        assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
        List<TaskHandle<Integer>> queued = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int k = i;
            queued.add(pool.submit(() -> k));
        }
        List<TaskHandle<?>> dropped = pool.shutdownNow();
        assertThat(dropped).hasSize(5).allMatch(TaskHandle::isCancelled);
        for (TaskHandle<Integer> q : queued) {
            assertThatThrownBy(q::join).isInstanceOf(CancelledException.class);
        }
        assertThat(pool.awaitTermination(Duration.ofSeconds(30))).isTrue();
        assertThat(interrupted).hasValue(2);
        assertThatThrownBy(() -> pool.submit(() -> 1)).isInstanceOf(PoolClosedException.class);
    }

    @Test
    void awaitTerminationWithZeroTimeoutDoesNotWait() throws Exception {
        var pool = WorkStealingPool.builder().parallelism(1).build();
        CountDownLatch release = new CountDownLatch(1);
        pool.submit(() -> release.await(10, TimeUnit.SECONDS));
        pool.shutdown();
        assertThat(pool.awaitTermination(Duration.ZERO)).isFalse();
        assertThat(pool.awaitTermination(Duration.ofMillis(-5))).isFalse();
        assertThat(pool.isShutdown()).isTrue();
        assertThat(pool.isTerminated()).isFalse();
        release.countDown();
        pool.close();
        assertThat(pool.isTerminated()).isTrue();
    }

    @Test
    void closeFromInsideThePoolFailsFastWithTheWayOut() throws Exception {
        try (var pool = WorkStealingPool.builder().parallelism(1).namePrefix("self").build()) {
            AutoCloseable same = pool;
            TaskHandle<Void> h =
                    pool.submit(
                            () -> {
                                same.close();
                                return null;
                            });
            assertThatThrownBy(h::join)
                    .hasCauseInstanceOf(IllegalStateException.class)
                    .cause()
                    .hasMessageContaining("shutdown()")
                    .hasMessageContaining("self");
        }
    }

    @Test
    void hostileConfigurationIsRefused() {
        assertThatThrownBy(() -> WorkStealingPool.builder().parallelism(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("parallelism");
        assertThatThrownBy(() -> WorkStealingPool.builder().parallelism(-3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("parallelism");
        assertThatThrownBy(
                        () ->
                                WorkStealingPool.builder()
                                        .parallelism(WorkStealingPool.MAX_PARALLELISM + 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("parallelism")
                .hasMessageContaining("MAX_PARALLELISM");
        assertThat(
                        WorkStealingPool.builder()
                                .parallelism(WorkStealingPool.MAX_PARALLELISM)
                                .parallelism(1)
                                .build())
                .satisfies(
                        pool -> {
                            try (pool) {
                                assertThat(pool.parallelism()).isEqualTo(1);
                            }
                        });
        assertThatThrownBy(() -> WorkStealingPool.builder().namePrefix(" "))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WorkStealingPool.builder().hooks(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("hooks");
    }

    @Test
    void nullTasksAreRefusedAndThePoolStaysUsable() throws Exception {
        try (var pool = WorkStealingPool.builder().parallelism(2).build()) {
            assertThatThrownBy(() -> pool.submit((Runnable) null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("task");
            assertThatThrownBy(() -> pool.submit((java.util.concurrent.Callable<Object>) null))
                    .isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> pool.join(null, () -> 1))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("a");
            assertThatThrownBy(() -> pool.asExecutorService().execute(null))
                    .isInstanceOf(NullPointerException.class);
            assertThat(pool.submit(() -> 1).join()).isEqualTo(1);
        }
    }

    @Test
    void hooksSeeEveryTaskAndPanic() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        PoolHooks hooks =
                new PoolHooks() {
                    @Override
                    public void beforeTask(Thread worker, TaskHandle<?> task) {
                        log.add("before");
                    }

                    @Override
                    public void afterTask(Thread worker, TaskHandle<?> task, Throwable failure) {
                        log.add("after " + (failure == null ? "ok" : failure.getMessage()));
                    }

                    @Override
                    public void onPanic(Thread worker, Throwable failure) {
                        log.add("panic " + failure.getMessage());
                    }

                    @Override
                    public void onWorkerStop(Thread worker, int index) {
                        log.add("stop " + index);
                    }
                };
        try (var pool = WorkStealingPool.builder().parallelism(1).hooks(hooks).build()) {
            pool.submit(() -> 1).join();
            var h =
                    pool.submit(
                            () -> {
                                throw new IllegalStateException("x");
                            });
            assertThatThrownBy(h::join).hasCauseInstanceOf(IllegalStateException.class);
        }
        assertThat(log)
                .containsExactly("before", "after ok", "before", "panic x", "after x", "stop 0");
    }

    @Test
    void aThrowingHookNeitherKillsTheWorkerNorChangesTheOutcome() throws Exception {
        PoolHooks bad =
                new PoolHooks() {
                    @Override
                    public void beforeTask(Thread worker, TaskHandle<?> task) {
                        throw new IllegalStateException("hook bug (expected in this test)");
                    }
                };
        java.io.PrintStream err = System.err;
        System.setErr(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        try (var pool = WorkStealingPool.builder().parallelism(1).hooks(bad).build()) {
            assertThat(pool.submit(() -> 5).join()).isEqualTo(5);
            assertThat(pool.submit(() -> 6).join()).isEqualTo(6);
        } finally {
            System.setErr(err);
        }
    }

    @Test
    void metricsCountTasksAndToStringShowsTheState() throws Exception {
        var pool = WorkStealingPool.builder().parallelism(2).namePrefix("m").build();
        for (int i = 0; i < 100; i++) {
            pool.submit(() -> 1).join();
        }
        assertThat(pool.toString()).contains("m,").contains("RUNNING").contains("parallelism=2");
        pool.close(); // counters are bumped after a task completes: read them once all is done
        PoolMetrics m = pool.metrics();
        assertThat(m.parallelism()).isEqualTo(2);
        assertThat(m.tasksRun()).isEqualTo(100);
        assertThat(m.workers()).hasSize(2);
        // the rest ran on this thread, which joined them before a worker took them (ADR 0049)
        assertThat(m.workers().stream().mapToLong(WorkerMetrics::tasksRun).sum())
                .isBetween(0L, 100L);
        assertThat(m.injectorDepth()).isZero();
        assertThat(m.workers()).allMatch(w -> w.localDepth() == 0);
        assertThat(pool.toString()).contains("tasksRun=100");
        assertThat(pool.toString()).contains("TERMINATED");
    }

    @Test
    void aJoinInsideACancelledScopeStopsWaiting() throws Exception {
        try (var pool = WorkStealingPool.builder().parallelism(1).build()) {
            CountDownLatch release = new CountDownLatch(1);
            TaskHandle<Boolean> slow = pool.submit(() -> release.await(30, TimeUnit.SECONDS));
            CancellationSource src = new CancellationSource();
            src.cancelAfter(Duration.ofMillis(20));
            assertThatThrownBy(() -> CancelScope.withToken(src.token(), slow::join))
                    .isInstanceOf(CancelledException.class);
            assertThatThrownBy(
                            () -> CancelScope.withTimeout(Duration.ofMillis(20), () -> slow.join()))
                    .isInstanceOf(dev.braid.cancel.DeadlineExceededException.class);
            release.countDown();
            assertThat(slow.join()).isTrue();
        }
    }

    @Test
    void anInterruptedJoinThrowsAndKeepsTheTask() throws Exception {
        try (var pool = WorkStealingPool.builder().parallelism(1).build()) {
            CountDownLatch release = new CountDownLatch(1);
            TaskHandle<Boolean> slow = pool.submit(() -> release.await(30, TimeUnit.SECONDS));
            Thread.currentThread().interrupt();
            assertThatThrownBy(slow::join).isInstanceOf(InterruptedException.class);
            assertThat(Thread.interrupted()).isFalse();
            release.countDown();
            assertThat(slow.join()).isTrue();
        }
    }

    /**
     * Starts {@code n} tasks that hold every worker until {@code release}; returns when all run.
     */
    private static void blockWorkers(WorkStealingPool pool, int n, CountDownLatch release)
            throws InterruptedException {
        CountDownLatch started = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            pool.submit(
                    () -> {
                        started.countDown();
                        return release.await(30, TimeUnit.SECONDS);
                    });
        }
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void anOutsideJoinerRunsTheQueuedTaskItWaitsForAndOnlyThatOne() throws Exception {
        try (var pool = WorkStealingPool.builder().parallelism(2).build()) {
            CountDownLatch release = new CountDownLatch(1);
            blockWorkers(pool, 2, release); // every worker busy: the tasks below stay queued
            String me = Thread.currentThread().getName();
            TaskHandle<String> other = pool.submit(() -> Thread.currentThread().getName());
            TaskHandle<String> mine = pool.submit(() -> Thread.currentThread().getName());
            assertThat(mine.join()).isEqualTo(me); // ADR 0049: run here, not behind the blockers
            assertThat(other.isFinished()).isFalse(); // not the joiner's task: left to the pool
            TaskHandle<Object> bad =
                    pool.submit(
                            () -> {
                                throw new OutOfMemoryError("planted");
                            });
            assertThatThrownBy(bad::join)
                    .isInstanceOf(dev.braid.thread.PanicException.class)
                    .hasCauseInstanceOf(OutOfMemoryError.class)
                    .satisfies(
                            e ->
                                    assertThat(((dev.braid.thread.PanicException) e).threadName())
                                            .isEqualTo(me));
            release.countDown();
            assertThat(other.join(Duration.ofSeconds(30)).value()).contains("-worker-");
        }
    }

    @Test
    void anOutsideJoinerLeavesItsQueuedTaskToAFreeWorker() throws Exception {
        // ADR 0084: the only worker is free (asleep or spinning between bursts), so the joiner
        // waits for it instead of racing it for the task; without the rule the joiner's claim,
        // a few instructions after the push, wins against the worker's wake-up nearly every time
        try (var pool = WorkStealingPool.builder().parallelism(1).build()) {
            String me = Thread.currentThread().getName();
            for (int i = 0; i < 50; i++) {
                TaskHandle<String> h = pool.submit(() -> Thread.currentThread().getName());
                assertThat(h.join()).as("round %d", i).contains("-worker-").isNotEqualTo(me);
            }
        }
    }

    @Test
    void anOutsideJoinerThatRunsItsTasksLeavesNoStaleCopiesInTheInjector() throws Exception {
        // ADR 0070: the joiner used to claim the task and leave its injector entry behind; the
        // workers then took thousands of stale copies (PoolSubmit's backlog) before fresh work
        try (var pool = WorkStealingPool.builder().parallelism(1).build()) {
            CountDownLatch release = new CountDownLatch(1);
            blockWorkers(pool, 1, release); // the tasks below stay queued: their joiner runs them
            String me = Thread.currentThread().getName();
            List<TaskHandle<String>> handles = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                handles.add(pool.submit(() -> Thread.currentThread().getName()));
            }
            assertThat(pool.metrics().injectorDepth()).isEqualTo(100);
            for (TaskHandle<String> h : handles) {
                assertThat(h.join()).isEqualTo(me); // in submission order: each is the oldest
            }
            assertThat(pool.metrics().injectorDepth()).as("stale copies left queued").isZero();
            release.countDown();
        }
    }

    /** A body that counts the pool's cancellations of it and names the thread they came on. */
    private static final class Aware implements Runnable, CancelAware {
        final AtomicInteger told = new AtomicInteger();
        volatile String toldOn;
        final boolean throwing;

        Aware(boolean throwing) {
            this.throwing = throwing;
        }

        @Override
        public void run() {}

        @Override
        public void cancelledBeforeStart() {
            toldOn = Thread.currentThread().getName();
            told.incrementAndGet();
            if (throwing) {
                throw new IllegalStateException("planted: reported and ignored");
            }
        }
    }

    @Test
    void shutdownNowTellsACancelAwareBodyOnceAndNotForTheCallersOwnCancel() throws Exception {
        var pool = WorkStealingPool.builder().parallelism(1).build();
        CountDownLatch release = new CountDownLatch(1);
        blockWorkers(pool, 1, release); // the tasks below stay queued
        Aware throwing = new Aware(true);
        Aware quiet = new Aware(false);
        Aware cancelledByCaller = new Aware(false);
        TaskHandle<Void> a = pool.submit(throwing);
        TaskHandle<Void> b = pool.submit(quiet);
        assertThat(pool.submit(cancelledByCaller).cancel()).isTrue();
        List<TaskHandle<?>> dropped = pool.shutdownNow();
        assertThat(dropped).contains(a, b); // the throwing callback did not stop the loop
        assertThat(throwing.told).hasValue(1);
        assertThat(quiet.told).hasValue(1);
        assertThat(quiet.toldOn).isEqualTo(Thread.currentThread().getName());
        assertThat(cancelledByCaller.told).hasValue(0);
        release.countDown();
        assertThat(pool.awaitTermination(Duration.ofSeconds(30))).isTrue();
        assertThat(quiet.told).hasValue(1); // not again by the exiting worker
    }

    @Test
    void aTaskRunByItsOutsideJoinerLeavesTheTasksItForksToTheWorkers() throws Exception {
        // Nested inline runs turned "submit a recursive root and join it" into a mostly
        // sequential walk on the joining thread (PoolFib.braidFork 2x slower, docs/perf/pool.md).
        try (var pool = WorkStealingPool.builder().parallelism(1).build()) {
            CountDownLatch release = new CountDownLatch(1);
            blockWorkers(pool, 1, release); // the root below stays queued: its joiner runs it
            String me = Thread.currentThread().getName();
            TaskHandle<String[]> root =
                    pool.submit(
                            () -> {
                                TaskHandle<String> child =
                                        pool.submit(() -> Thread.currentThread().getName());
                                dev.braid.thread.Threads.spawn(
                                        () -> {
                                            Thread.sleep(50);
                                            release.countDown();
                                            return null;
                                        });
                                return new String[] {
                                    Thread.currentThread().getName(), child.join()
                                };
                            });
            String[] ranOn = root.join();
            assertThat(ranOn[0]).as("the root, run by its outside joiner").isEqualTo(me);
            assertThat(ranOn[1]).as("the forked child").contains("-worker-");
        }
    }

    @Test
    void anOutsideJoinerInAnActiveScopeLeavesTheTaskToTheWorkers() throws Exception {
        try (var pool = WorkStealingPool.builder().parallelism(1).build()) {
            CountDownLatch release = new CountDownLatch(1);
            blockWorkers(pool, 1, release);
            TaskHandle<String> queued = pool.submit(() -> Thread.currentThread().getName());
            dev.braid.thread.Threads.spawn(release::countDown);
            String ranOn = CancelScope.withTimeout(Duration.ofSeconds(30), () -> queued.join());
            assertThat(ranOn).contains("-worker-"); // the task must not see the joiner's scope
        }
    }

    @Test
    void anErrorOnAWorkerKillsNoWorker() throws Exception {
        AtomicInteger stopped = new AtomicInteger();
        PoolHooks hooks =
                new PoolHooks() {
                    @Override
                    public void onWorkerStop(Thread worker, int index) {
                        stopped.incrementAndGet();
                    }
                };
        try (var pool = WorkStealingPool.builder().parallelism(2).hooks(hooks).build()) {
            for (int i = 0; i < 4; i++) {
                TaskHandle<Object> bad =
                        pool.submit(
                                () -> {
                                    throw new OutOfMemoryError("planted " + Thread.currentThread());
                                });
                // a timed join never runs the task itself (ADR 0049): a worker throws the Error
                assertThatThrownBy(() -> bad.join(Duration.ofSeconds(10)))
                        .hasCauseInstanceOf(OutOfMemoryError.class)
                        .hasMessageContaining("-worker-");
            }
            CountDownLatch both = new CountDownLatch(2);
            for (int i = 0; i < 2; i++) {
                pool.submit( // each waits for the other: only two live workers can finish them
                        () -> {
                            both.countDown();
                            return both.await(10, TimeUnit.SECONDS);
                        });
            }
            assertThat(both.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(stopped).hasValue(0);
        }
        assertThat(stopped).hasValue(2);
    }
}
