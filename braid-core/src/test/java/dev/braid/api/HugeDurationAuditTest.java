package dev.braid.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.braid.async.Async;
import dev.braid.async.LocalExecutor;
import dev.braid.async.Timed;
import dev.braid.channel.Channel;
import dev.braid.channel.RecvResult;
import dev.braid.channel.Select;
import dev.braid.channel.SendResult;
import dev.braid.pool.TaskHandle;
import dev.braid.pool.WorkStealingPool;
import dev.braid.thread.JoinOutcome;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The other end of ADR 0039's table, for the channel, pool and async timed methods (the audit): a
 * huge timeout ({@code Duration.ofSeconds(Long.MAX_VALUE)}, {@code Long.MAX_VALUE} days) must not
 * overflow into "already expired" or an {@link ArithmeticException}; with the outcome ready it
 * returns it at once, as with a modest timeout.
 */
class HugeDurationAuditTest {
    private static final Duration HUGE = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @Test
    void channelsAndSelectTakeAHugeTimeout() {
        assertTimeoutPreemptively(
                LIMIT,
                () -> {
                    Channel<Integer> ch = Channel.bounded(1);
                    assertThat(ch.send(1, HUGE)).isInstanceOf(SendResult.Sent.class);
                    assertThat(ch.recv(HUGE)).isEqualTo(new RecvResult.Received<>(1));
                    ch.send(2);
                    assertThat(
                                    Select.<String>biased()
                                            .recv(ch, v -> "got " + v)
                                            .timeout(HUGE, () -> "timed out")
                                            .run())
                            .isEqualTo("got 2");
                    ch.send(3);
                    assertThat(ch.asBlockingQueue().poll(Long.MAX_VALUE, TimeUnit.DAYS))
                            .isEqualTo(3);
                    assertThat(ch.asBlockingQueue().offer(4, Long.MAX_VALUE, TimeUnit.DAYS))
                            .isTrue();
                });
    }

    @Test
    void poolJoinsAndTerminationTakeAHugeTimeout() {
        assertTimeoutPreemptively(
                LIMIT,
                () -> {
                    WorkStealingPool pool = WorkStealingPool.builder().parallelism(1).build();
                    TaskHandle<Integer> h = pool.submit(() -> 5);
                    assertThat(h.join(HUGE)).isEqualTo(new JoinOutcome.Finished<>(5));
                    assertThat(h.get(Long.MAX_VALUE, TimeUnit.DAYS)).isEqualTo(5);
                    pool.shutdown();
                    assertThat(pool.awaitTermination(HUGE)).isTrue();
                    assertThat(
                                    pool.asExecutorService()
                                            .awaitTermination(Long.MAX_VALUE, TimeUnit.DAYS))
                            .isTrue();
                });
    }

    @Test
    void asyncTimeoutsAndSleepsTakeAHugeDuration() {
        assertTimeoutPreemptively(
                LIMIT,
                () -> {
                    try (LocalExecutor ex = LocalExecutor.create("huge")) {
                        assertThat(ex.blockOn(Async.ready(1).timeout(HUGE)))
                                .isEqualTo(new Timed.Done<>(1));
                        assertThat(
                                        ex.blockOn(
                                                Async.race(
                                                        List.of(
                                                                Async.sleep(HUGE).map(v -> 0),
                                                                Async.ready(2)))))
                                .as("a huge sleep loses the race and is dropped")
                                .isEqualTo(2);
                        var h = ex.spawn(Async.ready(3));
                        ex.blockOn(h);
                        assertThat(h.join(HUGE)).isEqualTo(new JoinOutcome.Finished<>(3));
                    }
                });
    }
}
