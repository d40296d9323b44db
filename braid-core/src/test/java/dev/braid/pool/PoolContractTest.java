package dev.braid.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.thread.PanicException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The submission contract, written once and run over the pool's own API and its {@link
 * ExecutorService} view, with 1, 2 and 4 workers.
 */
class PoolContractTest {
    /** One way of submitting to a pool and waiting for the result. */
    interface Api {
        <T> Object submit(WorkStealingPool pool, Callable<T> task);

        /** Waits; a task failure comes back as the original exception (unwrapped). */
        Object await(Object handle) throws Throwable;

        Object awaitTimed(Object handle, long millis) throws Throwable;

        boolean cancel(Object handle);
    }

    static final Api DIRECT =
            new Api() {
                @Override
                public <T> Object submit(WorkStealingPool pool, Callable<T> task) {
                    return pool.submit(task);
                }

                @Override
                public Object await(Object h) throws Throwable {
                    try {
                        return ((TaskHandle<?>) h).join();
                    } catch (PanicException p) {
                        // a worker ran it, or this joiner did before any worker took it (ADR 0049)
                        assertThat(p.threadName())
                                .satisfiesAnyOf(
                                        n -> assertThat(n).contains("-worker-"),
                                        n ->
                                                assertThat(n)
                                                        .isEqualTo(
                                                                Thread.currentThread().getName()));
                        assertThat(p.getMessage()).contains(p.threadName());
                        throw p.getCause();
                    }
                }

                @Override
                public Object awaitTimed(Object h, long millis) throws Throwable {
                    var o = ((TaskHandle<?>) h).join(java.time.Duration.ofMillis(millis));
                    if (!o.isFinished()) {
                        throw new TimeoutException();
                    }
                    return o.value();
                }

                @Override
                public boolean cancel(Object h) {
                    return ((TaskHandle<?>) h).cancel();
                }

                @Override
                public String toString() {
                    return "pool API";
                }
            };

    static final Api VIEW =
            new Api() {
                @Override
                public <T> Object submit(WorkStealingPool pool, Callable<T> task) {
                    return pool.asExecutorService().submit(task);
                }

                @Override
                public Object await(Object h) throws Throwable {
                    try {
                        return ((java.util.concurrent.Future<?>) h).get();
                    } catch (ExecutionException e) {
                        throw e.getCause();
                    }
                }

                @Override
                public Object awaitTimed(Object h, long millis) throws Throwable {
                    try {
                        return ((java.util.concurrent.Future<?>) h)
                                .get(millis, TimeUnit.MILLISECONDS);
                    } catch (ExecutionException e) {
                        throw e.getCause();
                    }
                }

                @Override
                public boolean cancel(Object h) {
                    return ((java.util.concurrent.Future<?>) h).cancel(true);
                }

                @Override
                public String toString() {
                    return "ExecutorService view";
                }
            };

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Api api : List.of(DIRECT, VIEW)) {
            for (int p : new int[] {1, 2, 4}) {
                out.add(Arguments.of(api, p));
            }
        }
        return out.stream();
    }

    static WorkStealingPool pool(int parallelism) {
        return WorkStealingPool.builder().parallelism(parallelism).namePrefix("contract").build();
    }

    @ParameterizedTest(name = "{0}, {1} workers")
    @MethodSource("cases")
    void aTaskReturnsItsValue(Api api, int parallelism) throws Throwable {
        try (var pool = pool(parallelism)) {
            assertThat(api.await(api.submit(pool, () -> 6 * 7))).isEqualTo(42);
            assertThat(api.await(api.submit(pool, () -> null))).isNull();
        }
    }

    @ParameterizedTest(name = "{0}, {1} workers")
    @MethodSource("cases")
    void manyTasksEachRunExactlyOnce(Api api, int parallelism) throws Throwable {
        int n = 10_000;
        AtomicIntegerArray runs = new AtomicIntegerArray(n);
        List<Object> handles = new ArrayList<>();
        try (var pool = pool(parallelism)) {
            for (int i = 0; i < n; i++) {
                int k = i;
                handles.add(api.submit(pool, () -> runs.incrementAndGet(k)));
            }
            for (Object h : handles) {
                assertThat(api.await(h)).isEqualTo(1);
            }
        }
        for (int i = 0; i < n; i++) {
            assertThat(runs.get(i)).as("task %d", i).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0}, {1} workers")
    @MethodSource("cases")
    void aFailureReachesTheJoinerIntactAndThePoolStaysUsable(Api api, int parallelism)
            throws Throwable {
        try (var pool = pool(parallelism)) {
            IllegalStateException boom = new IllegalStateException("boom");
            Object h =
                    api.submit(
                            pool,
                            () -> {
                                throw boom;
                            });
            assertThatThrownBy(() -> api.await(h)).isSameAs(boom);
            assertThatThrownBy(() -> api.await(h)).isSameAs(boom); // every join sees it
            Object e =
                    api.submit(
                            pool,
                            () -> {
                                throw new StackOverflowError("deep");
                            });
            assertThatThrownBy(() -> api.await(e))
                    .isInstanceOf(StackOverflowError.class)
                    .hasMessage("deep");
            for (int i = 0; i < 2 * parallelism; i++) {
                assertThat(api.await(api.submit(pool, () -> "alive"))).isEqualTo("alive");
            }
        }
    }

    @ParameterizedTest(name = "{0}, {1} workers")
    @MethodSource("cases")
    void aTimedWaitTimesOutAndAQueuedTaskCanBeCancelled(Api api, int parallelism) throws Throwable {
        try (var pool = pool(parallelism)) {
            CountDownLatch release = new CountDownLatch(1);
            List<Object> blockers = new ArrayList<>();
            for (int i = 0; i < parallelism; i++) {
                blockers.add(api.submit(pool, () -> release.await(30, TimeUnit.SECONDS)));
            }
            Object queued = api.submit(pool, () -> "never");
            assertThatThrownBy(() -> api.awaitTimed(queued, 20))
                    .isInstanceOf(TimeoutException.class);
            assertThatThrownBy(() -> api.awaitTimed(queued, 0))
                    .isInstanceOf(TimeoutException.class);
            assertThat(api.cancel(queued)).isTrue();
            assertThat(api.cancel(queued)).isFalse();
            assertThatThrownBy(() -> api.await(queued)).isInstanceOf(CancellationException.class);
            release.countDown();
            for (Object b : blockers) {
                assertThat(api.await(b)).isEqualTo(true);
                assertThat(api.cancel(b)).isFalse(); // finished: not cancellable
            }
        }
    }

    @ParameterizedTest(name = "{0}, {1} workers")
    @MethodSource("cases")
    void submittingAfterShutdownIsRejectedClearly(Api api, int parallelism) throws Throwable {
        var pool = pool(parallelism);
        Object before = api.submit(pool, () -> "queued");
        pool.shutdown();
        assertThatThrownBy(() -> api.submit(pool, () -> "late"))
                .isInstanceOf(RejectedExecutionException.class)
                .isInstanceOf(PoolClosedException.class)
                .hasMessageContaining("contract")
                .hasMessageContaining("shut down");
        assertThat(api.await(before)).isEqualTo("queued");
        assertThat(pool.awaitTermination(java.time.Duration.ofSeconds(30))).isTrue();
        assertThat(pool.isTerminated()).isTrue();
    }

    @ParameterizedTest(name = "{0}, {1} workers")
    @MethodSource("cases")
    void tasksSubmittedByTasksRunAfterShutdown(Api api, int parallelism) throws Throwable {
        var pool = pool(parallelism);
        CountDownLatch shut = new CountDownLatch(1);
        Object outer =
                api.submit(
                        pool,
                        () -> {
                            shut.await();
                            return pool.submit(() -> "inner").join();
                        });
        pool.shutdown();
        shut.countDown();
        assertThat(api.await(outer)).isEqualTo("inner");
        pool.close();
        assertThat(pool.isTerminated()).isTrue();
    }
}
