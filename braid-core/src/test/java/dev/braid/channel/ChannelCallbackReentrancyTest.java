package dev.braid.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Wakers and the undelivered-element hook that use their own channel again (docs13):
 * docs/channels.md says a waker runs after the state change it reports is visible, on the thread
 * whose operation made it ready, and should only schedule work. These pin what a user who does more
 * relies on: no callback runs under the channel's lock, so a non-blocking operation or a close from
 * inside one completes, and sees the change; the outer operation's result is unchanged. (A callback
 * that <em>blocks</em> on its channel waits like any other thread: ADR 0136's self-waits.) Every
 * wait is bounded.
 */
class ChannelCallbackReentrancyTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @Test
    void aReceiveWakerThatClosesTheChannelLeavesTheSentElementToBeReceived() {
        Channel<Integer> ch = Channel.<Integer>builder().name("c").bounded(1).build();
        ch.registerRecv(ch::close);
        assertTimeoutPreemptively(LIMIT, () -> ch.send(1));
        assertThat(ch.isClosed()).isTrue();
        assertThat(ch.tryRecv()).isEqualTo(new RecvResult.Received<>(1));
        assertThat(ch.tryRecv()).isInstanceOf(RecvResult.Closed.class);
    }

    @Test
    void aReceiveWakerThatTakesTheElementGetsIt() {
        for (Channel<Integer> ch :
                List.of(Channel.<Integer>bounded(1), Channel.<Integer>unbounded())) {
            AtomicReference<RecvResult<Integer>> got = new AtomicReference<>();
            ch.registerRecv(() -> got.set(ch.tryRecv()));
            assertTimeoutPreemptively(LIMIT, () -> ch.send(7));
            assertThat(got.get()).as(ch.toString()).isEqualTo(new RecvResult.Received<>(7));
            assertThat(ch.len()).isZero();
        }
    }

    @Test
    void onARendezvousChannelAReceiveWakerTakesAPendingSendRegistrationsElement() {
        Channel<Integer> ch = Channel.rendezvous();
        AtomicReference<RecvResult<Integer>> got = new AtomicReference<>();
        ch.registerRecv(() -> got.set(ch.tryRecv()));
        SendRegistration offer = ch.registerSend(5, () -> {});
        assertThat(got.get()).isEqualTo(new RecvResult.Received<>(5));
        assertThat(offer.result()).isInstanceOf(SendResult.Sent.class);
    }

    @Test
    void aSendWakerThatSendsAgainFillsTheSlotItWasWokenFor() {
        Channel<Integer> ch = Channel.bounded(1);
        assertThat(ch.trySend(0)).isInstanceOf(SendResult.Sent.class);
        AtomicReference<SendResult> again = new AtomicReference<>();
        SendRegistration offer = ch.registerSend(5, () -> again.set(ch.trySend(6)));
        assertThat(ch.tryRecv()).isEqualTo(new RecvResult.Received<>(0)); // 5 moves in, wakes
        assertThat(offer.result()).isInstanceOf(SendResult.Sent.class);
        assertThat(again.get()).isInstanceOf(SendResult.Full.class); // 5 holds the only slot
        assertThat(ch.tryRecv()).isEqualTo(new RecvResult.Received<>(5));
        assertThat(ch.tryRecv()).isInstanceOf(RecvResult.Empty.class);
    }

    @Test
    void aSendWakerThatClosesTheChannelKeepsItsElementDelivered() {
        Channel<Integer> ch = Channel.rendezvous();
        SendRegistration offer = ch.registerSend(5, ch::close);
        assertThat(ch.tryRecv()).isEqualTo(new RecvResult.Received<>(5));
        assertThat(offer.result()).isInstanceOf(SendResult.Sent.class);
        assertThat(ch.isClosed()).isTrue();
    }

    @Test
    void anUndeliveredHookThatClosesOrSendsRunsOutsideTheLock() throws Exception {
        List<Integer> dropped = new ArrayList<>();
        AtomicReference<Channel<Integer>> self = new AtomicReference<>();
        Channel<Integer> oldest =
                Channel.<Integer>builder()
                        .bounded(1, Overflow.DROP_OLDEST)
                        .onUndelivered(
                                x -> {
                                    dropped.add(x);
                                    self.get().close();
                                })
                        .build();
        self.set(oldest);
        oldest.send(1);
        assertTimeoutPreemptively(LIMIT, () -> oldest.send(2)); // evicts 1, the hook closes
        assertThat(dropped).containsExactly(1);
        assertThat(oldest.tryRecv()).isEqualTo(new RecvResult.Received<>(2));
        assertThat(oldest.tryRecv()).isInstanceOf(RecvResult.Closed.class);

        AtomicReference<Channel<Integer>> conflatedRef = new AtomicReference<>();
        List<Integer> replaced = new ArrayList<>();
        Channel<Integer> conflated =
                Channel.<Integer>builder()
                        .conflated()
                        .onUndelivered(
                                x -> {
                                    replaced.add(x);
                                    if (x < 100) {
                                        conflatedRef.get().trySend(x + 100);
                                    }
                                })
                        .build();
        conflatedRef.set(conflated);
        conflated.send(1);
        assertTimeoutPreemptively(LIMIT, () -> conflated.send(2));
        // 2 replaced 1, whose hook sent 101 (replacing 2), whose hook sent 102 (replacing 101)
        assertThat(replaced).containsExactly(1, 2, 101);
        assertThat(conflated.tryRecv()).isEqualTo(new RecvResult.Received<>(102));
    }
}
