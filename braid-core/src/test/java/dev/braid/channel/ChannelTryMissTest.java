package dev.braid.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A non-blocking operation that misses (empty, full) or a timed one that times out returns a shared
 * constant, on every flavor: the miss path allocates no result object. {@code tryRecvOrNull} has no
 * result object at all (its allocation is measured by ChannelBurst's {@code braidOrNull} with
 * {@code -prof gc}: the module cannot read java.management here).
 */
class ChannelTryMissTest {

    static List<Channel<Integer>> flavors() {
        return List.of(
                Channel.rendezvous(),
                Channel.bounded(1),
                Channel.bounded(16),
                Channel.<Integer>builder().bounded(2, Overflow.DROP_OLDEST).build(),
                Channel.conflated(),
                Channel.unbounded());
    }

    @Test
    void aMissedReceiveReturnsTheSharedEmptyResult() {
        for (Channel<Integer> ch : flavors()) {
            RecvResult<Integer> first = ch.tryRecv();
            assertThat(first).as("%s", ch).isInstanceOf(RecvResult.Empty.class);
            assertThat(ch.tryRecv()).as("%s", ch).isSameAs(first);
        }
    }

    @Test
    void aTimedOutReceiveReturnsTheSharedTimedOutResult() throws InterruptedException {
        Channel<Integer> ch = Channel.bounded(4);
        RecvResult<Integer> first = ch.recv(Duration.ZERO);
        assertThat(first).isInstanceOf(RecvResult.TimedOut.class);
        assertThat(ch.recv(Duration.ofNanos(1))).isSameAs(first);
    }

    @Test
    void aMissedSendOnAFullChannelReturnsTheSharedFullResult() {
        Channel<Integer> ch = Channel.bounded(1);
        assertThat(ch.trySend(1).isSent()).isTrue();
        SendResult first = ch.trySend(2);
        assertThat(first).isInstanceOf(SendResult.Full.class);
        assertThat(ch.trySend(3)).isSameAs(first);
        assertThat(ch.tryRecv().orElseThrow()).isEqualTo(1);
    }

    @Test
    void tryRecvOrNullTakesWhatTryRecvWouldAndAnswersNullForEmptyAndForClosedAndDrained() {
        for (Channel<Integer> ch : flavors()) {
            assertThat(ch.tryRecvOrNull()).as("%s empty", ch).isNull();
            if (ch.capacity() == 0) {
                continue; // nothing can be buffered; the waker send path is the contract suite's
            }
            assertThat(ch.trySend(7).isSent()).isTrue();
            ch.close(new IllegalStateException("done"));
            assertThat(ch.receiver().tryRecvOrNull())
                    .as("%s buffered after close", ch)
                    .isEqualTo(7);
            assertThat(ch.isClosed()).isTrue();
            assertThat(ch.tryRecvOrNull()).as("%s closed and drained", ch).isNull();
            assertThat(ch.tryRecv()).isInstanceOf(RecvResult.Closed.class);
        }
    }
}
