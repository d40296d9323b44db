package dev.braid.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.sync.Latch;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * Code written for an {@code ExecutorService} waits for a task it submitted by means the pool
 * cannot see (a {@code CompletableFuture}'s join, a latch): a task submitted through the view from
 * a worker is stealable, so another worker runs it while the submitter waits (ADR 0108). Before, it
 * sat in the submitting worker's LIFO slot, which no other worker takes, and these hung on a
 * two-worker pool. The timeout only turns a hang into a failure.
 */
class PoolViewBlockingWaitTest {
    private static final Duration HANG = Duration.ofSeconds(30);

    /** What a test does with a two-worker pool and its view, 200 times over. */
    private interface Round {
        void run(WorkStealingPool pool, ExecutorService view, int k) throws Exception;
    }

    /** Runs {@code round} 200 times on one two-worker pool; a hang fails after {@link #HANG}. */
    private static void onTwoWorkers(Round round) {
        Assertions.assertTimeoutPreemptively(
                HANG,
                () -> {
                    try (WorkStealingPool pool =
                            WorkStealingPool.builder().parallelism(2).build()) {
                        ExecutorService view = pool.asExecutorService();
                        for (int i = 0; i < 200; i++) {
                            round.run(pool, view, i);
                        }
                    }
                });
    }

    @Test
    void completableFutureJoinInsideATaskOfThePool() {
        onTwoWorkers(
                (pool, view, k) -> {
                    TaskHandle<Integer> h =
                            pool.submit(() -> CompletableFuture.supplyAsync(() -> k, view).join());
                    assertThat(h.join()).isEqualTo(k);
                });
    }

    @Test
    void aViewTaskWaitingOnALatchThatItsOwnViewSubmissionOpens() {
        onTwoWorkers(
                (pool, view, k) -> {
                    Future<String> f =
                            view.submit(
                                    () -> {
                                        Latch open = new Latch(1);
                                        view.execute(open::countDown);
                                        open.await();
                                        return "opened";
                                    });
                    assertThat(f.get()).isEqualTo("opened");
                });
    }

    @Test
    void aViewSubmissionFromAWorkerGoesToItsDequeNotItsLifoSlot() throws Exception {
        try (WorkStealingPool pool = WorkStealingPool.builder().parallelism(1).build()) {
            ExecutorService view = pool.asExecutorService();
            TaskHandle<int[]> h =
                    pool.submit(
                            () -> {
                                Worker w = Worker.current();
                                view.execute(() -> {});
                                return new int[] {
                                    w.lifo.load(dev.braid.atomic.Ordering.RELAXED) == null ? 0 : 1,
                                    w.deque.size()
                                };
                            });
            assertThat(h.join()).containsExactly(0, 1);
        }
    }
}
