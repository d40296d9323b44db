package dev.braid.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Joins inside the pool that waited for a task only their own worker could run (audit 7). On a pool
 * of one worker: a task joining an outside submission still queued in the injector behind it, and a
 * task calling the {@code ExecutorService} view's {@code invokeAll}. Both parked for ever; the docs
 * say a join on the pool's own handles helps instead of blocking. ADR 0103. Every wait is bounded.
 */
class PoolJoinMisuseTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    private final WorkStealingPool pool =
            WorkStealingPool.builder().parallelism(1).namePrefix("one").build();

    @AfterEach
    void close() {
        pool.shutdownNow();
        assertTimeoutPreemptively(LIMIT, pool::close);
    }

    /** Fails on the code before: the only worker parked in the join, the task stayed queued. */
    @Test
    void aTaskJoiningAnOutsideSubmissionQueuedBehindItRunsItInsteadOfWaitingForEver() {
        CountDownLatch bothQueued = new CountDownLatch(1);
        AtomicReference<TaskHandle<Integer>> next = new AtomicReference<>();
        TaskHandle<Integer> first =
                pool.submit(
                        () -> {
                            bothQueued.await();
                            return next.get().join() + 1;
                        });
        next.set(pool.submit(() -> 41));
        bothQueued.countDown();
        assertTimeoutPreemptively(LIMIT, () -> assertThat(first.join()).isEqualTo(42));
    }

    /** Not the oldest queued task: the join helps with the older outside work first. */
    @Test
    void aTaskJoiningAnOutsideSubmissionWithOthersQueuedBeforeItStillFinishes() {
        CountDownLatch allQueued = new CountDownLatch(1);
        AtomicReference<TaskHandle<Integer>> last = new AtomicReference<>();
        TaskHandle<Integer> first =
                pool.submit(
                        () -> {
                            allQueued.await();
                            return last.get().join() + 1;
                        });
        TaskHandle<Integer> middle = pool.submit(() -> 10);
        last.set(pool.submit(() -> 41));
        allQueued.countDown();
        assertTimeoutPreemptively(
                LIMIT,
                () -> {
                    assertThat(first.join()).isEqualTo(42);
                    assertThat(middle.join()).isEqualTo(10);
                });
    }

    /**
     * {@code invokeAll} waited on {@code FutureTask}s, which do not help: on one worker the tasks
     * stayed queued behind the caller. Fails on the code before (it hung).
     */
    @Test
    void invokeAllOfTheExecutorServiceViewFromATaskHelpsInsteadOfWaitingForEver() {
        ExecutorService es = pool.asExecutorService();
        List<Callable<Integer>> tasks = List.of(() -> 1, () -> 2, () -> 3);
        TaskHandle<List<Integer>> h =
                pool.submit(
                        () -> {
                            List<Integer> out = new java.util.ArrayList<>();
                            for (Future<Integer> f : es.invokeAll(tasks)) {
                                assertThat(f.isDone()).isTrue();
                                out.add(f.get());
                            }
                            return out;
                        });
        assertTimeoutPreemptively(LIMIT, () -> assertThat(h.join()).containsExactly(1, 2, 3));
    }

    @Test
    void timedInvokeAllOfTheViewFromATaskHelpsToo() {
        ExecutorService es = pool.asExecutorService();
        List<Callable<Integer>> tasks = List.of(() -> 1, () -> 2);
        TaskHandle<List<Integer>> h =
                pool.submit(
                        () -> {
                            List<Integer> out = new java.util.ArrayList<>();
                            for (Future<Integer> f :
                                    es.invokeAll(tasks, 1, java.util.concurrent.TimeUnit.DAYS)) {
                                out.add(f.get());
                            }
                            return out;
                        });
        assertTimeoutPreemptively(LIMIT, () -> assertThat(h.join()).containsExactly(1, 2));
    }

    /**
     * {@code invokeAny} waited (as {@code AbstractExecutorService}'s) on a completion queue that no
     * worker could fill: on one worker, the tasks stayed queued behind the caller. Fails on the
     * code before (it hung).
     */
    @Test
    void invokeAnyOfTheViewFromATaskHelpsAndSkipsAFailure() {
        ExecutorService es = pool.asExecutorService();
        List<Callable<Integer>> tasks =
                List.of(
                        () -> {
                            throw new IllegalStateException("first fails");
                        },
                        () -> 42);
        TaskHandle<Integer> h = pool.submit(() -> es.invokeAny(tasks));
        assertTimeoutPreemptively(LIMIT, () -> assertThat(h.join()).isEqualTo(42));
        TaskHandle<Integer> timed =
                pool.submit(() -> es.invokeAny(tasks, 1, java.util.concurrent.TimeUnit.DAYS));
        assertTimeoutPreemptively(LIMIT, () -> assertThat(timed.join()).isEqualTo(42));
    }

    @Test
    void invokeAnyFromATaskWhereEveryTaskFailsThrowsExecutionException() {
        ExecutorService es = pool.asExecutorService();
        List<Callable<Integer>> tasks =
                List.of(
                        () -> {
                            throw new IllegalStateException("a");
                        },
                        () -> {
                            throw new IllegalStateException("b");
                        });
        TaskHandle<String> h =
                pool.submit(
                        () -> {
                            try {
                                es.invokeAny(tasks);
                                return "returned";
                            } catch (java.util.concurrent.ExecutionException e) {
                                return "failed: " + e.getCause().getMessage();
                            }
                        });
        assertTimeoutPreemptively(LIMIT, () -> assertThat(h.join()).isIn("failed: a", "failed: b"));
    }

    @Test
    void invokeAnyFromATaskRefusesAnEmptyList() {
        ExecutorService es = pool.asExecutorService();
        TaskHandle<String> h =
                pool.submit(
                        () -> {
                            try {
                                es.invokeAny(List.<Callable<Integer>>of());
                                return "returned";
                            } catch (IllegalArgumentException e) {
                                return e.getMessage();
                            }
                        });
        assertTimeoutPreemptively(LIMIT, () -> assertThat(h.join()).contains("tasks"));
    }
}
