package dev.braid.channel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Go's channel semantics as a peer suite: each test rewrites, from its description, a behaviour
 * that Go's {@code runtime/chan_test.go} or {@code runtime/select}-related tests check, and names
 * the Go test it follows. Where Go and braid differ by design (Go allows duplicate select cases;
 * braid rejects them), the test says so.
 */
class GoPeerTest {
    static final int[] CAPS = {0, 1, 2, 5, 16};

    private static Channel<Integer> make(int cap) {
        return Channel.bounded(cap);
    }

    /** Follows Go's {@code TestChan}: blocking, non-blocking, close and FIFO for many caps. */
    @Test
    void testChan() throws Exception {
        for (int cap : CAPS) {
            // Receive from an empty channel blocks; a non-blocking receive fails.
            Channel<Integer> c = make(cap);
            AtomicInteger got = new AtomicInteger(-1);
            JoinHandle<Void> rx =
                    Threads.spawn(
                            () -> {
                                got.set(c.recv());
                                return null;
                            });
            Thread.sleep(5);
            assertThat(got.get())
                    .as("receive from empty chan must block, cap %d", cap)
                    .isEqualTo(-1);
            assertThat(c.tryRecv()).isInstanceOf(RecvResult.Empty.class);
            c.send(0);
            rx.join();
            assertThat(got.get()).isZero();
            // Send to a full channel blocks; a non-blocking send fails.
            for (int i = 0; i < cap; i++) {
                c.send(i);
            }
            AtomicInteger sent = new AtomicInteger();
            JoinHandle<Void> tx =
                    Threads.spawn(
                            () -> {
                                c.send(99);
                                sent.set(1);
                                return null;
                            });
            Thread.sleep(5);
            assertThat(sent.get()).as("send to full chan must block, cap %d", cap).isZero();
            assertThat(c.trySend(98)).isInstanceOf(SendResult.Full.class);
            for (int i = 0; i < cap; i++) {
                assertThat(c.recv()).as("FIFO, cap %d", cap).isEqualTo(i);
            }
            assertThat(c.recv()).isEqualTo(99);
            tx.join();
            // Close wakes blocked receivers; receive from a closed channel reports closed.
            Channel<Integer> d = make(cap);
            List<JoinHandle<RecvResult<Integer>>> rxs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                rxs.add(Threads.spawn(() -> d.recv(Duration.ofSeconds(30))));
            }
            ChannelContractTest.await(() -> d.blockedReceivers() == 3, "3 receivers wait");
            d.close();
            for (JoinHandle<RecvResult<Integer>> r : rxs) {
                assertThat(r.join()).isInstanceOf(RecvResult.Closed.class);
            }
            // Close wakes blocked senders (Go panics in them; braid reports closed).
            Channel<Integer> e = make(cap);
            for (int i = 0; i < cap; i++) {
                e.send(i);
            }
            JoinHandle<SendResult> blocked = Threads.spawn(() -> e.send(7, Duration.ofSeconds(30)));
            ChannelContractTest.await(() -> e.blockedSenders() == 1, "the sender waits");
            e.close();
            assertThat(blocked.join()).isInstanceOf(SendResult.Closed.class);
            assertThat(e.len()).isEqualTo(cap);
            assertThat(e.capacity()).isEqualTo(cap);
        }
    }

    /**
     * Follows Go's {@code TestNonblockRecvRace}: a non-blocking receive racing a close must still
     * see the buffered element.
     */
    @Test
    void testNonblockRecvRace() throws Exception {
        for (int i = 0; i < 500; i++) {
            Channel<Integer> c = make(1);
            c.send(1);
            JoinHandle<RecvResult<Integer>> rx = Threads.spawn(c::tryRecv);
            c.close();
            assertThat(rx.join()).as("chan is not ready").isEqualTo(new RecvResult.Received<>(1));
        }
    }

    /**
     * Follows Go's {@code TestNonblockSelectRace}: a select with a default over a ready channel and
     * a channel being closed must never take the default.
     */
    @Test
    void testNonblockSelectRace() throws Exception {
        for (int i = 0; i < 500; i++) {
            Channel<Integer> c1 = make(1);
            Channel<Integer> c2 = make(1);
            c1.send(1);
            JoinHandle<String> sel =
                    Threads.spawn(
                            () ->
                                    Select.<String>biased()
                                            .recvOrClosed(c1, r -> "c1")
                                            .recvOrClosed(c2, r -> "c2")
                                            .orElse(() -> "default")
                                            .run());
            c2.close();
            c1.tryRecv();
            assertThat(sel.join()).isNotEqualTo("default");
        }
    }

    /**
     * Follows Go's {@code TestSelfSelect}: goroutines that select both sending to and receiving
     * from the same channel must never receive their own value.
     */
    @Test
    void testSelfSelect() throws Exception {
        for (int cap : new int[] {0, 10}) {
            Channel<Integer> c = make(cap);
            AtomicInteger selfReceives = new AtomicInteger();
            List<JoinHandle<Void>> hs = new ArrayList<>();
            for (int p = 0; p < 2; p++) {
                int me = p;
                hs.add(
                        Threads.spawn(
                                () -> {
                                    for (int i = 0; i < 1000; i++) {
                                        Select.<Void>fair()
                                                .send(c, me, () -> null)
                                                .recv(
                                                        c,
                                                        v -> {
                                                            if (cap == 0 && v == me) {
                                                                selfReceives.incrementAndGet();
                                                            }
                                                            return null;
                                                        })
                                                .run();
                                    }
                                    return null;
                                }));
            }
            for (JoinHandle<Void> h : hs) {
                h.join();
            }
            assertThat(selfReceives.get()).as("self receive").isZero();
        }
    }

    /**
     * Follows Go's {@code TestSelectStress}: four channels of mixed capacity, senders and receivers
     * each going through selects; every value arrives exactly once.
     */
    @Test
    void testSelectStress() throws Exception {
        List<Channel<Integer>> c = List.of(make(0), make(1), make(2), make(3));
        int n = 2000;
        AtomicLong sum = new AtomicLong();
        AtomicInteger count = new AtomicInteger();
        List<JoinHandle<Void>> hs = new ArrayList<>();
        // Plain senders on each channel.
        for (int k = 0; k < 4; k++) {
            Channel<Integer> ch = c.get(k);
            hs.add(
                    Threads.spawn(
                            () -> {
                                for (int i = 0; i < n; i++) {
                                    ch.send(i);
                                }
                                return null;
                            }));
        }
        // One select-based sender over all four channels, n values in total.
        hs.add(
                Threads.spawn(
                        () -> {
                            for (int i = 0; i < n; i++) {
                                Select<Void> s = Select.fair();
                                for (Channel<Integer> ch : c) {
                                    s.send(ch, i, () -> null);
                                }
                                s.run();
                            }
                            return null;
                        }));
        // Two select-based receivers draining everything.
        int total = 5 * n;
        List<JoinHandle<Void>> rs = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            rs.add(
                    Threads.spawn(
                            () -> {
                                while (count.get() < total) {
                                    Select<Boolean> s = Select.fair();
                                    for (Channel<Integer> ch : c) {
                                        s.recv(
                                                ch,
                                                v -> {
                                                    sum.addAndGet(v);
                                                    count.incrementAndGet();
                                                    return true;
                                                });
                                    }
                                    s.timeout(Duration.ofMillis(20), () -> false).run();
                                }
                                return null;
                            }));
        }
        for (JoinHandle<Void> h : hs) {
            h.join();
        }
        for (JoinHandle<Void> r : rs) {
            r.join();
        }
        assertThat(count.get()).isEqualTo(total);
        assertThat(sum.get()).isEqualTo(5L * n * (n - 1) / 2);
    }

    /**
     * Follows Go's {@code TestSelectFairness}: with two always-ready channels, a fair select picks
     * each about half the time (Go allows 48%..52% over 10,000 trials; so do we).
     */
    @Test
    void testSelectFairness() throws Exception {
        Channel<Integer> c1 = Channel.bounded(1);
        Channel<Integer> c2 = Channel.bounded(1);
        int trials = 10_000;
        int[] counts = new int[2];
        for (int i = 0; i < trials; i++) {
            c1.trySend(1);
            c2.trySend(2);
            int which = Select.<Integer>fair().recv(c1, v -> 0).recv(c2, v -> 1).run();
            counts[which]++;
        }
        assertThat(counts[0]).isBetween(trials * 48 / 100, trials * 52 / 100);
        // A biased select always prefers the first clause.
        c1.trySend(1);
        c2.trySend(2);
        assertThat(Select.<Integer>biased().recv(c2, v -> 2).recv(c1, v -> 1).run()).isEqualTo(2);
    }

    /**
     * Follows Go's {@code TestMultiConsumer}: one producer, several consumers; the count and the
     * sum of the received values equal what was sent.
     */
    @Test
    void testMultiConsumer() throws Exception {
        int nwork = 23;
        int niter = 2711;
        Channel<Integer> q = make(nwork * 3);
        Channel<Integer> r = make(nwork * 3);
        List<JoinHandle<Void>> workers = new ArrayList<>();
        for (int w = 0; w < nwork; w++) {
            workers.add(
                    Threads.spawn(
                            () -> {
                                for (Integer v : q) {
                                    r.send(v);
                                }
                                return null;
                            }));
        }
        JoinHandle<long[]> collector =
                Threads.spawn(
                        () -> {
                            long n = 0;
                            long s = 0;
                            for (Integer v : r) {
                                n++;
                                s += v;
                            }
                            return new long[] {n, s};
                        });
        long expectSum = 0;
        for (int i = 0; i < niter; i++) {
            int v = (i * 7919) % 1000;
            q.send(v);
            expectSum += v;
        }
        q.close();
        for (JoinHandle<Void> w : workers) {
            w.join();
        }
        r.close();
        long[] ns = collector.join();
        assertThat(ns[0]).isEqualTo(niter);
        assertThat(ns[1]).isEqualTo(expectSum);
    }

    /**
     * Follows Go's {@code TestSelectDuplicateChannel}, where a select may name one channel in two
     * cases. braid rejects a duplicated clause up front (a clear error naming the argument) and
     * allows the one useful shape, a send and a receive on the same channel.
     */
    @Test
    void testSelectDuplicateChannel() throws Exception {
        Channel<Integer> c = make(1);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> Select.<Integer>fair().recv(c, v -> v).recv(c, v -> v))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rx");
        assertThat(Select.<Integer>fair().send(c, 1, () -> 1).recv(c, v -> 2).run()).isEqualTo(1);
    }

    /**
     * Follows Go's {@code TestChanSendSelectBarrier} / {@code TestSelectTimeouts} idea: many
     * selects with a timeout and no ready channel all time out, and leave no entries behind.
     */
    @Test
    void testSelectTimeouts() throws Exception {
        Channel<Integer> c = make(0);
        ConcurrentLinkedQueue<String> out = new ConcurrentLinkedQueue<>();
        List<JoinHandle<Void>> hs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            hs.add(
                    Threads.spawn(
                            () -> {
                                out.add(
                                        Select.<String>fair()
                                                .recv(c, v -> "value")
                                                .timeout(Duration.ofMillis(10), () -> "timeout")
                                                .run());
                                return null;
                            }));
        }
        for (JoinHandle<Void> h : hs) {
            h.join();
        }
        assertThat(out).hasSize(8).containsOnly("timeout");
        assertThat(c.blockedReceivers()).isZero();
    }
}
