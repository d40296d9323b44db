package dev.braid.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

/**
 * Reactive Streams rules for {@link ChannelFlow}'s subscriber that the TCK lists as untested
 * ({@code untested_spec204}) and so {@link ChannelFlowTckTest} cannot catch (audit 8), and a
 * publisher that breaks §1.9 (accept11).
 */
class ChannelFlowContractTest {

    /** A subscription that records every call made on it. */
    private static final class Recording implements Flow.Subscription {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public void request(long n) {
            calls.add("request(" + n + ")");
        }

        @Override
        public void cancel() {
            calls.add("cancel");
        }
    }

    /**
     * §2.4: after onComplete the subscriber considers its subscription cancelled, and §2.3: it
     * makes no call on it from onComplete. Here an element is still on offer (the channel is full)
     * when onComplete comes; then the channel is closed by someone else, so that element can never
     * be sent. The subscriber used to cancel the subscription at that point: a call after the
     * terminal signal, and one made inside onComplete whenever the close's wake-up lost the race to
     * onComplete's own drain.
     */
    @Test
    void noCallOnTheSubscriptionAfterOnComplete() {
        Channel<Integer> ch = Channel.bounded(1);
        Flow.Subscriber<Integer> sub = ChannelFlow.subscriber(ch, 2);
        Recording s = new Recording();
        sub.onSubscribe(s);
        sub.onNext(1); // buffered: one more requested
        sub.onNext(2); // the channel is full: on offer
        assertThat(s.calls).containsExactly("request(2)", "request(1)");
        sub.onComplete();
        assertThat(ch.isClosed()).as("closes only after the held element is sent").isFalse();
        ch.close(); // someone else closes: element 2 is never accepted
        assertThat(s.calls).containsExactly("request(2)", "request(1)");
        assertThat(ch.tryRecvOrNull()).isEqualTo(1);
        assertThat(ch.tryRecvOrNull()).isNull();
    }

    /** The same for onError (§2.3, §2.4). */
    @Test
    void noCallOnTheSubscriptionAfterOnError() {
        Channel<Integer> ch = Channel.bounded(1);
        Flow.Subscriber<Integer> sub = ChannelFlow.subscriber(ch, 2);
        Recording s = new Recording();
        sub.onSubscribe(s);
        sub.onNext(1);
        sub.onNext(2);
        sub.onError(new IllegalStateException("upstream failed"));
        ch.close();
        assertThat(s.calls).containsExactly("request(2)", "request(1)");
    }

    /** Still cancels when the channel is closed under it before any terminal signal (2.6). */
    @Test
    void cancelsWhenTheChannelClosesBeforeTheEnd() {
        Channel<Integer> ch = Channel.bounded(1);
        Flow.Subscriber<Integer> sub = ChannelFlow.subscriber(ch, 2);
        Recording s = new Recording();
        sub.onSubscribe(s);
        sub.onNext(1);
        sub.onNext(2);
        ch.close();
        assertThat(s.calls).containsExactly("request(2)", "request(1)", "cancel");
    }

    /**
     * §1.9: a publisher signals onSubscribe before anything else. One that calls onNext first used
     * to get a bare NullPointerException about a private field, after the element had already gone
     * into the channel; now it is refused with the rule and the way out, and the channel is as
     * before.
     */
    @Test
    void onNextBeforeOnSubscribeIsRefusedAndTheChannelIsUntouched() {
        Channel<Integer> ch = Channel.<Integer>builder().name("sink").bounded(2).build();
        Flow.Subscriber<Integer> sub = ChannelFlow.subscriber(ch, 2);
        assertThatThrownBy(() -> sub.onNext(1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("onNext before onSubscribe")
                .hasMessageContaining("1.9");
        assertThat(ch.len()).isZero();
        Recording s = new Recording();
        sub.onSubscribe(s); // the subscriber still works once subscribed
        sub.onNext(2);
        assertThat(ch.tryRecv()).isEqualTo(new RecvResult.Received<>(2));
        assertThat(s.calls).containsExactly("request(2)", "request(1)");
    }
}
