package dev.braid.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The {@link ChannelFlow} adapters against the Reactive Streams rules they claim: §1.1 (never more
 * than requested), §1.3 (serial signals), §2.5 (a second subscription is cancelled), §2.13 (null
 * signals rejected), §3.9 (request(n &lt;= 0) signals IllegalArgumentException), completion and
 * failure on close, cancel without losing elements, and the subscriber's backpressure.
 */
class ChannelFlowTest {

    /** Records every signal, checks they never overlap, and lets the test drive requests. */
    static final class Probe<T> implements Flow.Subscriber<T> {
        final ConcurrentLinkedQueue<T> items = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        final AtomicInteger inSignal = new AtomicInteger();
        final AtomicInteger subscribed = new AtomicInteger();
        volatile Flow.Subscription subscription;
        volatile Throwable error;
        volatile boolean completed;
        volatile long requested;

        private void enter() {
            if (inSignal.incrementAndGet() != 1) {
                violations.add("overlapping signals (1.3)");
            }
            if (completed || error != null) {
                violations.add("signal after a terminal signal (1.7)");
            }
        }

        private void exit() {
            inSignal.decrementAndGet();
        }

        void request(long n) {
            if (n > 0) {
                requested = requested + n < 0 ? Long.MAX_VALUE : requested + n;
            }
            subscription.request(n);
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            enter();
            subscription = s;
            subscribed.incrementAndGet();
            exit();
        }

        @Override
        public void onNext(T item) {
            enter();
            items.add(item);
            if (items.size() > requested) {
                violations.add("more onNext than requested (1.1): " + items.size());
            }
            Thread.yield(); // widen the window for an overlapping signal
            exit();
        }

        @Override
        public void onError(Throwable t) {
            enter();
            error = t;
            exit();
        }

        @Override
        public void onComplete() {
            enter();
            completed = true;
            exit();
        }
    }

    private static <T> Probe<T> subscribe(Flow.Publisher<T> p) throws InterruptedException {
        Probe<T> probe = new Probe<>();
        p.subscribe(probe);
        ChannelContractTest.await(() -> probe.subscription != null, "onSubscribe");
        return probe;
    }

    @Test
    void neverDeliversMoreThanRequestedAndSignalsSerially() throws Exception {
        Channel<Integer> ch = Channel.unbounded();
        for (int i = 0; i < 100; i++) {
            ch.send(i);
        }
        Probe<Integer> probe = subscribe(ChannelFlow.publisher(ch.receiver()));
        Thread.sleep(20);
        assertThat(probe.items).isEmpty(); // no demand, nothing taken
        assertThat(ch.len()).isEqualTo(100);
        probe.request(3);
        ChannelContractTest.await(() -> probe.items.size() == 3, "three elements");
        Thread.sleep(20);
        assertThat(probe.items).containsExactly(0, 1, 2);
        assertThat(ch.len()).isEqualTo(97); // the publisher took exactly what was asked
        for (int i = 0; i < 20; i++) {
            probe.request(1); // concurrent demand while delivering
        }
        probe.request(7);
        ChannelContractTest.await(() -> probe.items.size() == 30, "thirty elements");
        Thread.sleep(20);
        assertThat(probe.items).hasSize(30);
        assertThat(probe.violations).isEmpty();
    }

    @Test
    void completesWhenClosedAndDrainedAndWaitsForElementsMeanwhile() throws Exception {
        Channel<Integer> ch = Channel.bounded(2);
        Probe<Integer> probe = subscribe(ChannelFlow.publisher(ch));
        probe.request(Long.MAX_VALUE);
        probe.request(Long.MAX_VALUE); // saturates, no overflow
        for (int i = 0; i < 50; i++) {
            ch.send(i); // the publisher waits on the empty channel between sends
        }
        ch.close();
        ChannelContractTest.await(() -> probe.completed, "onComplete");
        assertThat(new ArrayList<>(probe.items)).hasSize(50).isSorted();
        assertThat(probe.error).isNull();
        assertThat(probe.violations).isEmpty();
    }

    @Test
    void signalsTheCloseCauseAsOnError() throws Exception {
        Channel<Integer> ch = Channel.unbounded();
        ch.send(1);
        IllegalStateException boom = new IllegalStateException("boom");
        ch.close(boom);
        Probe<Integer> probe = subscribe(ChannelFlow.publisher(ch));
        probe.request(5);
        ChannelContractTest.await(() -> probe.error != null, "onError");
        assertThat(probe.items).containsExactly(1);
        assertThat(probe.error).isSameAs(boom);
        assertThat(probe.completed).isFalse();
    }

    @Test
    void requestOfZeroOrLessSignalsIllegalArgument() throws Exception {
        for (long bad : new long[] {0, -1, Long.MIN_VALUE}) {
            Channel<Integer> ch = Channel.unbounded();
            ch.send(1);
            Probe<Integer> probe = subscribe(ChannelFlow.publisher(ch));
            probe.request(bad);
            ChannelContractTest.await(() -> probe.error != null, "onError for " + bad);
            assertThat(probe.error)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("3.9");
            probe.request(1); // cancelled: no further signal
            Thread.sleep(10);
            assertThat(probe.items).isEmpty();
            assertThat(ch.len()).isEqualTo(1);
            assertThat(probe.violations).isEmpty();
        }
    }

    @Test
    void cancelStopsDeliveryAndLeavesTheRestInTheChannel() throws Exception {
        Channel<Integer> ch = Channel.unbounded();
        Probe<Integer> probe = subscribe(ChannelFlow.publisher(ch));
        probe.request(2);
        ch.send(1);
        ch.send(2);
        ChannelContractTest.await(() -> probe.items.size() == 2, "two elements");
        probe.request(10);
        ChannelContractTest.await(() -> ch.blockedReceivers() == 1, "the publisher waits");
        probe.subscription.cancel();
        probe.subscription.cancel(); // idempotent (3.5)
        ChannelContractTest.await(() -> ch.blockedReceivers() == 0, "the publisher leaves");
        for (int i = 3; i < 8; i++) {
            ch.send(i);
        }
        Thread.sleep(20);
        assertThat(probe.items).containsExactly(1, 2);
        assertThat(ch.len()).isEqualTo(5); // nothing lost
        assertThat(ch.tryRecv().orElseThrow()).isEqualTo(3);
    }

    @Test
    void subscribersCompeteForElementsEachGoesToExactlyOne() throws Exception {
        Channel<Integer> ch = Channel.bounded(4);
        Flow.Publisher<Integer> p = ChannelFlow.publisher(ch);
        Probe<Integer> a = subscribe(p);
        Probe<Integer> b = subscribe(p);
        a.request(Long.MAX_VALUE);
        b.request(Long.MAX_VALUE);
        for (int i = 0; i < 200; i++) {
            ch.send(i);
        }
        ch.close();
        ChannelContractTest.await(() -> a.completed && b.completed, "both complete");
        List<Integer> all = new ArrayList<>(a.items);
        all.addAll(b.items);
        assertThat(all).hasSize(200).doesNotHaveDuplicates();
    }

    @Test
    void nullSubscriberAndNullSignalsAreRejected() {
        Flow.Publisher<Integer> p = ChannelFlow.publisher(Channel.<Integer>unbounded());
        assertThatThrownBy(() -> p.subscribe(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("subscriber");
        Flow.Subscriber<Integer> s = ChannelFlow.subscriber(Channel.<Integer>unbounded(), 4);
        assertThatThrownBy(() -> s.onSubscribe(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> s.onNext(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> s.onError(null)).isInstanceOf(NullPointerException.class);
    }

    // ---- the subscriber ----

    /** A subscription that records requests and can push items by hand. */
    static final class ManualSubscription implements Flow.Subscription {
        final AtomicInteger requested = new AtomicInteger();
        final AtomicBoolean cancelled = new AtomicBoolean();

        @Override
        public void request(long n) {
            requested.addAndGet((int) n);
        }

        @Override
        public void cancel() {
            cancelled.set(true);
        }
    }

    @Test
    void subscriberRequestsOnlyAsTheChannelAcceptsAndClosesOnComplete() throws Exception {
        Channel<Integer> ch = Channel.bounded(2);
        Flow.Subscriber<Integer> s = ChannelFlow.subscriber(ch, 3);
        ManualSubscription sub = new ManualSubscription();
        s.onSubscribe(sub);
        assertThat(sub.requested.get()).isEqualTo(3);
        s.onNext(1);
        s.onNext(2);
        assertThat(sub.requested.get()).isEqualTo(5); // both accepted: replenished
        s.onNext(3); // the channel is full: held, on offer, no new request
        assertThat(sub.requested.get()).isEqualTo(5);
        assertThat(ch.blockedSenders()).isEqualTo(1);
        s.onComplete();
        assertThat(ch.isClosed()).isFalse(); // element 3 still to be sent
        assertThat(ch.recv()).isEqualTo(1); // makes room: the waker sends 3, then closes
        assertThat(ch.recv()).isEqualTo(2);
        assertThat(ch.recv()).isEqualTo(3);
        assertThat(ch.isClosed()).isTrue();
        assertThat(ch.tryRecv()).isInstanceOf(RecvResult.Closed.class);
        ManualSubscription second = new ManualSubscription();
        s.onSubscribe(second);
        assertThat(second.cancelled.get()).isTrue(); // 2.5
    }

    @Test
    void subscriberOnErrorClosesWithTheCauseAndAClosedChannelCancelsUpstream() {
        Channel<Integer> ch = Channel.unbounded();
        Flow.Subscriber<Integer> s = ChannelFlow.subscriber(ch, 1);
        s.onSubscribe(new ManualSubscription());
        s.onNext(1);
        RuntimeException boom = new RuntimeException("boom");
        s.onError(boom);
        assertThat(ch.tryRecv().orElseThrow()).isEqualTo(1);
        assertThat(ch.tryRecv())
                .isEqualTo(new RecvResult.Closed<Integer>(java.util.Optional.of(boom)));

        Channel<Integer> other = Channel.unbounded();
        Flow.Subscriber<Integer> s2 = ChannelFlow.subscriber(other, 2);
        ManualSubscription sub = new ManualSubscription();
        s2.onSubscribe(sub);
        other.close();
        s2.onNext(5);
        assertThat(sub.cancelled.get()).isTrue();
    }

    @Test
    void publisherToSubscriberPipelineThroughAJdkPublisher() throws Exception {
        Channel<Integer> ch = Channel.bounded(4);
        SubmissionPublisher<Integer> upstream = new SubmissionPublisher<>();
        {
            upstream.subscribe(ChannelFlow.subscriber(ch, 8));
            Probe<Integer> probe = subscribe(ChannelFlow.publisher(ch));
            probe.request(Long.MAX_VALUE);
            for (int i = 0; i < 500; i++) {
                upstream.submit(i);
            }
            upstream.close();
            ChannelContractTest.await(() -> probe.completed, "the pipeline completes");
            assertThat(new ArrayList<>(probe.items)).hasSize(500).isSorted();
            assertThat(probe.violations).isEmpty();
        }
    }
}
