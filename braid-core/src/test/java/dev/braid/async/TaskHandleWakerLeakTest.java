package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.DeadlineExceededException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A future that polled a long-lived task's handle and was then dropped (a race or select loser, a
 * timeout, an {@code Async.await} stopped by its scope) leaves no waker behind for good (probe14).
 * Before, each left one in the task's waker array until the task finished: 10^5 lost races kept 141
 * B each, and every registration copied the whole array (10^5 timeouts did not finish in a minute).
 */
class TaskHandleWakerLeakTest {
    @Test
    void losersAndStoppedAwaitsDoNotAccumulateOnALongLivedTask() {
        assertTimeoutPreemptively(
                Duration.ofSeconds(30),
                () -> {
                    CompletableFuture<Integer> gate = new CompletableFuture<>();
                    try (ThreadedExecutor ex = ThreadedExecutor.create("long", 1)) {
                        TaskHandle<Integer> longLived = ex.spawn(Async.fromStage(gate));
                        TaskHandle<Integer> follower = ex.spawn(longLived.map(v -> v + 1));
                        LocalExecutor local = LocalExecutor.create("loop");
                        for (int i = 0; i < 2_000; i++) {
                            int won =
                                    local.blockOn(
                                            Async.race(
                                                    List.of(
                                                            Async.yieldNow().map(v -> 1),
                                                            longLived.map(v -> 2))));
                            assertThat(won).isEqualTo(1);
                            assertThat(local.blockOn(longLived.timeout(Duration.ZERO)))
                                    .isInstanceOf(Timed.Elapsed.class);
                        }
                        for (int i = 0; i < 50; i++) {
                            assertThatThrownBy(
                                            () ->
                                                    CancelScope.withTimeout(
                                                            Duration.ofMillis(1),
                                                            () -> Async.await(longLived)))
                                    .isInstanceOf(DeadlineExceededException.class);
                        }
                        // the follower's waker is live and kept; the expired ones were dropped
                        assertThat(longLived.registeredWakers()).isLessThanOrEqualTo(3);
                        gate.complete(41);
                        assertThat(follower.join()).isEqualTo(42);
                    }
                });
    }
}
