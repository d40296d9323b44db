package dev.braid.channel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancellationSource;
import dev.braid.cancel.CancelledException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ring waiter (ADR 0144): a lone blocked receiver of an empty buffered channel waits in the
 * lock-free ring (tail's PARKED bit) and a producer resumes it there without the lock; any locked
 * operation moves it into the receivers list; an owner that gives up leaves as if it never came.
 * Each race of the notes (waiter leaving vs producer resuming, close vs resume) has a test here
 * that loses or duplicates an element, or hangs, on the planted bugs listed in the ADR.
 */
class RingWaiterTest {

    static List<Supplier<Channel<Integer>>> channels() {
        List<Supplier<Channel<Integer>>> out = new ArrayList<>();
        out.add(named("bounded(1)", () -> Channel.bounded(1)));
        out.add(named("bounded(16)", () -> Channel.bounded(16)));
        out.add(named("unbounded", Channel::unbounded));
        return out;
    }

    private static Supplier<Channel<Integer>> named(String name, Supplier<Channel<Integer>> s) {
        return new Supplier<>() {
            @Override
            public Channel<Integer> get() {
                return s.get();
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    private static void awaitRingWaiter(Channel<Integer> ch) {
        while (!ch.core.fast.hasWaiter()) {
            Thread.onSpinWait();
        }
    }

    private static Thread receiver(Channel<Integer> ch, AtomicReference<Object> got) {
        return Thread.ofPlatform()
                .start(
                        () -> {
                            try {
                                got.set(ch.recv());
                            } catch (InterruptedException e) {
                                got.set(e);
                            } catch (RuntimeException e) {
                                got.set(e);
                            }
                        });
    }

    private static void joinBounded(Thread t) throws InterruptedException {
        t.join(Duration.ofSeconds(60)); // a hang guard only: a lost wake-up fails, not slows
        assertThat(t.isAlive()).as("the receiver was never woken").isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("channels")
    void aLoneReceiverWaitsInTheRingAndATrySendResumesIt(Supplier<Channel<Integer>> make)
            throws Exception {
        Channel<Integer> ch = make.get();
        AtomicReference<Object> got = new AtomicReference<>();
        Thread rx = receiver(ch, got);
        awaitRingWaiter(ch);
        assertThat(ch.trySend(5).isSent()).isTrue();
        joinBounded(rx);
        assertThat(got.get()).isEqualTo(5);
        assertThat(ch.core.fast.hasWaiter()).isFalse();
        assertThat(ch.len()).as("handed over, not buffered").isZero();
        assertThat(ch.core.fast.sizeIfOpen()).as("the gate stayed open").isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("channels")
    void aBlockingSendResumesARingWaiterAndTheNextWaiterUsesTheRingAgain(
            Supplier<Channel<Integer>> make) throws Exception {
        Channel<Integer> ch = make.get();
        for (int i = 0; i < 3; i++) {
            AtomicReference<Object> got = new AtomicReference<>();
            Thread rx = receiver(ch, got);
            awaitRingWaiter(ch);
            ch.send(i);
            joinBounded(rx);
            assertThat(got.get()).isEqualTo(i);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("channels")
    void aLockedOperationMovesTheRingWaiterIntoTheReceiversList(Supplier<Channel<Integer>> make)
            throws Exception {
        Channel<Integer> ch = make.get();
        AtomicReference<Object> got = new AtomicReference<>();
        Thread rx = receiver(ch, got);
        awaitRingWaiter(ch);
        assertThat(ch.blockedReceivers()).isEqualTo(1); // takes the lock
        assertThat(ch.core.fast.hasWaiter()).as("moved into the list").isFalse();
        assertThat(ch.core.fast.sizeIfOpen()).as("the gate is shut while it waits").isEqualTo(-1);
        assertThat(ch.trySend(1).isSent()).isTrue();
        joinBounded(rx);
        assertThat(got.get()).isEqualTo(1);
        assertThat(ch.core.fast.sizeIfOpen()).as("nobody waits: the gate reopened").isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("channels")
    void closeReachesAReceiverWaitingInTheRing(Supplier<Channel<Integer>> make) throws Exception {
        Channel<Integer> ch = make.get();
        AtomicReference<Object> got = new AtomicReference<>();
        Thread rx =
                Thread.ofPlatform()
                        .start(
                                () -> {
                                    try {
                                        got.set(ch.recv(dev.braid.cancel.Deadline.never()));
                                    } catch (InterruptedException e) {
                                        got.set(e);
                                    }
                                });
        awaitRingWaiter(ch);
        assertThat(ch.close()).isTrue();
        joinBounded(rx);
        assertThat(got.get()).isInstanceOf(RecvResult.Closed.class);
        assertThat(ch.trySend(1).isSent()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("channels")
    void aTimedOutRingWaiterLeavesNoTraceAndLosesNoLaterElement(Supplier<Channel<Integer>> make)
            throws Exception {
        Channel<Integer> ch = make.get();
        assertThat(ch.recv(Duration.ofMillis(1)).isReceived()).isFalse();
        assertThat(ch.core.fast.hasWaiter()).isFalse();
        assertThat(ch.blockedReceivers()).isZero();
        assertThat(ch.trySend(4).isSent()).isTrue();
        assertThat(ch.tryRecv()).isEqualTo(new RecvResult.Received<>(4));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("channels")
    void aCancelledRingWaiterLeavesAndTheNextSendIsBuffered(Supplier<Channel<Integer>> make)
            throws Exception {
        Channel<Integer> ch = make.get();
        CancellationSource src = new CancellationSource();
        AtomicReference<Object> got = new AtomicReference<>();
        Thread rx =
                Thread.ofPlatform()
                        .start(
                                () -> {
                                    try {
                                        got.set(
                                                CancelScope.withToken(
                                                        src.token(), () -> ch.recv()));
                                    } catch (RuntimeException | InterruptedException e) {
                                        got.set(e);
                                    }
                                });
        awaitRingWaiter(ch);
        src.cancel();
        joinBounded(rx);
        assertThat(got.get()).isInstanceOf(CancelledException.class);
        assertThat(ch.trySend(3).isSent()).isTrue();
        assertThat(ch.tryRecv()).isEqualTo(new RecvResult.Received<>(3));
    }

    /**
     * The race of a receiver about to wait in the ring against a producer (the Dekker handshake of
     * the PARKED bit): one blocking receiver, one producer that mostly finds it waiting. Order must
     * hold and the last element must wake it: a receiver that waits with an element in the ring
     * gets a later element first, or sleeps through the end.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("channels")
    void aReceiverAboutToWaitNeverSleepsOverABufferedElement(Supplier<Channel<Integer>> make)
            throws Exception {
        Channel<Integer> ch = make.get();
        int n = 50_000;
        List<Integer> got = new ArrayList<>();
        Thread rx =
                Thread.ofPlatform()
                        .start(
                                () -> {
                                    try {
                                        for (int i = 0; i < n; i++) {
                                            got.add(ch.recv());
                                        }
                                    } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                    }
                                });
        for (int i = 0; i < n; i++) {
            while (!ch.trySend(i).isSent()) {
                Thread.onSpinWait();
            }
            for (int k = i % 7; k > 0; k--) {
                Thread.onSpinWait(); // vary the distance so the receiver often just emptied it
            }
        }
        joinBounded(rx);
        assertThat(got).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(got.get(i)).isEqualTo(i);
        }
    }

    /**
     * The waiter-leaves-vs-producer-resumes race, many times: receivers wait with timeouts short
     * enough that many expire while a producer is taking them out of the ring, and some are
     * interrupted. Every accepted element must come out exactly once (received, or still buffered
     * at the end): a producer that keeps an element it could not hand over, or a receiver that
     * reports a timeout after it was handed one, fails the count.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("channels")
    void receiversThatLeaveWhileProducersResumeThemLoseNothing(Supplier<Channel<Integer>> make)
            throws Exception {
        Channel<Integer> ch = make.get();
        int producers = 2;
        int perProducer = 20_000;
        ConcurrentLinkedQueue<Integer> received = new ConcurrentLinkedQueue<>();
        AtomicInteger producing = new AtomicInteger(producers);
        List<Thread> rx = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            rx.add(
                    Thread.ofPlatform()
                            .start(
                                    () -> {
                                        long k = 0;
                                        while (producing.get() > 0 || ch.len() > 0) {
                                            try {
                                                Duration d = Duration.ofNanos(k++ % 3 * 20_000);
                                                RecvResult<Integer> got = ch.recv(d);
                                                if (got.isReceived()) {
                                                    received.add(got.orElseThrow());
                                                }
                                            } catch (InterruptedException e) {
                                                // left: as if it never came
                                            }
                                        }
                                    }));
        }
        Thread interrupter =
                Thread.ofPlatform()
                        .start(
                                () -> {
                                    while (producing.get() > 0) {
                                        rx.get(1).interrupt();
                                        Thread.onSpinWait();
                                        Thread.yield();
                                    }
                                });
        List<Thread> tx = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int base = p * perProducer;
            tx.add(
                    Thread.ofPlatform()
                            .start(
                                    () -> {
                                        for (int i = 0; i < perProducer; i++) {
                                            while (!ch.trySend(base + i).isSent()) {
                                                Thread.onSpinWait();
                                            }
                                            if (i % 64 == 0) {
                                                Thread.yield(); // let receivers empty the ring
                                            }
                                        }
                                        producing.decrementAndGet();
                                    }));
        }
        for (Thread t : tx) {
            t.join();
        }
        interrupter.join();
        for (Thread t : rx) {
            joinBounded(t);
        }
        RecvResult<Integer> r;
        while ((r = ch.tryRecv()).isReceived()) {
            received.add(r.orElseThrow());
        }
        List<Integer> all = new ArrayList<>(received);
        all.sort(null);
        assertThat(all).hasSize(producers * perProducer);
        for (int i = 0; i < all.size(); i++) {
            assertThat(all.get(i)).isEqualTo(i);
        }
    }

    /**
     * Close and cancel racing producers that resume ring waiters: every element a send reported
     * sent is received exactly once or passed to the undelivered-element hook exactly once.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("channels")
    void closeRacingResumesDeliversOrReportsEachElementOnce(Supplier<Channel<Integer>> make)
            throws Exception {
        for (int round = 0; round < 300; round++) {
            ConcurrentLinkedQueue<Integer> dropped = new ConcurrentLinkedQueue<>();
            Channel<Integer> base = make.get();
            Channel.Builder<Integer> b = Channel.<Integer>builder().onUndelivered(dropped::add);
            Channel<Integer> ch =
                    base.capacity() == Integer.MAX_VALUE
                            ? b.unbounded().build()
                            : b.bounded(base.capacity()).build();
            ConcurrentLinkedQueue<Integer> received = new ConcurrentLinkedQueue<>();
            Thread rx =
                    Thread.ofPlatform()
                            .start(
                                    () -> {
                                        try {
                                            while (true) {
                                                received.add(ch.recv());
                                            }
                                        } catch (ChannelClosedException | InterruptedException e) {
                                            // closed: done
                                        }
                                    });
            ConcurrentLinkedQueue<Integer> sent = new ConcurrentLinkedQueue<>();
            int n = round;
            Thread tx =
                    Thread.ofPlatform()
                            .start(
                                    () -> {
                                        for (int i = 0; i < 50; i++) {
                                            if (ch.trySend(i).isSent()) {
                                                sent.add(i);
                                            }
                                            if (i == n % 50) {
                                                Thread.yield();
                                            }
                                        }
                                    });
            if (round % 2 == 0) {
                ch.close();
            } else {
                ch.cancel();
            }
            tx.join();
            joinBounded(rx);
            RecvResult<Integer> r;
            while ((r = ch.tryRecv()).isReceived()) {
                received.add(r.orElseThrow());
            }
            List<Integer> out = new ArrayList<>(received);
            out.addAll(dropped);
            out.sort(null);
            List<Integer> in = new ArrayList<>(sent);
            in.sort(null);
            assertThat(out).as("round %d", round).isEqualTo(in);
        }
    }
}
