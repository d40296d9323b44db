package dev.braid.channel;

import dev.braid.pool.WorkStealingPool;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Flow;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowPublisherVerification;
import org.reactivestreams.tck.flow.FlowSubscriberBlackboxVerification;
import org.testng.annotations.AfterClass;

/**
 * The Reactive Streams TCK (1.0.4, {@code Flow} flavour) set up for {@link ChannelFlow}'s adapters.
 * These are TestNG classes; {@link ChannelFlowTckTest} runs them from JUnit and judges every
 * result.
 */
final class ChannelFlowTck {
    private ChannelFlowTck() {}

    /**
     * Waits: a signal the TCK expects may take up to 30 s (a hang guard: a loaded 2-CPU machine
     * schedules the publisher's virtual thread late, and an expected signal ends the wait); "no
     * further signal" is checked for 100 ms.
     */
    static TestEnvironment environment() {
        return new TestEnvironment(30_000, 100, 50);
    }

    /** Largest stream a publisher holds in advance; longer ones are fed by a producer thread. */
    private static final long PREFILLED = 1_024;

    /**
     * {@link ChannelFlow#publisher}: a channel that holds exactly {@code elements} elements then
     * ends. Up to {@link #PREFILLED} they are sent up front and the channel is closed; a longer
     * stream comes from a producer thread through a bounded channel (it gives up, and cancels the
     * channel, once nobody has received for 10 s).
     */
    public static class PublisherTck extends FlowPublisherVerification<Integer> {
        public PublisherTck() {
            super(environment(), 5_000);
        }

        @Override
        public Flow.Publisher<Integer> createFlowPublisher(long elements) {
            if (elements <= PREFILLED) {
                Channel<Integer> ch = Channel.unbounded();
                for (int i = 0; i < elements; i++) {
                    ch.trySend(i);
                }
                ch.close();
                return ChannelFlow.publisher(ch);
            }
            Channel<Integer> ch = Channel.bounded(16);
            Thread.ofVirtual()
                    .name("tck-producer")
                    .start(
                            () -> {
                                try {
                                    for (long i = 0; i < elements; i++) {
                                        if (!ch.send((int) i, Duration.ofSeconds(10)).isSent()) {
                                            ch.cancel(); // timed out (or closed): nobody receives
                                            return;
                                        }
                                    }
                                    ch.close();
                                } catch (InterruptedException e) {
                                    ch.cancel();
                                }
                            });
            return ChannelFlow.publisher(ch.receiver());
        }

        @Override
        public Flow.Publisher<Integer> createFailedFlowPublisher() {
            Channel<Integer> ch = Channel.unbounded();
            ch.close(new IllegalStateException("a failed publisher (TCK)"));
            return ChannelFlow.publisher(ch);
        }
    }

    /**
     * {@link ChannelFlow#subscriber}: feeds a channel with room for everything the TCK sends (batch
     * 4). The TCK's helper publisher runs on braid's pool through its {@code ExecutorService} view.
     */
    public static class SubscriberTck extends FlowSubscriberBlackboxVerification<Integer> {
        private final WorkStealingPool pool = WorkStealingPool.builder().parallelism(2).build();

        public SubscriberTck() {
            super(environment());
        }

        @Override
        public Flow.Subscriber<Integer> createFlowSubscriber() {
            return ChannelFlow.subscriber(Channel.<Integer>unbounded(), 4);
        }

        @Override
        public Integer createElement(int element) {
            return element;
        }

        @Override
        public ExecutorService publisherExecutorService() {
            return pool.asExecutorService();
        }

        /** Closes the pool once the class's tests are done. */
        @AfterClass
        public void closePool() {
            pool.close();
        }
    }
}
