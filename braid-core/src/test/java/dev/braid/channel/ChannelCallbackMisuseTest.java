package dev.braid.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A registration's waker or the undelivered-element hook that throws (audit 7). Before, the
 * exception propagated to the thread whose operation called it, after the channel's state changed:
 * a receive that took an element then threw (the element was lost: neither received nor given to
 * the hook), and a send whose element was accepted threw (the caller, told nothing was sent, sends
 * it again: a duplicate). Now the operation completes as usual and the callback's exception goes to
 * the calling thread's uncaught-exception handler (ADR 0105). Nothing here blocks: the calls run on
 * the test thread, whose handler the test captures.
 */
class ChannelCallbackMisuseTest {
    private final List<Throwable> reported = new CopyOnWriteArrayList<>();
    private Thread.UncaughtExceptionHandler saved;

    @BeforeEach
    void captureReports() {
        saved = Thread.currentThread().getUncaughtExceptionHandler();
        Thread.currentThread().setUncaughtExceptionHandler((t, e) -> reported.add(e));
    }

    @AfterEach
    void restore() {
        Thread.currentThread().setUncaughtExceptionHandler(saved);
    }

    private static ChannelWaker boom(String what) {
        return () -> {
            throw new IllegalStateException(what);
        };
    }

    @Test
    void aReceiveThatWakesAThrowingSenderStillReturnsTheElementItTook() throws Exception {
        Channel<Integer> rv = Channel.rendezvous();
        SendRegistration offer = rv.registerSend(1, boom("sender's waker"));
        assertThat(rv.tryRecv()).isEqualTo(new RecvResult.Received<>(1));
        assertThat(offer.isDone()).isTrue();

        Channel<Integer> full = Channel.bounded(1);
        full.trySend(100);
        SendRegistration waiting = full.registerSend(2, boom("sender's waker"));
        assertThat(full.tryRecv()).isEqualTo(new RecvResult.Received<>(100));
        assertThat(waiting.result()).isEqualTo(new SendResult.Sent());
        assertThat(full.tryRecv()).isEqualTo(new RecvResult.Received<>(2));
        assertThat(reported).hasSize(2).allSatisfy(e -> assertThat(e).hasMessage("sender's waker"));
    }

    @Test
    void aSendThatWakesAThrowingReceiverReportsSentAndTheElementIsThere() throws Exception {
        Channel<Integer> ch = Channel.bounded(2);
        RecvRegistration reg = ch.registerRecv(boom("receiver's waker"));
        assertThat(ch.trySend(7)).isEqualTo(new SendResult.Sent());
        assertThat(reg.isReady()).isTrue();
        assertThat(ch.tryRecv()).isEqualTo(new RecvResult.Received<>(7));
        assertThat(reported)
                .singleElement()
                .satisfies(e -> assertThat(e).hasMessage("receiver's waker"));
    }

    @Test
    void aThrowingUndeliveredHookDoesNotMakeAnAcceptedSendLookRefused() throws Exception {
        List<Integer> seen = new CopyOnWriteArrayList<>();
        Channel<Integer> latest =
                Channel.<Integer>builder()
                        .conflated()
                        .onUndelivered(
                                x -> {
                                    seen.add(x);
                                    throw new IllegalStateException("hook " + x);
                                })
                        .build();
        assertThat(latest.trySend(1)).isEqualTo(new SendResult.Sent());
        assertThat(latest.trySend(2)).isEqualTo(new SendResult.Sent()); // evicts 1
        assertThat(latest.trySend(3)).isEqualTo(new SendResult.Sent()); // evicts 2
        assertThat(latest.cancel()).isTrue(); // discards 3
        assertThat(seen).containsExactly(1, 2, 3);
        assertThat(reported)
                .extracting(Throwable::getMessage)
                .containsExactly("hook 1", "hook 2", "hook 3");
    }

    @Test
    void closeStillWakesEveryoneAndReturnsWhenAWakerThrows() throws Exception {
        Channel<Integer> ch = Channel.bounded(1);
        RecvRegistration first = ch.registerRecv(boom("first"));
        RecvRegistration second = ch.registerRecv(() -> {});
        assertThat(ch.close()).isTrue();
        assertThat(first.isReady()).isTrue();
        assertThat(second.isReady()).isTrue();
        assertThat(reported).singleElement().satisfies(e -> assertThat(e).hasMessage("first"));
    }
}
