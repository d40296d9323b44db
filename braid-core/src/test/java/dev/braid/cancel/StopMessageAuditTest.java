package dev.braid.cancel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.async.Async;
import dev.braid.async.LocalExecutor;
import dev.braid.async.ThreadedExecutor;
import dev.braid.channel.Channel;
import dev.braid.channel.Select;
import dev.braid.pool.WorkStealingPool;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * Audit 9: docs/cancellation.md says a wait that the ambient scope stops "names the operation, the
 * object, how long it waited and why". The channel, select, pool-join and async waits said only
 * "deadline exceeded (deadline passed 0.2 ms ago)"; the sync primitives and thread joins already
 * named themselves.
 */
class StopMessageAuditTest {
    private static final Duration SOON = Duration.ofMillis(5);

    private static void assertStopNames(CancelScope.Body<Object, Exception> wait, String... parts) {
        assertThatThrownBy(() -> CancelScope.withTimeout(SOON, wait))
                .isInstanceOf(DeadlineExceededException.class)
                .hasMessageContaining(" stopped after waiting ")
                .hasMessageContaining("deadline exceeded")
                .hasMessageContainingAll(parts);
    }

    @Test
    void channelWaitsNameTheOperationAndTheChannel() {
        Channel<Integer> full = Channel.<Integer>builder().name("jobs").bounded(1).build();
        assertThat(full.trySend(1).isSent()).isTrue();
        assertStopNames(
                () -> {
                    full.send(2);
                    return null;
                },
                "send of channel 'jobs'");
        Channel<Integer> empty = Channel.<Integer>builder().name("replies").bounded(1).build();
        assertStopNames(empty::recv, "receive of channel 'replies'");
        Channel<Integer> meet = Channel.<Integer>builder().name("meet").rendezvous().build();
        assertStopNames(meet::recv, "receive of channel 'meet'"); // the hand-off slot's wait
        assertStopNames(
                () -> Select.<Integer>biased().recv(empty, v -> v).run(),
                "select on [receive from channel 'replies'");
        assertThat(full.len()).isEqualTo(1);
        assertThat(full.blockedSenders() + empty.blockedReceivers()).isZero();
    }

    @Test
    void poolAndAsyncJoinsNameWhatTheyWaitedFor() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (WorkStealingPool pool = WorkStealingPool.builder().parallelism(1).build()) {
            var task =
                    pool.submit(
                            () -> {
                                release.await();
                                return null;
                            });
            try {
                assertStopNames(task::join, "join of TaskHandle");
            } finally {
                release.countDown(); // else close() waits for the task
            }
        }
        try (ThreadedExecutor ex = ThreadedExecutor.create("stop-message", 1)) {
            var never = ex.spawn("forever", Async.never());
            try {
                assertStopNames(never::join, "join of ", "forever");
            } finally {
                never.cancel();
            }
        }
        try (LocalExecutor local = LocalExecutor.create("local-stop")) {
            assertStopNames(
                    () -> local.blockOn(Async.never()), "blockOn of LocalExecutor[local-stop");
        }
        assertStopNames(() -> Async.await(Async.never()), "Async.await");
    }
}
