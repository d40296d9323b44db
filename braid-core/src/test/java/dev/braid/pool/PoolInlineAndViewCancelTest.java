package dev.braid.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * ADR 0071: a task run inline by its outside joiner runs in the pool (shutdownNow interrupts it,
 * termination waits for it), and the ExecutorService view's futures cancel running tasks as
 * FutureTask does.
 */
class PoolInlineAndViewCancelTest {
    private static final long LONG_MS = 30_000;
    // 30,000 locally: about 27% cancelled mid-run, all consistent
    private static final int ROUNDS = 3000;

    /** What the inline task saw; its joiner's interrupt status after the join. */
    private record Inline(String value, String ranOn, boolean joinerInterruptedAfter) {}

    private static final class InlineRun {
        final CountDownLatch hold = new CountDownLatch(1); // keeps the only worker busy
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch interrupted = new CountDownLatch(1);
        final CountDownLatch finish = new CountDownLatch(1);
        final AtomicReference<String> ranOn = new AtomicReference<>();
        final WorkStealingPool pool =
                WorkStealingPool.builder().parallelism(1).namePrefix("inl").build();
        JoinHandle<Inline> joiner;

        /** Occupies the worker, submits the task and joins it from a fresh outside thread. */
        InlineRun start() throws InterruptedException {
            pool.submit(
                    () -> {
                        hold.await();
                        return null;
                    });
            TaskHandle<String> h =
                    pool.submit(
                            () -> {
                                ranOn.set(Thread.currentThread().getName());
                                started.countDown();
                                try {
                                    Thread.sleep(LONG_MS);
                                } catch (InterruptedException e) {
                                    interrupted.countDown();
                                }
                                while (!finish.await(10, TimeUnit.SECONDS)) {
                                    // a stray interrupt would throw; none should come
                                }
                                return "done";
                            });
            joiner =
                    Threads.builder()
                            .name("outside-joiner")
                            .spawn(
                                    () -> {
                                        String v = h.join();
                                        return new Inline(
                                                v,
                                                ranOn.get(),
                                                Thread.currentThread().isInterrupted());
                                    });
            assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(ranOn.get()).isEqualTo("outside-joiner"); // the inline path (ADR 0049)
            hold.countDown(); // the worker is free: only the inline task keeps the pool alive
            return this;
        }
    }

    @Test
    void shutdownNowInterruptsATaskRunInlineAndTerminationWaitsForIt() throws Exception {
        InlineRun r = new InlineRun().start();
        r.pool.shutdownNow();
        assertThat(r.interrupted.await(30, TimeUnit.SECONDS))
                .as("shutdownNow interrupts the joiner running the task")
                .isTrue();
        assertThat(r.pool.awaitTermination(Duration.ofMillis(300))).isFalse();
        assertThat(r.pool.isTerminated()).isFalse();
        assertThat(r.pool.toString()).contains("STOPPING").contains("inline=1");
        r.finish.countDown();
        Inline out = r.joiner.join();
        assertThat(out.value()).isEqualTo("done");
        assertThat(out.joinerInterruptedAfter())
                .as("the interrupt was for the task; it does not outlive it")
                .isFalse();
        assertThat(r.pool.awaitTermination(Duration.ofSeconds(30))).isTrue();
        assertThat(r.pool.isTerminated()).isTrue();
        assertThat(r.pool.toString()).contains("TERMINATED").doesNotContain("inline=");
    }

    @Test
    void shutdownDoesNotReportTerminationWhileATaskRunsInline() throws Exception {
        InlineRun r = new InlineRun().start();
        r.pool.shutdown();
        assertThat(r.pool.awaitTermination(Duration.ofMillis(300))).isFalse();
        assertThat(r.pool.isTerminated()).isFalse();
        assertThat(r.interrupted.getCount()).as("shutdown() interrupts nothing").isEqualTo(1);
        r.joiner.thread().interrupt(); // end the sleep: the task then waits for `finish`
        assertThat(r.interrupted.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(r.pool.isTerminated()).isFalse();
        r.finish.countDown();
        assertThat(r.joiner.join().value()).isEqualTo("done");
        assertThat(r.pool.awaitTermination(Duration.ofSeconds(30))).isTrue();
    }

    @Test
    void viewCancelTrueStopsARunningTaskAsFutureTaskDoes() throws Exception {
        var pool = WorkStealingPool.builder().parallelism(1).namePrefix("vc").build();
        ExecutorService es = pool.asExecutorService();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        Future<Integer> f =
                es.submit(
                        () -> {
                            started.countDown();
                            try {
                                Thread.sleep(LONG_MS);
                            } catch (InterruptedException e) {
                                interrupted.countDown();
                                return -1; // dropped: the future is cancelled
                            }
                            return 1;
                        });
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(f.cancel(true)).isTrue();
        assertThat(f.isCancelled()).isTrue();
        assertThat(f.isDone()).isTrue();
        assertThat(f.cancel(true)).isFalse(); // once
        assertThatThrownBy(() -> f.get(2, TimeUnit.SECONDS))
                .isInstanceOf(CancellationException.class);
        assertThatThrownBy(f::get).isInstanceOf(CancellationException.class);
        assertThat(interrupted.await(30, TimeUnit.SECONDS)).isTrue();
        // the interrupt does not leak to the worker's next task
        Future<Boolean> next = es.submit(() -> Thread.currentThread().isInterrupted());
        assertThat(next.get(30, TimeUnit.SECONDS)).isFalse();
        assertThatThrownBy(f::get).isInstanceOf(CancellationException.class); // still
        es.shutdownNow();
        assertThat(es.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void viewCancelFalseMarksARunningTaskCancelledWithoutInterrupting() throws Exception {
        var pool = WorkStealingPool.builder().parallelism(1).namePrefix("vf").build();
        ExecutorService es = pool.asExecutorService();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean sawInterrupt = new AtomicBoolean();
        Future<String> f =
                es.submit(
                        () -> {
                            started.countDown();
                            try {
                                release.await();
                            } catch (InterruptedException e) {
                                sawInterrupt.set(true);
                            }
                            return "late";
                        });
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(f.cancel(false)).isTrue();
        assertThat(f.isCancelled()).isTrue();
        assertThatThrownBy(() -> f.get(2, TimeUnit.SECONDS))
                .isInstanceOf(CancellationException.class);
        release.countDown();
        es.shutdown();
        assertThat(es.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(sawInterrupt).isFalse();
        assertThatThrownBy(f::get).isInstanceOf(CancellationException.class);
    }

    @Test
    void aViewCancelRacingTheTasksEndGivesOneOutcomeAndLeaksNoInterrupt() throws Exception {
        var pool = WorkStealingPool.builder().parallelism(2).namePrefix("race").build();
        ExecutorService es = pool.asExecutorService();
        java.util.Random rnd = new java.util.Random(71);
        java.util.concurrent.atomic.AtomicInteger started =
                new java.util.concurrent.atomic.AtomicInteger(-1);
        for (int i = 0; i < ROUNDS; i++) {
            int n = i;
            Future<Boolean> f =
                    es.submit(
                            () -> {
                                started.set(n);
                                boolean before = Thread.currentThread().isInterrupted();
                                for (int k = 0; k < 200; k++) {
                                    Thread.onSpinWait();
                                }
                                return before || Thread.currentThread().isInterrupted();
                            });
            while (started.get() != n) {
                Thread.onSpinWait(); // cancel a started task: the race is with its end
            }
            for (int k = rnd.nextInt(400); k > 0; k--) {
                Thread.onSpinWait();
            }
            boolean byThis = f.cancel(true);
            assertThat(f.isCancelled()).as("task %d", i).isEqualTo(byThis);
            assertThat(f.isDone()).isTrue();
            if (byThis) {
                assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS))
                        .isInstanceOf(CancellationException.class);
            } else {
                assertThat(f.get(30, TimeUnit.SECONDS))
                        .as("task %d saw an interrupt meant for another task", i)
                        .isFalse();
            }
        }
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        es.shutdown();
        assertThat(es.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void thePoolsOwnHandleKeepsForkJoinTaskCancellation() throws Exception {
        var pool = WorkStealingPool.builder().parallelism(1).namePrefix("fj").build();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        TaskHandle<String> h =
                pool.submit(
                        () -> {
                            started.countDown();
                            release.await();
                            return "ran";
                        });
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(h.cancel(true)).isFalse();
        assertThat(h.isCancelled()).isFalse();
        release.countDown();
        assertThat(h.join()).isEqualTo("ran");
        pool.close();
    }

    @Test
    void viewCancelOfATaskRunInlineByAGetInterruptsTheGetterOnlyForTheTask() throws Exception {
        var pool = WorkStealingPool.builder().parallelism(1).namePrefix("vi").build();
        ExecutorService es = pool.asExecutorService();
        CountDownLatch hold = new CountDownLatch(1);
        es.submit(
                () -> {
                    hold.await();
                    return null;
                });
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<String> ranOn = new AtomicReference<>();
        Future<String> f =
                es.submit(
                        () -> {
                            ranOn.set(Thread.currentThread().getName());
                            started.countDown();
                            Thread.sleep(LONG_MS);
                            return "slept";
                        });
        JoinHandle<Boolean> getter =
                Threads.builder()
                        .name("getter")
                        .spawn(
                                () -> {
                                    assertThatThrownBy(f::get)
                                            .isInstanceOf(CancellationException.class);
                                    return Thread.currentThread().isInterrupted();
                                });
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(ranOn.get()).isEqualTo("getter");
        assertThat(f.cancel(true)).isTrue();
        assertThat(getter.join()).as("interrupt status after the get").isFalse();
        hold.countDown();
        es.shutdown();
        assertThat(es.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
}
