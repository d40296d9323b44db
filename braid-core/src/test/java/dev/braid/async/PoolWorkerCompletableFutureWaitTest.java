package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.braid.pool.WorkStealingPool;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * probe17: a task of a one-worker pool that waits with the untimed {@code join()} or {@code get()}
 * of {@code toCompletableFuture()} for a task of a {@link PoolExecutor} on that pool held the only
 * worker the awaited task needed: it waited for ever (both cases hit the time limit before), where
 * {@link TaskHandle#join()} there helps the pool (ADR 0138). The future's waits now help too.
 */
class PoolWorkerCompletableFutureWaitTest {
    @ParameterizedTest
    @ValueSource(strings = {"join", "get"})
    void aPoolTaskWaitingOnTheFutureOfATaskOfItsOwnPoolGetsTheValue(String how) {
        WorkStealingPool pool = WorkStealingPool.builder().parallelism(1).build();
        PoolExecutor ex = PoolExecutor.on("shared", pool);
        try {
            int v =
                    assertTimeoutPreemptively(
                            Duration.ofSeconds(30),
                            () ->
                                    pool.submit(
                                                    () -> {
                                                        var cf =
                                                                ex.spawn(
                                                                                "later",
                                                                                Async.yieldNow()
                                                                                        .map(
                                                                                                x ->
                                                                                                        5))
                                                                        .toCompletableFuture();
                                                        return how.equals("join")
                                                                ? cf.join()
                                                                : cf.get();
                                                    })
                                            .join());
            assertThat(v).isEqualTo(5);
        } finally {
            // after a failure the pool's only worker may still wait: do not let close hang CI
            Thread.ofPlatform()
                    .daemon(true)
                    .start(
                            () -> {
                                ex.close();
                                pool.close();
                            });
        }
    }
}
