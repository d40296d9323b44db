package dev.braid.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.cancel.CancelScope;
import dev.braid.thread.PanicException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** join(a, b), handles joined inside the pool, scopes and yieldNow, over 1, 2 and 4 workers. */
class ForkJoinTest {
    static long fib(WorkStealingPool pool, int n) {
        if (n < 2) {
            return n;
        }
        Joined<Long, Long> r = pool.join(() -> fib(pool, n - 1), () -> fib(pool, n - 2));
        return r.first() + r.second();
    }

    static long fibForked(WorkStealingPool pool, int n) throws InterruptedException {
        if (n < 2) {
            return n;
        }
        TaskHandle<Long> f = pool.submit(() -> fibForked(pool, n - 1));
        return fibForked(pool, n - 2) + f.join();
    }

    static WorkStealingPool pool(int p) {
        return WorkStealingPool.builder().parallelism(p).namePrefix("fj").build();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4})
    void recursiveJoinComputesFibonacci(int p) {
        try (var pool = pool(p)) {
            assertThat(fib(pool, 22)).isEqualTo(17711);
            assertThat(pool.submit(() -> fib(pool, 20)).joinQuietly()).isEqualTo(6765);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4})
    void handlesJoinedInsideThePoolHelpInsteadOfDeadlocking(int p) throws Exception {
        try (var pool = pool(p)) {
            // with one worker, this only terminates because join runs the queued subtasks
            assertThat(pool.submit(() -> fibForked(pool, 18)).join()).isEqualTo(2584);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4})
    void aFailureInEitherHalfIsRethrownWithTheOriginalCause(int p) {
        try (var pool = pool(p)) {
            assertThatThrownBy(
                            () ->
                                    pool.join(
                                            () -> 1,
                                            () -> {
                                                throw new ArithmeticException("b");
                                            }))
                    .isInstanceOf(PanicException.class)
                    .hasCauseInstanceOf(ArithmeticException.class)
                    .hasRootCauseMessage("b");
            assertThatThrownBy(
                            () ->
                                    pool.join(
                                            () -> {
                                                throw new ArithmeticException("a");
                                            },
                                            () -> 2))
                    .isInstanceOf(PanicException.class)
                    .hasRootCauseMessage("a");
            assertThat(pool.join(() -> "x", () -> "y")).isEqualTo(new Joined<>("x", "y"));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4})
    void aScopeWaitsForEveryTaskIncludingNestedSpawns(int p) throws Exception {
        AtomicInteger done = new AtomicInteger();
        try (var pool = pool(p)) {
            pool.scope(
                    s -> {
                        for (int i = 0; i < 50; i++) {
                            s.spawn(
                                    () -> {
                                        s.spawn(done::incrementAndGet);
                                        done.incrementAndGet();
                                    });
                        }
                    });
            assertThat(done).hasValue(100);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4})
    void theFirstFailureCancelsTheRestAndIsRethrown(int p) throws Exception {
        AtomicInteger ran = new AtomicInteger();
        AtomicInteger cancelledWhileRunning = new AtomicInteger();
        try (var pool = pool(p)) {
            CountDownLatch started = new CountDownLatch(1);
            assertThatThrownBy(
                            () ->
                                    pool.scope(
                                            s -> {
                                                if (p > 1) {
                                                    s.spawn(
                                                            () -> {
                                                                started.countDown();
                                                                try {
                                                                    new dev.braid.cancel
                                                                                    .CancellationSource()
                                                                            .token()
                                                                            .await();
                                                                } catch (
                                                                        java.util.concurrent
                                                                                        .CancellationException
                                                                                e) {
                                                                    cancelledWhileRunning
                                                                            .incrementAndGet();
                                                                }
                                                                return null;
                                                            });
                                                    started.await(10, TimeUnit.SECONDS);
                                                }
                                                s.spawn(
                                                        () -> {
                                                            throw new IllegalStateException(
                                                                    "first");
                                                        });
                                                for (int i = 0; i < 100; i++) {
                                                    s.spawn(ran::incrementAndGet);
                                                }
                                            }))
                    .isInstanceOf(PanicException.class)
                    .hasCauseInstanceOf(IllegalStateException.class)
                    .hasRootCauseMessage("first");
            assertThat(ran.get()).isLessThanOrEqualTo(100);
            if (p > 1) {
                assertThat(cancelledWhileRunning).hasValue(1);
            }
            assertThat(pool.submit(() -> "usable").join()).isEqualTo("usable");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void tasksInAScopeSeeItsCancellationAsTheirAmbientScope(int p) {
        try (var pool = pool(p)) {
            assertThatThrownBy(
                            () ->
                                    pool.scope(
                                            s -> {
                                                s.spawn(
                                                        () -> {
                                                            assertThat(
                                                                            CancelScope.current()
                                                                                    .isActive())
                                                                    .isTrue();
                                                            throw new IllegalStateException("x");
                                                        });
                                            }))
                    .hasRootCauseMessage("x");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void yieldNowLetsAWaitingTaskRunFirst(int p) throws Exception {
        try (var pool = pool(p)) {
            var order = new java.util.concurrent.CopyOnWriteArrayList<String>();
            CountDownLatch gate = new CountDownLatch(1);
            // The yielder must be running on a worker before anyone joins it: an outside joiner
            // runs a task that is still queued itself (ADR 0049), where yieldNow only yields.
            CountDownLatch started = new CountDownLatch(1);
            TaskHandle<Void> first =
                    pool.submit(
                            () -> {
                                started.countDown();
                                gate.await(10, TimeUnit.SECONDS);
                                for (int i = 0; i < p; i++) {
                                    WorkStealingPool.yieldNow();
                                }
                                order.add("yielder");
                                return null;
                            });
            TaskHandle<Void> second =
                    pool.submit(
                            () -> {
                                order.add("other");
                            });
            assertThat(started.await(30, TimeUnit.SECONDS)).as("yielder started").isTrue();
            if (p == 1) {
                gate.countDown();
                first.join();
                second.join();
                assertThat(order).containsExactly("other", "yielder");
            } else {
                second.join();
                gate.countDown();
                first.join();
                assertThat(order).containsExactly("other", "yielder");
            }
            WorkStealingPool.yieldNow(); // outside the pool: just yields
        }
    }
}
