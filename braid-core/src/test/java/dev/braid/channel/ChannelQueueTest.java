package dev.braid.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.collect.testing.QueueTestSuiteBuilder;
import com.google.common.collect.testing.TestStringQueueGenerator;
import com.google.common.collect.testing.features.CollectionFeature;
import com.google.common.collect.testing.features.CollectionSize;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import junit.framework.TestCase;
import junit.framework.TestSuite;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@link BlockingQueue} view: Guava testlib's {@code Queue} suite (every general-purpose
 * feature, known order, no suppressed test) over an unbounded and a bounded channel, and the
 * blocking methods' contract over every flavor.
 */
class ChannelQueueTest {

    private static TestSuite guavaSuite(String name, IntFunction<Channel<String>> make) {
        return QueueTestSuiteBuilder.using(
                        new TestStringQueueGenerator() {
                            @Override
                            protected Queue<String> create(String[] elements) {
                                Queue<String> q = make.apply(elements.length).asBlockingQueue();
                                Collections.addAll(q, elements);
                                return q;
                            }
                        })
                .named(name)
                .withFeatures(
                        CollectionFeature.GENERAL_PURPOSE,
                        CollectionFeature.KNOWN_ORDER,
                        CollectionSize.ANY)
                .createTestSuite();
    }

    private static void flatten(junit.framework.Test t, List<DynamicTest> out) {
        if (t instanceof TestSuite s) {
            for (int i = 0; i < s.testCount(); i++) {
                flatten(s.testAt(i), out);
            }
        } else if (t instanceof TestCase c) {
            out.add(DynamicTest.dynamicTest(c.toString(), c::runBare));
        } else {
            throw new AssertionError("unexpected test " + t);
        }
    }

    @TestFactory
    Stream<DynamicTest> guavaQueueSuite() {
        List<DynamicTest> out = new ArrayList<>();
        flatten(guavaSuite("unbounded", n -> Channel.unbounded()), out);
        flatten(guavaSuite("bounded[100]", n -> Channel.bounded(100)), out);
        flatten(guavaSuite("bounded[16]", n -> Channel.bounded(16)), out);
        assertThat(out).hasSizeGreaterThan(200);
        return out.stream();
    }

    // ---- the blocking contract, over every flavor ----

    static List<Flavor> flavors() {
        return Flavor.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("flavors")
    void offerPollFollowTrySendTryRecv(Flavor f) throws Exception {
        Channel<Integer> ch = f.<Integer>make().ch();
        BlockingQueue<Integer> q = ch.asBlockingQueue();
        int room = f.capacity() == Flavor.UNBOUNDED ? 50 : f.room();
        for (int i = 0; i < room; i++) {
            assertThat(q.offer(i)).isTrue();
        }
        assertThat(q.size()).isEqualTo(room);
        if (f.canBeFull()) {
            assertThat(q.remainingCapacity()).isZero();
            assertThat(q.offer(-1)).isFalse();
            assertThat(q.offer(-1, 1, TimeUnit.MILLISECONDS)).isFalse();
            assertThat(q.offer(-1, -5, TimeUnit.SECONDS)).isFalse();
            assertThatThrownBy(() -> q.add(-1))
                    .isInstanceOf(IllegalStateException.class)
                    .isNotInstanceOf(ChannelClosedException.class)
                    .hasMessageContaining("full");
        }
        if (f.capacity() == Flavor.UNBOUNDED) {
            assertThat(q.remainingCapacity()).isEqualTo(Integer.MAX_VALUE);
        }
        for (int i = 0; i < room; i++) {
            assertThat(q.peek()).isEqualTo(i);
            assertThat(q.poll()).isEqualTo(i);
        }
        assertThat(q.poll()).isNull();
        assertThat(q.peek()).isNull();
        assertThat(q.poll(1, TimeUnit.MILLISECONDS)).isNull();
        assertThat(q.poll(0, TimeUnit.SECONDS)).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("flavors")
    void putAndTakeHandOverAcrossThreads(Flavor f) throws Exception {
        Channel<Integer> ch = f.<Integer>make().ch();
        BlockingQueue<Integer> q = ch.asBlockingQueue();
        int n = 200;
        JoinHandle<Void> producer =
                Threads.spawn(
                        () -> {
                            for (int i = 0; i < n; i++) {
                                q.put(i);
                            }
                            ch.close();
                            return null;
                        });
        List<Integer> got = new ArrayList<>();
        try {
            while (true) {
                got.add(q.take());
            }
        } catch (ChannelClosedException closed) {
            assertThat(closed).hasMessageContaining("closed");
        }
        producer.join();
        if (f.drops()) {
            assertThat(got).isSorted().isNotEmpty();
        } else {
            assertThat(got).hasSize(n).isSorted();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("flavors")
    void closedChannelMapping(Flavor f) throws Exception {
        Channel<Integer> ch = f.<Integer>make().ch();
        BlockingQueue<Integer> q = ch.asBlockingQueue();
        boolean buffered = f.room() > 0 && q.offer(7);
        ch.close();
        assertThat(q.offer(1)).isFalse();
        assertThat(q.offer(1, 1, TimeUnit.SECONDS)).isFalse();
        assertThatThrownBy(() -> q.add(1)).isInstanceOf(ChannelClosedException.class);
        assertThatThrownBy(() -> q.put(1)).isInstanceOf(ChannelClosedException.class);
        if (buffered) {
            assertThat(q.take()).isEqualTo(7); // close = done: the buffer still drains
        }
        assertThat(q.poll()).isNull();
        assertThat(q.poll(1, TimeUnit.SECONDS)).isNull();
        assertThatThrownBy(q::take).isInstanceOf(ChannelClosedException.class);
    }

    @Test
    void takeWaitsThenIsInterruptibleWithoutTakingAnything() throws Exception {
        Channel<Integer> ch = Channel.bounded(1);
        BlockingQueue<Integer> q = ch.asBlockingQueue();
        JoinHandle<Integer> taker = Threads.spawn(q::take);
        ChannelContractTest.await(() -> ch.blockedReceivers() == 1, "the taker waits");
        taker.thread().interrupt();
        assertThatThrownBy(taker::join).hasRootCauseInstanceOf(InterruptedException.class);
        assertThat(q.offer(5)).isTrue();
        assertThat(q.poll()).isEqualTo(5);
    }

    @Test
    void putWaitsForRoomAndRemoveFreesASlotForTheWaitingSender() throws Exception {
        Channel<Integer> ch = Channel.bounded(2);
        BlockingQueue<Integer> q = ch.asBlockingQueue();
        q.put(1);
        q.put(2);
        JoinHandle<Void> putter =
                Threads.spawn(
                        () -> {
                            q.put(3);
                            return null;
                        });
        ChannelContractTest.await(() -> ch.blockedSenders() == 1, "the putter waits");
        assertThat(q.contains(3)).isFalse(); // not buffered yet
        assertThat(q.remove(1)).isTrue();
        putter.join();
        assertThat(q).containsExactly(2, 3);
        assertThat(q.remainingCapacity()).isZero();
    }

    @Test
    void drainToTakesAtMostMaxAndRejectsItself() {
        BlockingQueue<Integer> q = Channel.<Integer>unbounded().asBlockingQueue();
        for (int i = 0; i < 10; i++) {
            q.add(i);
        }
        List<Integer> sink = new ArrayList<>();
        assertThat(q.drainTo(sink, 3)).isEqualTo(3);
        assertThat(q.drainTo(sink, 0)).isZero();
        assertThat(q.drainTo(sink)).isEqualTo(7);
        assertThat(sink).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThatThrownBy(() -> q.drainTo(q))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("c");
        assertThatThrownBy(() -> q.drainTo(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void peekOnRendezvousShowsTheWaitingSendersElement() throws Exception {
        Channel<Integer> ch = Channel.rendezvous();
        BlockingQueue<Integer> q = ch.asBlockingQueue();
        assertThat(q.remainingCapacity()).isZero();
        JoinHandle<Void> putter =
                Threads.spawn(
                        () -> {
                            q.put(9);
                            return null;
                        });
        ChannelContractTest.await(() -> ch.blockedSenders() == 1, "the putter waits");
        assertThat(q.peek()).isEqualTo(9);
        assertThat(q.size()).isZero();
        assertThat(q.poll()).isEqualTo(9);
        putter.join();
    }
}
