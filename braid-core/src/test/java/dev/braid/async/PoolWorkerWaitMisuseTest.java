package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.braid.pool.TaskHandle;
import dev.braid.pool.WorkStealingPool;
import dev.braid.thread.JoinOutcome;
import dev.braid.thread.ScopePolicy;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A plain task of a {@link WorkStealingPool} (not a poll) that waits blockingly for an async task
 * running on an executor over the same pool: the async task needs a worker, and the waiter holds
 * one. On one worker, or with every worker in such a wait, this hung for ever (misuse 11's probe);
 * braid's async waits on a worker now help the pool between short parks (ADR 0138). Every wait is
 * bounded, so a regression fails instead of hanging the build.
 */
class PoolWorkerWaitMisuseTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    private WorkStealingPool pool;
    private PoolExecutor executor;

    private void start(int workers) {
        pool = WorkStealingPool.builder().parallelism(workers).namePrefix("mw").build();
        executor = PoolExecutor.on("mw-tasks", pool);
    }

    @AfterEach
    void close() {
        assertTimeoutPreemptively(
                LIMIT,
                () -> {
                    executor.close();
                    pool.close();
                });
    }

    /** A task that yields once: its second poll comes from a wake, so it needs a worker again. */
    private static Async<Integer> yieldThen(int value) {
        return Async.yieldNow().map(v -> value);
    }

    @Test
    void aPoolTaskJoiningAnAsyncTaskOnItsOnlyWorkerGetsTheValue() {
        start(1);
        TaskHandle<Integer> outer = pool.submit(() -> executor.spawn(yieldThen(42)).join());
        assertTimeoutPreemptively(LIMIT, () -> assertThat(outer.join()).isEqualTo(42));
    }

    @Test
    void aTimedJoinOnTheOnlyWorkerHelpsToo() {
        start(1);
        TaskHandle<JoinOutcome<Integer>> outer =
                pool.submit(() -> executor.spawn(yieldThen(7)).join(Duration.ofDays(1)));
        assertTimeoutPreemptively(
                LIMIT, () -> assertThat(outer.join()).isEqualTo(new JoinOutcome.Finished<>(7)));
    }

    @Test
    void twoWorkersBothJoiningAsyncTasksBothFinish() {
        start(2);
        CountDownLatch bothIn = new CountDownLatch(2);
        TaskHandle<Integer> a = pool.submit(() -> joinOnceBothIn(bothIn, 1));
        TaskHandle<Integer> b = pool.submit(() -> joinOnceBothIn(bothIn, 2));
        assertTimeoutPreemptively(LIMIT, () -> assertThat(a.join() + b.join()).isEqualTo(3));
    }

    /** Once both workers are in a task, joins an async task of the pool: every worker waits. */
    private int joinOnceBothIn(CountDownLatch bothIn, int value) throws InterruptedException {
        bothIn.countDown();
        bothIn.await();
        return executor.spawn(yieldThen(value)).join();
    }

    @Test
    void asyncAwaitOnTheOnlyWorkerOfAHandleOfThatPoolGetsTheValue() {
        start(1);
        TaskHandle<Integer> outer = pool.submit(() -> Async.await(executor.spawn(yieldThen(8))));
        assertTimeoutPreemptively(LIMIT, () -> assertThat(outer.join()).isEqualTo(8));
    }

    @Test
    void aTaskScopeJoinedOnTheOnlyWorkerRunsItsChildren() {
        start(1);
        AtomicInteger done = new AtomicInteger();
        TaskHandle<Integer> outer =
                pool.submit(
                        () -> {
                            try (TaskScope scope =
                                    TaskScope.open(executor, ScopePolicy.FAIL_FAST)) {
                                scope.spawn(yieldThen(1).map(done::addAndGet));
                                scope.spawn(yieldThen(2).map(done::addAndGet));
                                scope.join();
                            }
                            return done.get();
                        });
        assertTimeoutPreemptively(LIMIT, () -> assertThat(outer.join()).isEqualTo(3));
    }

    @Test
    void blockOnOfALocalFutureAwaitingATaskOfThePoolOnItsOnlyWorkerFinishes() {
        start(1);
        LocalExecutor local = LocalExecutor.create("mw-local");
        TaskHandle<Integer> outer =
                pool.submit(() -> local.blockOn(executor.spawn(yieldThen(5)).map(v -> v + 1)));
        assertTimeoutPreemptively(LIMIT, () -> assertThat(outer.join()).isEqualTo(6));
    }

    @Test
    void aWaitOutsideThePoolStillParksAndEndsWithTheTask() throws Exception {
        start(1);
        assertTimeoutPreemptively(
                LIMIT, () -> assertThat(executor.spawn(yieldThen(9)).join()).isEqualTo(9));
        assertThat(WorkStealingPool.isWorkerThread()).isFalse();
        assertThat(WorkStealingPool.helpOnce()).isFalse();
    }
}
