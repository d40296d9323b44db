package dev.braid.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A publisher whose subscriber has no demand left while elements are still buffered hears the
 * channel's end once it is closed and drained by others, as docs/channels.md promises ("also when
 * it has no demand left", Reactive Streams 1.4). Before probe15 its delivery thread parked waiting
 * for demand without watching the channel: a {@code cancel()} of the channel (which discards the
 * buffer), or a competing receiver that took the rest before a {@code close}, left the subscriber
 * without {@code onComplete} or {@code onError} for ever. Each test waits until the delivery thread
 * is parked (its state, read from the thread that ran {@code onNext}), so the bad order is forced.
 */
class ChannelFlowIdleCloseTest {

    /** A subscriber that requests one element and records the thread that delivered it. */
    private static Probe subscribeOne(Channel<Integer> ch) throws InterruptedException {
        Probe p = new Probe();
        ChannelFlow.publisher(ch).subscribe(p);
        ChannelContractTest.await(() -> p.deliverer.get() != null, "the first element");
        Thread t = p.deliverer.get();
        ChannelContractTest.await(
                () -> t.getState() == Thread.State.WAITING,
                "the delivery thread to wait for demand");
        return p;
    }

    /** The shared probe, with a first request of one and the delivering thread recorded. */
    private static final class Probe implements Flow.Subscriber<Integer> {
        final ChannelFlowTest.Probe<Integer> signals = new ChannelFlowTest.Probe<>();
        final AtomicReference<Thread> deliverer = new AtomicReference<>();

        @Override
        public void onSubscribe(Flow.Subscription s) {
            signals.onSubscribe(s);
            signals.request(1);
        }

        @Override
        public void onNext(Integer item) {
            signals.onNext(item);
            deliverer.compareAndSet(null, Thread.currentThread());
        }

        @Override
        public void onError(Throwable t) {
            signals.onError(t);
        }

        @Override
        public void onComplete() {
            signals.onComplete();
        }
    }

    @Test
    void cancellingTheChannelUnderAnIdleSubscriberCompletesIt() throws InterruptedException {
        Channel<Integer> ch = Channel.<Integer>builder().name("idle").bounded(4).build();
        ch.send(1);
        ch.send(2);
        ch.send(3);
        Probe p = subscribeOne(ch);
        ch.cancel(); // discards 2 and 3: closed and drained
        ChannelContractTest.await(
                () -> p.signals.completed, "onComplete after the channel's cancel");
        assertThat(p.signals.items).containsExactly(1);
        assertThat(p.signals.violations).isEmpty();
    }

    @Test
    void aCompetingReceiverThatDrainsBeforeCloseStillEndsTheStream() throws InterruptedException {
        Channel<Integer> ch = Channel.bounded(4);
        ch.send(1);
        ch.send(2);
        Probe p = subscribeOne(ch);
        assertThat(ch.tryRecvOrNull()).isEqualTo(2); // another receiver takes the rest
        IllegalStateException cause = new IllegalStateException("upstream failed");
        ch.close(cause);
        ChannelContractTest.await(() -> p.signals.error != null, "onError after the close");
        assertThat(p.signals.error).isSameAs(cause);
        assertThat(p.signals.items).containsExactly(1);
        assertThat(p.signals.violations).isEmpty();
    }

    @Test
    void aClosedChannelDrainedByAnotherReceiverEndsTheStream() throws InterruptedException {
        Channel<Integer> ch = Channel.bounded(4);
        ch.send(1);
        ch.send(2);
        Probe p = subscribeOne(ch);
        ch.close(); // 2 is left for demand
        Thread t = p.deliverer.get();
        ChannelContractTest.await(() -> t.getState() == Thread.State.WAITING, "it waits again");
        assertThat(ch.tryRecvOrNull()).isEqualTo(2);
        ChannelContractTest.await(() -> p.signals.completed, "onComplete once drained");
        assertThat(p.signals.items).containsExactly(1);
    }

    /** Pinned: while elements stay buffered, a close still waits for demand to deliver them. */
    @Test
    void aCloseWithElementsLeftStillWaitsForDemand() throws InterruptedException {
        Channel<Integer> ch = Channel.bounded(4);
        ch.send(1);
        ch.send(2);
        Probe p = subscribeOne(ch);
        ch.close();
        Thread t = p.deliverer.get();
        ChannelContractTest.await(() -> t.getState() == Thread.State.WAITING, "it waits again");
        assertThat(p.signals.completed).isFalse();
        p.signals.request(1);
        ChannelContractTest.await(() -> p.signals.completed, "onComplete after the last element");
        assertThat(p.signals.items).containsExactly(1, 2);
        assertThat(p.signals.violations).isEmpty();
    }
}
