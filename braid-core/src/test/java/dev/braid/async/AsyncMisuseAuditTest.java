package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.braid.thread.JoinHandle;
import dev.braid.thread.JoinOutcome;
import dev.braid.thread.ScopePolicy;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Tasks as a demanding user misuses them (the audit of issues 13 and 15): a task awaiting its own
 * handle, an untimed join of a {@link LocalExecutor} task that no thread drives, a nested {@code
 * blockOn} on the driving thread — each fails at once with the object and the way out instead of
 * hanging; executors and scopes show their state. Every wait is bounded. ADR 0065.
 */
class AsyncMisuseAuditTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @Test
    void aTaskAwaitingItsOwnHandlePanicsInsteadOfSleepingForEver() throws Exception {
        try (ThreadedExecutor ex = ThreadedExecutor.create("audit", 1)) {
            AtomicReference<TaskHandle<Integer>> self = new AtomicReference<>();
            CountDownLatch published = new CountDownLatch(1);
            self.set(
                    ex.spawn(
                            "narcissus",
                            Async.spawnBlocking(
                                            () -> {
                                                published.await();
                                                return 0;
                                            })
                                    .then(v -> self.get())));
            published.countDown();
            assertTimeoutPreemptively(
                    LIMIT,
                    () ->
                            assertThatThrownBy(() -> self.get().join())
                                    .isInstanceOf(TaskPanicException.class)
                                    .cause()
                                    .isInstanceOf(IllegalStateException.class)
                                    .hasMessageContaining("task 'narcissus' awaits its own handle")
                                    .hasMessageContaining("return the value instead"));
        }
    }

    @Test
    void aTaskAwaitingItsOwnHandleOnALocalExecutorPanicsToo() throws Exception {
        try (LocalExecutor ex = LocalExecutor.create("audit")) {
            AtomicReference<TaskHandle<Integer>> self = new AtomicReference<>();
            self.set(ex.spawn("narcissus", Async.yieldNow().then(v -> self.get())));
            Timed<Integer> out =
                    assertTimeoutPreemptively(
                            LIMIT,
                            () -> {
                                try {
                                    return ex.blockOn(self.get().timeout(LIMIT));
                                } catch (TaskPanicException expected) {
                                    assertThat(expected)
                                            .cause()
                                            .hasMessageContaining("awaits its own handle");
                                    return null;
                                }
                            });
            assertThat(out).as("failed, not timed out").isNull();
        }
    }

    @Test
    void anUntimedJoinOfALocalTaskThatNobodyDrivesFailsFastWithTheWayOut() throws Exception {
        try (LocalExecutor ex = LocalExecutor.create("audit")) {
            TaskHandle<Integer> h = ex.spawn("answer", Async.yieldNow().map(v -> 42));
            assertTimeoutPreemptively(
                    LIMIT,
                    () ->
                            assertThatThrownBy(h::join)
                                    .isInstanceOf(IllegalStateException.class)
                                    .hasMessageContaining("task 'answer'")
                                    .hasMessageContaining("LocalExecutor[audit")
                                    .hasMessageContaining("blockOn(handle)"));
            assertThat(h.isFinished()).as("state unchanged").isFalse();
            assertThat(h.join(Duration.ofMillis(10)))
                    .as("a timed join still waits as told")
                    .isInstanceOf(JoinOutcome.TimedOut.class);
            assertThat(ex.blockOn(h)).as("the way out works").isEqualTo(42);
            assertThat(h.join()).as("a finished task joins without a driver").isEqualTo(42);
        }
    }

    @Test
    void anUntimedJoinWhileAnotherThreadDrivesTheExecutorWaitsAndWorks() throws Exception {
        try (LocalExecutor ex = LocalExecutor.create("audit")) {
            TaskHandle<Integer> h =
                    ex.spawn("later", Async.sleep(Duration.ofMillis(50)).map(v -> 7));
            CountDownLatch driving = new CountDownLatch(1);
            JoinHandle<Integer> driver =
                    Threads.spawn(
                            () ->
                                    ex.blockOn(
                                            Async.yieldNow()
                                                    .map(
                                                            v -> {
                                                                driving.countDown();
                                                                return 0;
                                                            })
                                                    .then(v -> h)));
            driving.await();
            assertThat(assertTimeoutPreemptively(LIMIT, () -> h.join())).isEqualTo(7);
            assertThat(driver.join()).isEqualTo(7);
        }
    }

    @Test
    void blockOnCalledAgainOnTheDrivingThreadNamesTheProblem() throws Exception {
        try (LocalExecutor ex = LocalExecutor.create("audit")) {
            Throwable inside =
                    ex.blockOn(
                            Async.ready(0)
                                    .map(
                                            v -> {
                                                try {
                                                    ex.blockOn(Async.ready(1));
                                                    return null;
                                                } catch (IllegalStateException
                                                        | InterruptedException e) {
                                                    return e;
                                                }
                                            }));
            assertThat(inside)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("inside a poll");
        }
    }

    @Test
    void spawningOneFutureTwiceSaysThatAFutureRunsOnce() throws Exception {
        try (LocalExecutor ex = LocalExecutor.create("audit")) {
            Async<Integer> once = Async.yieldNow().map(v -> 1);
            assertThat(ex.blockOn(ex.spawn(once))).isEqualTo(1);
            TaskHandle<Integer> again = ex.spawn("again", once);
            assertThatThrownBy(() -> ex.blockOn(again))
                    .isInstanceOf(TaskPanicException.class)
                    .cause()
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("a future runs once")
                    .hasMessageContaining("build a new future");
        }
    }

    @Test
    @SuppressWarnings("try") // the child calls close() on the resource: the misuse under test
    void aScopeClosedFromInsideItsOwnChildFailsFastInsteadOfWaitingForItself() throws Exception {
        // the scope is opened, joined and closed on one thread, the timeout's (ADR 0139)
        assertTimeoutPreemptively(
                LIMIT,
                () -> {
                    try (ThreadedExecutor ex = ThreadedExecutor.create("audit", 1);
                            TaskScope scope = TaskScope.open(ex, ScopePolicy.COLLECT_ALL)) {
                        TaskHandle<Integer> closer =
                                scope.spawn(
                                        "closer",
                                        Async.ready(0)
                                                .map(
                                                        v -> {
                                                            scope.close();
                                                            return 1;
                                                        }));
                        assertThatThrownBy(scope::join)
                                .isInstanceOf(TaskPanicException.class)
                                .hasMessageContaining("closer")
                                .cause()
                                .isInstanceOf(IllegalStateException.class)
                                .hasMessageContaining("inside a poll");
                        assertThat(closer.isFinished()).isTrue();
                    }
                });
    }

    @Test
    void executorsAndScopesShowTheirState() throws Exception {
        LocalExecutor local = LocalExecutor.create("loc");
        assertThat(local).hasToString("LocalExecutor[loc, live=0, not driven]");
        String whileDriven = local.blockOn(Async.ready(0).map(v -> local.toString()));
        assertThat(whileDriven)
                .isEqualTo(
                        "LocalExecutor[loc, live=1, driven by '"
                                + Thread.currentThread().getName()
                                + "']");
        local.close();
        assertThat(local).hasToString("LocalExecutor[loc, live=0, closed, not driven]");
        try (ThreadedExecutor ex = ThreadedExecutor.create("audit", 1)) {
            TaskScope scope = TaskScope.open(ex, ScopePolicy.COLLECT_ALL);
            TaskHandle<Object> stuck = scope.spawn("stuck", Async.never());
            scope.spawn(
                    "bad",
                    Async.ready(0)
                            .map(
                                    v -> {
                                        throw new IllegalArgumentException("bad");
                                    }));
            while (!scope.toString().contains("running=1")) {
                Thread.sleep(1);
            }
            assertThat(scope)
                    .hasToString("TaskScope[COLLECT_ALL, open, children=2, running=1, failed=1]");
            scope.cancel();
            assertThatThrownBy(scope::join).isInstanceOf(TaskPanicException.class);
            scope.close();
            assertThat(stuck.isFinished()).isTrue();
            assertThat(scope)
                    .hasToString(
                            "TaskScope[COLLECT_ALL, closed, children=2, running=0, failed=1,"
                                    + " cancelled]");
        }
    }

    @Test
    void threadedAndPoolExecutorsSayWhenTheyAreClosed() {
        ThreadedExecutor threaded = ThreadedExecutor.create("thr", 1);
        assertThat(threaded.toString()).doesNotContain("closed");
        threaded.close();
        assertThat(threaded).hasToString("ThreadedExecutor[thr, threads=1, live=0, closed]");
        PoolExecutor pooled = PoolExecutor.create("poo", 1);
        assertThat(pooled.toString()).doesNotContain("closed");
        pooled.close();
        assertThat(pooled).hasToString("PoolExecutor[poo, parallelism=1, live=0, closed]");
    }

    /**
     * A task that holds an {@link AsyncMutex} and locks it again would wait for itself for ever:
     * its poll throws instead, naming the task and the mutex, and the lock stays held by the task
     * (the failed lock future leaves no trace). Before: the lock future pended for ever (the
     * timeout elapsed).
     */
    @Test
    void aTaskLockingAnAsyncMutexItHoldsPanicsInsteadOfWaitingForItself() throws Exception {
        AsyncMutex m = new AsyncMutex("m");
        assertThat(m).hasToString("AsyncMutex[m, unlocked]");
        AtomicReference<String> whileHeld = new AtomicReference<>();
        try (LocalExecutor ex = LocalExecutor.create("audit")) {
            TaskHandle<AsyncMutex.Guard> h =
                    ex.spawn(
                            "reentrant",
                            m.lock()
                                    .then(
                                            g -> {
                                                whileHeld.set(m.toString());
                                                return m.lock();
                                            })
                                    .timeout(Duration.ofSeconds(5))
                                    .map(t -> (AsyncMutex.Guard) null));
            assertTimeoutPreemptively(
                    LIMIT,
                    () ->
                            assertThatThrownBy(() -> ex.blockOn(h))
                                    .isInstanceOf(TaskPanicException.class)
                                    .cause()
                                    .isInstanceOf(IllegalStateException.class)
                                    .hasMessageContaining(
                                            "task 'reentrant' already holds AsyncMutex[m]")
                                    .hasMessageContaining("not reentrant"));
        }
        assertThat(whileHeld.get()).isEqualTo("AsyncMutex[m, locked by task 'reentrant']");
        // the first guard was never closed (the task panicked holding it): still locked, no waiter
        assertThat(m.isLocked()).isTrue();
        assertThat(m.toString()).isEqualTo("AsyncMutex[m, locked by task 'reentrant']");
    }

    /** Two different tasks: the second waits (no false re-entry), and gets the lock on unlock. */
    @Test
    void anotherTaskLockingAHeldAsyncMutexStillWaits() throws Exception {
        AsyncMutex m = new AsyncMutex("m2");
        try (LocalExecutor ex = LocalExecutor.create("audit")) {
            AsyncMutex.Guard held = ex.blockOn(ex.spawn("first", m.lock()));
            TaskHandle<Integer> second =
                    ex.spawn(
                            "second",
                            m.lock()
                                    .map(
                                            g -> {
                                                try (g) {
                                                    return 2;
                                                }
                                            }));
            Timed<Integer> early = ex.blockOn(second.timeout(Duration.ofMillis(20)));
            assertThat(early).isInstanceOf(Timed.Elapsed.class);
            assertThat(m.toString()).startsWith("AsyncMutex[m2, locked by task 'first'");
            held.close();
            assertThat(ex.blockOn(second)).isEqualTo(2);
            assertThat(m).hasToString("AsyncMutex[m2, unlocked]");
        }
    }
}
