package dev.braid.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.thread.PanicException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code joinLong}, and the path of both joins that runs a second half popped back from the own
 * deque as a plain call (ADR 0059): values, failures, the stolen half, hooks, shutdownNow.
 */
class JoinLongTest {
    static long fib(WorkStealingPool pool, int n) {
        return n < 2 ? n : pool.joinLong(() -> fib(pool, n - 1), () -> fib(pool, n - 2), Long::sum);
    }

    static WorkStealingPool pool(int p) {
        return WorkStealingPool.builder().parallelism(p).namePrefix("jl").build();
    }

    static void awaitUninterruptibly(CountDownLatch latch) {
        while (true) {
            try {
                assertThat(latch.await(30, TimeUnit.SECONDS)).as("latch released").isTrue();
                return;
            } catch (InterruptedException e) {
                // shutdownNow interrupts the running task: keep waiting for the test's release
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4})
    void recursiveJoinLongComputesFibonacciFromOutsideAndInside(int p) {
        try (var pool = pool(p)) {
            assertThat(fib(pool, 22)).isEqualTo(17711);
            assertThat(pool.submit(() -> fib(pool, 20)).joinQuietly()).isEqualTo(6765);
            assertThat(pool.joinLong(() -> 6, () -> 7, (x, y) -> x * y)).isEqualTo(42);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void failuresOfEitherHalfArePanicsAndCombineFailuresPropagateAsTheyAre(int p) {
        try (var pool = pool(p)) {
            assertThatThrownBy(
                            () ->
                                    pool.submit(
                                                    () ->
                                                            pool.joinLong(
                                                                    () -> 1,
                                                                    () -> {
                                                                        throw new ArithmeticException(
                                                                                "b");
                                                                    },
                                                                    Long::sum))
                                            .joinQuietly())
                    .isInstanceOf(PanicException.class)
                    .hasRootCauseInstanceOf(ArithmeticException.class)
                    .hasRootCauseMessage("b");
            assertThatThrownBy(
                            () ->
                                    pool.joinLong(
                                            () -> {
                                                throw new ArithmeticException("a");
                                            },
                                            () -> 2,
                                            Long::sum))
                    .isInstanceOf(PanicException.class)
                    .hasCauseInstanceOf(ArithmeticException.class)
                    .hasRootCauseMessage("a");
            // inside the pool, combine runs on the caller and its exception is not wrapped
            assertThat(
                            pool.submit(
                                            () -> {
                                                try {
                                                    return pool.joinLong(
                                                            () -> 1, () -> 0, Math::floorDiv);
                                                } catch (ArithmeticException e) {
                                                    return -1L;
                                                }
                                            })
                                    .joinQuietly())
                    .isEqualTo(-1L);
            assertThat(pool.joinLong(() -> 1, () -> 2, Long::sum)).isEqualTo(3);
        }
    }

    @Test
    void nullArgumentsAreNamed() {
        try (var pool = pool(1)) {
            assertThatThrownBy(() -> pool.joinLong(null, () -> 1, Long::sum))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("a");
            assertThatThrownBy(() -> pool.joinLong(() -> 1, null, Long::sum))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("b");
            assertThatThrownBy(() -> pool.joinLong(() -> 1, () -> 1, null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("combine");
        }
    }

    @Test
    void aStolenSecondHalfHandsItsValueToTheCaller() {
        try (var pool = pool(2)) {
            // a waits until b ran: with two workers, b must have been stolen by the other one
            CountDownLatch bRan = new CountDownLatch(1);
            AtomicInteger bThread = new AtomicInteger();
            long r =
                    pool.submit(
                                    () -> {
                                        long id = Thread.currentThread().threadId();
                                        return pool.joinLong(
                                                () -> {
                                                    awaitUninterruptibly(bRan);
                                                    return 40;
                                                },
                                                () -> {
                                                    bThread.set(
                                                            Thread.currentThread().threadId() == id
                                                                    ? 1
                                                                    : 2);
                                                    bRan.countDown();
                                                    return 2;
                                                },
                                                Long::sum);
                                    })
                            .joinQuietly();
            assertThat(r).isEqualTo(42);
            assertThat(bThread).as("b ran on the other worker").hasValue(2);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void hooksSeeTheSecondHalfEvenWhenTheCallerRunsIt(boolean primitive) {
        AtomicInteger before = new AtomicInteger();
        AtomicInteger after = new AtomicInteger();
        PoolHooks hooks =
                new PoolHooks() {
                    @Override
                    public void beforeTask(Thread worker, TaskHandle<?> task) {
                        before.incrementAndGet();
                    }

                    @Override
                    public void afterTask(Thread worker, TaskHandle<?> task, Throwable failure) {
                        after.incrementAndGet();
                    }
                };
        try (var pool = WorkStealingPool.builder().parallelism(1).hooks(hooks).build()) {
            long r =
                    pool.submit(
                                    () ->
                                            primitive
                                                    ? pool.joinLong(() -> 1, () -> 2, Long::sum)
                                                    : (long) pool.join(() -> 1, () -> 2).second())
                            .joinQuietly();
            assertThat(r).isEqualTo(primitive ? 3 : 2);
        }
        // the submitted task and the second half; an outside joiner's run is hooked too
        assertThat(before).hasValue(2);
        assertThat(after).hasValue(2);
    }

    @Test
    void shutdownNowOfTheExecutorViewReturnsAPendingSecondHalfAsARunnable() throws Exception {
        var pool = pool(1);
        var executor = pool.asExecutorService();
        CountDownLatch aRunning = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger bRuns = new AtomicInteger();
        pool.submit(
                () -> {
                    return pool.joinLong(
                            () -> {
                                aRunning.countDown();
                                awaitUninterruptibly(release);
                                return 1;
                            },
                            bRuns::incrementAndGet,
                            Long::sum);
                });
        assertThat(aRunning.await(30, TimeUnit.SECONDS)).isTrue();
        List<Runnable> dropped = executor.shutdownNow();
        release.countDown();
        assertThat(dropped).hasSize(1);
        assertThat(bRuns).hasValue(0);
        dropped.get(0).run();
        assertThat(bRuns).hasValue(1);
        assertThat(pool.awaitTermination(Duration.ofSeconds(30))).isTrue();
    }
}
