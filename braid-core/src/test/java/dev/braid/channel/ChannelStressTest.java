package dev.braid.channel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancelledException;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.JoinOutcome;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The stress program: producers and consumers in {1, 2, 4} move messages through every flavor while
 * a chaos thread interrupts them, their operations time out, some run in scopes whose deadline
 * expires, and the channel is closed or cancelled at a random moment. Exact accounting: every
 * element that a send reported as sent is received exactly once or passed exactly once to the
 * undelivered hook; nothing else is ever seen; nobody hangs. The default build runs a smoke size;
 * {@code scripts/channel-stress.sh} runs {@code -Dbraid.channel.stress.messages=10000000}.
 */
class ChannelStressTest {
    static final int MESSAGES = Integer.getInteger("braid.channel.stress.messages", 6_000);
    static final long SEED = Long.getLong("braid.channel.stress.seed", 42L);

    static List<Arguments> configs() {
        List<Arguments> out = new ArrayList<>();
        int[] counts = {1, 2, 4};
        String[] flavors = {
            "rendezvous", "bounded(1)", "bounded(16)", "drop-oldest(2)", "unbounded"
        };
        for (String f : flavors) {
            for (int p : counts) {
                for (int c : counts) {
                    out.add(Arguments.of(f, p, c, p == c && f.equals("bounded(16)")));
                }
            }
        }
        return out;
    }

    private static Channel.Builder<Integer> flavor(String f) {
        Channel.Builder<Integer> b = Channel.<Integer>builder().name("stress");
        return switch (f) {
            case "rendezvous" -> b.rendezvous();
            case "bounded(1)" -> b.bounded(1);
            case "bounded(16)" -> b.bounded(16);
            case "drop-oldest(2)" -> b.bounded(2, Overflow.DROP_OLDEST);
            default -> b.unbounded();
        };
    }

    @ParameterizedTest(name = "{0} P={1} C={2} cancel={3}")
    @MethodSource("configs")
    void everySentElementIsReceivedOrUndeliveredExactlyOnce(
            String f, int producers, int consumers, boolean cancelAtEnd) throws Exception {
        int n = MESSAGES;
        AtomicIntegerArray seen = new AtomicIntegerArray(n); // 1 received, 2 undelivered
        AtomicIntegerArray sent = new AtomicIntegerArray(n);
        AtomicLong duplicates = new AtomicLong();
        AtomicLong received = new AtomicLong();
        AtomicLong undelivered = new AtomicLong();
        Channel<Integer> ch =
                flavor(f)
                        .onUndelivered(
                                x -> {
                                    undelivered.incrementAndGet();
                                    if (!seen.compareAndSet(x, 0, 2)) {
                                        duplicates.incrementAndGet();
                                    }
                                })
                        .build();
        SplittableRandom root =
                new SplittableRandom(SEED ^ f.hashCode() ^ producers * 31L ^ consumers);
        // Close at a random point after a random share of the messages, unless cancelAtEnd.
        long closeAfter = cancelAtEnd ? Long.MAX_VALUE : root.nextLong(n / 2, n + 1L);
        AtomicLong sentCount = new AtomicLong();
        List<JoinHandle<Void>> ps = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int from = p * n / producers;
            int to = (p + 1) * n / producers;
            SplittableRandom rnd = root.split();
            ps.add(Threads.spawn(() -> produce(ch, from, to, rnd, sent, sentCount, closeAfter)));
        }
        List<JoinHandle<Void>> cs = new ArrayList<>();
        for (int c = 0; c < consumers; c++) {
            SplittableRandom rnd = root.split();
            cs.add(Threads.spawn(() -> consume(ch, rnd, seen, received, duplicates)));
        }
        // Chaos: interrupts while everyone runs.
        SplittableRandom chaos = root.split();
        List<Thread> victims = new ArrayList<>();
        ps.forEach(h -> victims.add(h.thread()));
        cs.forEach(h -> victims.add(h.thread()));
        for (int i = 0; i < 20 && !allDone(ps); i++) {
            Thread.sleep(1);
            victims.get(chaos.nextInt(victims.size())).interrupt();
        }
        for (JoinHandle<Void> p : ps) {
            assertThat(p.join(Duration.ofSeconds(120)))
                    .as("producer hung")
                    .isInstanceOf(JoinOutcome.Finished.class);
        }
        if (cancelAtEnd) {
            ch.cancel();
        } else {
            ch.close();
        }
        for (JoinHandle<Void> c : cs) {
            assertThat(c.join(Duration.ofSeconds(120)))
                    .as("consumer hung")
                    .isInstanceOf(JoinOutcome.Finished.class);
        }
        assertThat(duplicates.get()).as("duplicated").isZero();
        assertThat(received.get() + undelivered.get())
                .as("received + undelivered")
                .isEqualTo(sentCount.get());
        for (int i = 0; i < n; i++) {
            if (sent.get(i) == 1 && seen.get(i) == 0) {
                throw new AssertionError("lost element " + i + " (seed " + SEED + ")");
            }
            if (sent.get(i) == 0 && seen.get(i) != 0) {
                throw new AssertionError(
                        "element " + i + " seen but never sent (seed " + SEED + ")");
            }
        }
    }

    private static boolean allDone(List<JoinHandle<Void>> hs) {
        for (JoinHandle<Void> h : hs) {
            if (!h.isFinished()) {
                return false;
            }
        }
        return true;
    }

    private static Void produce(
            Channel<Integer> ch,
            int from,
            int to,
            SplittableRandom rnd,
            AtomicIntegerArray sent,
            AtomicLong sentCount,
            long closeAfter) {
        for (int i = from; i < to; i++) {
            if (sentCount.get() >= closeAfter) {
                ch.close();
            }
            int x = i;
            while (true) {
                SendResult r;
                try {
                    r =
                            switch (rnd.nextInt(4)) {
                                case 0 -> ch.trySend(i);
                                case 1 -> ch.send(i, Duration.ofNanos(rnd.nextInt(50_000)));
                                case 2 ->
                                        CancelScope.withTimeout(
                                                Duration.ofNanos(rnd.nextInt(100_000)),
                                                () ->
                                                        ch.send(
                                                                x,
                                                                dev.braid.cancel.Deadline.never()));
                                default -> ch.send(i, dev.braid.cancel.Deadline.never());
                            };
                } catch (InterruptedException | CancelledException e) {
                    continue; // not sent: try again
                }
                if (r.isSent()) {
                    sent.set(i, 1);
                    sentCount.incrementAndGet();
                    break;
                }
                if (r instanceof SendResult.Closed) {
                    return null;
                }
                Thread.yield(); // full or timed out: try again
            }
        }
        return null;
    }

    private static Void consume(
            Channel<Integer> ch,
            SplittableRandom rnd,
            AtomicIntegerArray seen,
            AtomicLong received,
            AtomicLong duplicates) {
        while (true) {
            RecvResult<Integer> r;
            try {
                r =
                        switch (rnd.nextInt(4)) {
                            case 0 -> ch.tryRecv();
                            case 1 -> ch.recv(Duration.ofNanos(rnd.nextInt(50_000)));
                            case 2 ->
                                    Select.<RecvResult<Integer>>fair()
                                            .recvOrClosed(ch, x -> x)
                                            .timeout(Duration.ofMillis(1), RecvResult.TimedOut::new)
                                            .run();
                            default -> ch.recv(dev.braid.cancel.Deadline.never());
                        };
            } catch (InterruptedException e) {
                continue;
            }
            switch (r) {
                case RecvResult.Received<Integer> got -> {
                    received.incrementAndGet();
                    if (!seen.compareAndSet(got.value(), 0, 1)) {
                        duplicates.incrementAndGet();
                    }
                }
                case RecvResult.Closed<Integer> c -> {
                    return null;
                }
                default -> Thread.yield();
            }
        }
    }
}
