package dev.braid.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The pool's {@link ExecutorService} view against what the JSR166 TCK's {@code
 * AbstractExecutorServiceTest} checks (nulls, empty collections, all-failing and timed {@code
 * invokeAny}/{@code invokeAll}), plus {@code close()}'s JDK 19 contract and {@code
 * CompletableFuture} interop. Each case was first run side by side with a {@code
 * ThreadPoolExecutor} of two threads and gave the same outcome (audit 8); shutdown, shutdownNow and
 * cancel are in {@code PoolLifecycleTest} and {@code PoolInlineAndViewCancelTest}.
 */
class PoolExecutorServiceContractTest {
    private final WorkStealingPool pool = WorkStealingPool.builder().parallelism(2).build();
    private final ExecutorService e = pool.asExecutorService();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void close() {
        release.countDown();
        pool.shutdownNow();
        pool.close();
    }

    private Callable<Integer> blocked(int v) {
        return () -> {
            release.await();
            return v;
        };
    }

    private static Callable<Integer> failing() {
        return () -> {
            throw new ArithmeticException("task failed");
        };
    }

    @Test
    void nullArgumentsAreRefused() {
        List<Callable<Integer>> withNull = Arrays.asList(() -> 1, null);
        // invokeAny may return before it reaches a null behind a success (as
        // AbstractExecutorService)
        List<Callable<Integer>> failingThenNull = Arrays.asList(failing(), null);
        for (var c :
                List.<org.assertj.core.api.ThrowableAssert.ThrowingCallable>of(
                        () -> e.execute(null),
                        () -> e.submit((Runnable) null),
                        () -> e.submit((Callable<?>) null),
                        () -> e.submit(null, 1),
                        () -> e.invokeAll(null),
                        () -> e.invokeAll(null, 1, TimeUnit.SECONDS),
                        () -> e.invokeAll(List.of(() -> 1), 1, null),
                        () -> e.invokeAll(withNull),
                        () -> e.invokeAll(withNull, 1, TimeUnit.SECONDS),
                        () -> e.invokeAny(null),
                        () -> e.invokeAny(null, 1, TimeUnit.SECONDS),
                        () -> e.invokeAny(List.of(() -> 1), 1, null),
                        () -> e.invokeAny(failingThenNull))) {
            assertThatThrownBy(c).isInstanceOf(NullPointerException.class);
        }
        assertThatThrownBy(() -> e.awaitTermination(1, null))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void emptyCollections() throws Exception {
        assertThat(e.invokeAll(List.<Callable<Integer>>of())).isEmpty();
        assertThat(e.invokeAll(List.<Callable<Integer>>of(), 1, TimeUnit.SECONDS)).isEmpty();
        assertThatThrownBy(() -> e.invokeAny(List.<Callable<Integer>>of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> e.invokeAny(List.<Callable<Integer>>of(), 1, TimeUnit.SECONDS))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void invokeAnyReturnsASuccessAndFailsOnlyWhenEveryTaskFails() throws Exception {
        assertThat(e.invokeAny(List.of(failing(), () -> 7))).isEqualTo(7);
        assertThatThrownBy(() -> e.invokeAny(List.of(failing(), failing())))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> e.invokeAny(List.of(failing()), 10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class);
        assertThatThrownBy(() -> e.invokeAny(List.of(blocked(1)), 10, TimeUnit.MILLISECONDS))
                .isInstanceOf(TimeoutException.class);
        assertThatThrownBy(() -> e.invokeAny(List.of(blocked(1)), 0, TimeUnit.SECONDS))
                .isInstanceOf(TimeoutException.class);
    }

    @Test
    void invokeAllReturnsEveryFutureDone() throws Exception {
        List<Future<Integer>> fs = e.invokeAll(List.of(() -> 1, failing()));
        assertThat(fs).hasSize(2).allMatch(Future::isDone);
        assertThat(fs.get(0).resultNow()).isEqualTo(1);
        assertThat(fs.get(1).state()).isEqualTo(Future.State.FAILED);
        assertThat(fs.get(1).exceptionNow()).isInstanceOf(ArithmeticException.class);
    }

    /**
     * Timed invokeAll: at the deadline the unfinished tasks are cancelled; all futures are done.
     */
    @Test
    void timedInvokeAllCancelsWhatIsLeftAtTheDeadline() throws Exception {
        List<Future<Integer>> fs =
                e.invokeAll(List.of(() -> 0, blocked(1), () -> 2), 20, TimeUnit.MILLISECONDS);
        assertThat(fs).hasSize(3).allMatch(Future::isDone);
        assertThat(fs.get(1).isCancelled()).isTrue();
        assertThat(fs.get(1).state()).isEqualTo(Future.State.CANCELLED);
        assertThatThrownBy(() -> fs.get(1).get()).isInstanceOf(CancellationException.class);
        assertThatThrownBy(() -> fs.get(1).get(1, TimeUnit.SECONDS))
                .isInstanceOf(CancellationException.class);
        for (int i : new int[] {0, 2}) { // on a loaded machine they may not have run in 20 ms
            assertThat(fs.get(i).isCancelled() || fs.get(i).resultNow() == i).isTrue();
        }
    }

    @Test
    void anInterruptedCallerGetsInterruptedException() {
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> e.invokeAll(List.of(blocked(1))))
                .isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isFalse();
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> e.invokeAny(List.of(blocked(1))))
                .isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isFalse();
    }

    @Test
    void rejectedAfterShutdownAsRejectedExecutionException() {
        e.shutdown();
        assertThatThrownBy(() -> e.submit(() -> 1)).isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> e.execute(() -> {}))
                .isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> e.invokeAll(List.of(() -> 1)))
                .isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> CompletableFuture.supplyAsync(() -> 1, e))
                .isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void completableFutureRunsOnTheView() throws Exception {
        assertThat(CompletableFuture.supplyAsync(() -> 42, e).get()).isEqualTo(42);
        assertThat(CompletableFuture.supplyAsync(() -> 1, e).thenApplyAsync(x -> x + 1, e).join())
                .isEqualTo(2);
    }

    /**
     * ExecutorService.close (JDK 19): waits for running tasks; an interrupt while waiting makes it
     * shutdownNow (interrupting the tasks) and finish waiting, and the status is set again on
     * return. A second close does nothing.
     */
    @Test
    void closeWaitsAndAnInterruptStopsTheTasks() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<String> seen = new CompletableFuture<>();
        e.execute(
                () -> {
                    started.countDown();
                    try {
                        release.await();
                        seen.complete("released");
                    } catch (InterruptedException x) {
                        seen.complete("interrupted");
                    }
                });
        started.await();
        Thread.currentThread().interrupt();
        e.close();
        assertThat(Thread.interrupted()).as("interrupt status restored").isTrue();
        assertThat(e.isTerminated()).isTrue();
        assertThat(seen.getNow("still running")).isEqualTo("interrupted");
        e.close();
        assertThat(e.isShutdown()).isTrue();
    }

    @Test
    void closeLetsATaskFinish() throws Exception {
        List<Integer> done = new ArrayList<>();
        CountDownLatch started = new CountDownLatch(1);
        e.execute(
                () -> {
                    started.countDown();
                    synchronized (done) {
                        done.add(1);
                    }
                });
        started.await();
        e.close();
        assertThat(e.isTerminated()).isTrue();
        synchronized (done) {
            assertThat(done).containsExactly(1);
        }
    }
}
