package dev.braid.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import org.junit.jupiter.api.Test;

/**
 * The {@code BlockingQueue} view misused (audit 7): {@code asBlockingQueue()} hands out a new view
 * per call, so {@code drainTo(itself)} also comes as a drain into another view of the same channel.
 * Each element taken went straight back in, and the drain ran until {@code maxElements} (for the
 * untimed form, 2^31 rounds: a hang). Every wait is bounded.
 */
class ChannelQueueMisuseTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @Test
    void drainingIntoAnotherViewOfTheSameChannelIsRefusedLikeDrainingIntoItself() {
        for (Channel<Integer> ch :
                java.util.List.of(
                        Channel.<Integer>unbounded(),
                        Channel.<Integer>bounded(4),
                        Channel.<Integer>conflated())) {
            ch.trySend(1);
            BlockingQueue<Integer> q = ch.asBlockingQueue();
            BlockingQueue<Integer> other = ch.asBlockingQueue();
            assertTimeoutPreemptively(
                    LIMIT,
                    () -> {
                        assertThatThrownBy(() -> q.drainTo(other))
                                .isInstanceOf(IllegalArgumentException.class)
                                .hasMessageContaining("c ")
                                .hasMessageContaining("same channel");
                        assertThatThrownBy(() -> q.drainTo(other, 3))
                                .isInstanceOf(IllegalArgumentException.class)
                                .hasMessageContaining("same channel");
                        assertThatThrownBy(() -> q.drainTo(q))
                                .isInstanceOf(IllegalArgumentException.class);
                    });
            assertThat(ch.len()).as("state unchanged").isEqualTo(1);
            assertThat(ch.tryRecvOrNull()).isEqualTo(1);
        }
    }

    /**
     * {@code AbstractQueue.addAll(this)} threw an {@code IllegalArgumentException} with no message.
     */
    @Test
    void addAllOfItselfNamesTheArgumentAndLeavesTheQueueUnchanged() {
        Channel<Integer> ch = Channel.unbounded();
        BlockingQueue<Integer> q = ch.asBlockingQueue();
        q.add(1);
        assertThatThrownBy(() -> q.addAll(q))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("c must not be this queue");
        assertThatThrownBy(() -> q.addAll(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("c");
        assertThat(ch.len()).isEqualTo(1);
        assertThat(q.addAll(java.util.List.of(2, 3))).isTrue();
        assertThat(ch.len()).isEqualTo(3);
    }

    @Test
    void drainingIntoAViewOfAnotherChannelStillWorks() {
        Channel<Integer> a = Channel.unbounded();
        Channel<Integer> b = Channel.unbounded();
        a.trySend(1);
        a.trySend(2);
        assertThat(a.asBlockingQueue().drainTo(b.asBlockingQueue())).isEqualTo(2);
        assertThat(b.len()).isEqualTo(2);
        assertThat(a.len()).isZero();
    }
}
