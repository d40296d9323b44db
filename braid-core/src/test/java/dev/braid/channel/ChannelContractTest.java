package dev.braid.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancellationSource;
import dev.braid.cancel.CancelledException;
import dev.braid.cancel.Deadline;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The channel contract, written once and run over every flavor, capacity {0, 1, 2, 16, 1024,
 * unbounded} and overflow policy (see {@link Flavor}), for blocking, try, timed and select use,
 * close and cancel, interrupts and scope cancellation, and the registration protocol.
 */
class ChannelContractTest {
    static List<Flavor> flavors() {
        return Flavor.all();
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(1);
        }
    }

    // ---- try ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("flavors")
    void trySendFillsTheBufferThenFollowsTheOverflowPolicy(Flavor f) {
        var m = f.<Integer>make();
        Channel<Integer> ch = m.ch();
        int room = f.room();
        for (int i = 0; i < room; i++) {
            assertThat(ch.trySend(i)).isEqualTo(new SendResult.Sent());
        }
        assertThat(ch.len()).isEqualTo(room);
        int extra = 3;
        for (int i = room; i < room + extra; i++) {
            SendResult r = ch.trySend(i);
            if (f.drops()) {
                assertThat(r.isSent()).isTrue();
            } else if (f.capacity() != Flavor.UNBOUNDED) {
                assertThat(r).isEqualTo(new SendResult.Full());
            }
        }
        List<Integer> got = drain(ch);
        List<Integer> expected;
        if (f.overflow() == Overflow.DROP_OLDEST) {
            expected = range(extra, room + extra);
            assertThat(m.undelivered()).containsExactlyElementsOf(range(0, extra));
        } else if (f.overflow() == Overflow.DROP_NEWEST) {
            expected = range(0, room);
            assertThat(m.undelivered()).containsExactlyElementsOf(range(room, room + extra));
        } else if (f.capacity() == Flavor.UNBOUNDED) {
            expected = range(0, room + extra);
            assertThat(m.undelivered()).isEmpty();
        } else {
            expected = range(0, room);
            assertThat(m.undelivered()).isEmpty();
        }
        assertThat(got).containsExactlyElementsOf(expected);
        assertThat(ch.tryRecv()).isEqualTo(new RecvResult.Empty<Integer>());
        assertThat(ch.len()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("flavors")
    void trySendMeetsAWaitingReceiver(Flavor f) throws Exception {
        Channel<Integer> ch = f.<Integer>make().ch();
        JoinHandle<Integer> rx = Threads.spawn(() -> ch.recv());
        await(() -> ch.blockedReceivers() == 1, "the receiver waits");
        assertThat(ch.trySend(7).isSent()).isTrue();
        assertThat(rx.join()).isEqualTo(7);
        assertThat(ch.len()).isZero();
    }

    // ---- blocking ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("flavors")
    void oneProducerOneConsumerKeepsOrder(Flavor f) throws Exception {
        var m = f.<Integer>make();
        Channel<Integer> ch = m.ch();
        int n = 2000;
        JoinHandle<Void> producer =
                Threads.spawn(
                        () -> {
                            for (int i = 0; i < n; i++) {
                                ch.send(i);
                            }
                            ch.close();
                            return null;
                        });
        List<Integer> got = new ArrayList<>();
        for (Integer x : ch) {
            got.add(x);
        }
        producer.join();
        if (f.drops()) {
            // Drops may happen anywhere; what arrives is in order, and nothing is lost.
            assertThat(got).isSorted();
            assertThat(got.size() + m.undelivered().size()).isEqualTo(n);
        } else {
            assertThat(got).containsExactlyElementsOf(range(0, n));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("flavors")
    void manyProducersManyConsumersDeliverEachElementOnce(Flavor f) throws Exception {
        var m = f.<Integer>make();
        Channel<Integer> ch = m.ch();
        int producers = 3;
        int per = 1000;
        List<JoinHandle<Void>> ps = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int base = p * per;
            ps.add(
                    Threads.spawn(
                            () -> {
                                for (int i = 0; i < per; i++) {
                                    ch.send(base + i);
                                }
                                return null;
                            }));
        }
        ConcurrentLinkedQueue<Integer> got = new ConcurrentLinkedQueue<>();
        List<JoinHandle<Void>> cs = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            cs.add(
                    Threads.spawn(
                            () -> {
                                ch.stream().forEach(got::add);
                                return null;
                            }));
        }
        for (JoinHandle<Void> p : ps) {
            p.join();
        }
        assertThat(ch.close()).isTrue();
        for (JoinHandle<Void> c : cs) {
            c.join();
        }
        List<Integer> all = new ArrayList<>(got);
        all.addAll(m.undelivered());
        Collections.sort(all);
        assertThat(all).containsExactlyElementsOf(range(0, producers * per));
        if (!f.drops()) {
            assertThat(m.undelivered()).isEmpty();
        }
    }

    // ---- timed ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("flavors")
    void timedOperationsTimeOutAndTakeNothing(Flavor f) throws Exception {
        var m = f.<Integer>make();
        Channel<Integer> ch = m.ch();
        assertThat(ch.recv(Duration.ofMillis(20))).isEqualTo(new RecvResult.TimedOut<Integer>());
        assertThat(ch.recv(Duration.ZERO)).isEqualTo(new RecvResult.TimedOut<Integer>());
        assertThat(ch.recv(Duration.ofMillis(-5))).isEqualTo(new RecvResult.TimedOut<Integer>());
        if (f.canBeFull()) {
            for (int i = 0; i < f.capacity(); i++) {
                ch.send(i);
            }
            assertThat(ch.send(-1, Duration.ofMillis(20))).isEqualTo(new SendResult.TimedOut());
            assertThat(ch.send(-1, Deadline.after(Duration.ZERO)))
                    .isEqualTo(new SendResult.TimedOut());
            assertThat(ch.blockedSenders()).isZero();
            assertThat(drain(ch)).containsExactlyElementsOf(range(0, f.capacity()));
        } else {
            assertThat(ch.send(1, Duration.ofMillis(20)).isSent()).isTrue();
            assertThat(ch.recv(Duration.ofSeconds(5))).isEqualTo(new RecvResult.Received<>(1));
        }
        assertThat(ch.blockedReceivers()).isZero();
        assertThat(m.undelivered()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("flavors")
    void timedReceiveGetsAnElementThatArrivesInTime(Flavor f) throws Exception {
        Channel<Integer> ch = f.<Integer>make().ch();
        JoinHandle<RecvResult<Integer>> rx = Threads.spawn(() -> ch.recv(Duration.ofSeconds(20)));
        await(() -> ch.blockedReceivers() == 1, "the receiver waits");
        ch.send(5);
        assertThat(rx.join()).isEqualTo(new RecvResult.Received<>(5));
    }

    // ---- close and cancel ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("flavors")
    void closeDeliversTheBufferThenReportsClosed(Flavor f) throws Exception {
        var m = f.<Integer>make();
        Channel<Integer> ch = m.ch();
        int k = Math.min(f.room(), 5);
        for (int i = 0; i < k; i++) {
            ch.send(i);
        }
        assertThat(ch.close()).isTrue();
        assertThat(ch.close()).isFalse();
        assertThat(ch.close(new RuntimeException("late"))).isFalse();
        assertThat(ch.isClosed()).isTrue();
        assertThat(ch.trySend(9)).isEqualTo(new SendResult.Closed(java.util.Optional.empty()));
        assertThatThrownBy(() -> ch.send(9))
                .isInstanceOf(ChannelClosedException.class)
                .hasMessageContaining("channel '" + f.label() + "'");
        assertThat(drain(ch)).containsExactlyElementsOf(range(0, k));
        assertThat(ch.tryRecv())
                .isEqualTo(new RecvResult.Closed<Integer>(java.util.Optional.empty()));
        assertThat(ch.recv(Duration.ofSeconds(1)))
                .isEqualTo(new RecvResult.Closed<Integer>(java.util.Optional.empty()));
        assertThatThrownBy(ch::recv).isInstanceOf(ChannelClosedException.class);
        assertThat(ch.iterator().hasNext()).isFalse();
        assertThat(m.undelivered()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("flavors")
    void closeWithCauseHandsTheCauseToReceiversAfterTheBuffer(Flavor f) throws Exception {
        Channel<Integer> ch = f.<Integer>make().ch();
        if (f.room() > 0) {
            ch.send(1);
        }
        IllegalStateException cause = new IllegalStateException("upstream failed");
        assertThat(ch.close(cause)).isTrue();
        if (f.room() > 0) {
            assertThat(ch.recv()).isEqualTo(1);
        }
        assertThat(ch.tryRecv())
                .isEqualTo(new RecvResult.Closed<Integer>(java.util.Optional.of(cause)));
        assertThatThrownBy(ch::recv).isInstanceOf(ChannelClosedException.class).hasCause(cause);
        assertThatThrownBy(() -> ch.stream().count()).hasCause(cause);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("flavors")
    void cancelPassesEveryBufferedElementToTheHookOnce(Flavor f) throws Exception {
        var m = f.<Integer>make();
        Channel<Integer> ch = m.ch();
        int k = Math.min(f.room(), 10);
        for (int i = 0; i < k; i++) {
            ch.send(i);
        }
        assertThat(ch.close()).isTrue();
        assertThat(ch.cancel()).isFalse(); // already closed, but the buffer is still discarded
        assertThat(ch.cancel()).isFalse();
        assertThat(m.undelivered()).containsExactlyElementsOf(range(0, k));
        assertThat(ch.len()).isZero();
        assertThat(ch.tryRecv()).isInstanceOf(RecvResult.Closed.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("flavors")
    void closeWakesBlockedReceiversAndSenders(Flavor f) throws Exception {
        var m = f.<Integer>make();
        Channel<Integer> ch = m.ch();
        JoinHandle<RecvResult<Integer>> rx = Threads.spawn(() -> ch.recv(Deadline.never()));
        await(() -> ch.blockedReceivers() == 1, "the receiver waits");
        RuntimeException cause = new RuntimeException("stop");
        assertThat(ch.cancel(cause)).isTrue();
        assertThat(rx.join())
                .isEqualTo(new RecvResult.Closed<Integer>(java.util.Optional.of(cause)));
        if (f.canBeFull()) {
            var m2 = f.<Integer>make();
            Channel<Integer> full = m2.ch();
            for (int i = 0; i < f.capacity(); i++) {
                full.send(i);
            }
            JoinHandle<SendResult> tx = Threads.spawn(() -> full.send(99, Deadline.never()));
            await(() -> full.blockedSenders() == 1, "the sender waits");
            full.close();
            assertThat(tx.join()).isInstanceOf(SendResult.Closed.class);
            assertThat(drain(full)).containsExactlyElementsOf(range(0, f.capacity()));
            assertThat(m2.undelivered()).doesNotContain(99);
        }
    }

    // ---- interrupts and scopes ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("flavors")
    void anInterruptedReceiverLeavesNoTrace(Flavor f) throws Exception {
        Channel<Integer> ch = f.<Integer>make().ch();
        JoinHandle<Integer> victim = Threads.spawn(() -> ch.recv());
        await(() -> ch.blockedReceivers() == 1, "the receiver waits");
        victim.thread().interrupt();
        assertThatThrownBy(victim::join).hasRootCauseInstanceOf(InterruptedException.class);
        assertThat(ch.blockedReceivers()).isZero();
        JoinHandle<Integer> next = Threads.spawn(() -> ch.recv());
        await(() -> ch.blockedReceivers() == 1, "the second receiver waits");
        ch.send(42);
        assertThat(next.join()).isEqualTo(42);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("flavors")
    void anInterruptedSenderDoesNotSend(Flavor f) throws Exception {
        if (!f.canBeFull()) {
            Thread.currentThread().interrupt();
            assertThatThrownBy(() -> f.<Integer>make().ch().send(1))
                    .isInstanceOf(InterruptedException.class);
            return;
        }
        var m = f.<Integer>make();
        Channel<Integer> ch = m.ch();
        for (int i = 0; i < f.capacity(); i++) {
            ch.send(i);
        }
        JoinHandle<Void> victim =
                Threads.spawn(
                        () -> {
                            ch.send(-1);
                            return null;
                        });
        await(() -> ch.blockedSenders() == 1, "the sender waits");
        victim.thread().interrupt();
        assertThatThrownBy(victim::join).hasRootCauseInstanceOf(InterruptedException.class);
        assertThat(ch.blockedSenders()).isZero();
        ch.close();
        assertThat(drain(ch)).containsExactlyElementsOf(range(0, f.capacity()));
        assertThat(m.undelivered()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("flavors")
    void aCancelledScopeStopsABlockedReceive(Flavor f) throws Exception {
        Channel<Integer> ch = f.<Integer>make().ch();
        CancellationSource src = new CancellationSource();
        JoinHandle<Integer> rx =
                Threads.spawn(() -> CancelScope.withToken(src.token(), () -> ch.recv()));
        await(() -> ch.blockedReceivers() == 1, "the receiver waits");
        src.cancel();
        assertThatThrownBy(rx::join).hasCauseInstanceOf(CancelledException.class);
        assertThat(ch.blockedReceivers()).isZero();
        if (f.room() > 0) {
            ch.send(3);
            assertThat(ch.tryRecv()).isEqualTo(new RecvResult.Received<>(3));
        }
    }

    // ---- select ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("flavors")
    void selectReceivesFromTheReadyChannelAndLeavesTheOther(Flavor f) throws Exception {
        Channel<Integer> a = f.<Integer>make().ch();
        Channel<Integer> b = f.<Integer>make().ch();
        if (f.room() > 0) {
            b.send(2);
            a.send(1);
            String r = Select.<String>biased().recv(a, x -> "a" + x).recv(b, x -> "b" + x).run();
            assertThat(r).isEqualTo("a1");
            assertThat(b.len()).isEqualTo(1); // the losing clause took nothing
        }
        JoinHandle<String> sel =
                Threads.spawn(
                        () ->
                                Select.<String>fair()
                                        .recv(a, x -> "a" + x)
                                        .recv(b, x -> "b" + x)
                                        .run());
        if (f.room() > 0) {
            assertThat(sel.join()).isEqualTo("b2");
            sel =
                    Threads.spawn(
                            () ->
                                    Select.<String>fair()
                                            .recv(a, x -> "a" + x)
                                            .recv(b, x -> "b" + x)
                                            .run());
        }
        await(() -> a.blockedReceivers() == 1 && b.blockedReceivers() == 1, "the select waits");
        a.send(10);
        assertThat(sel.join()).isEqualTo("a10");
        await(() -> a.blockedReceivers() == 0 && b.blockedReceivers() == 0, "entries are gone");
        assertThat(b.trySend(11).isSent()).isEqualTo(f.room() > 0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("flavors")
    void selectSendsTimesOutAndDefaults(Flavor f) throws Exception {
        var m = f.<Integer>make();
        Channel<Integer> ch = m.ch();
        String r =
                Select.<String>biased()
                        .send(ch, 1, () -> "sent")
                        .timeout(Duration.ofMillis(10), () -> "timeout")
                        .run();
        assertThat(r).isEqualTo(f.room() > 0 ? "sent" : "timeout");
        Channel<Integer> empty = f.<Integer>make().ch();
        assertThat(Select.<String>biased().recv(empty, x -> "got").orElse(() -> "default").run())
                .isEqualTo("default");
        assertThat(
                        Select.<String>biased()
                                .recv(empty, x -> "got")
                                .deadline(Deadline.after(Duration.ofMillis(5)), () -> "late")
                                .run())
                .isEqualTo("late");
        assertThat(empty.blockedReceivers()).isZero();
        // A select's send clause hands over to a waiting receiver.
        JoinHandle<Integer> rx = Threads.spawn(() -> empty.recv());
        await(() -> empty.blockedReceivers() == 1, "the receiver waits");
        assertThat(Select.<String>fair().send(empty, 9, () -> "handed").run()).isEqualTo("handed");
        assertThat(rx.join()).isEqualTo(9);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("flavors")
    void concurrentSelectsTakeEachElementExactlyOnce(Flavor f) throws Exception {
        var ma = f.<Integer>make();
        var mb = f.<Integer>make();
        Channel<Integer> a = ma.ch();
        Channel<Integer> b = mb.ch();
        int per = 500;
        JoinHandle<Void> pa = Threads.spawn(() -> sendAll(a, 0, per));
        JoinHandle<Void> pb = Threads.spawn(() -> sendAll(b, per, per));
        ConcurrentLinkedQueue<Integer> got = new ConcurrentLinkedQueue<>();
        AtomicInteger closed = new AtomicInteger();
        List<JoinHandle<Void>> consumers = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            consumers.add(
                    Threads.spawn(
                            () -> {
                                SelectLoop.fair()
                                        .recv(a, got::add)
                                        .recv(b, got::add)
                                        .onClosed(closed::incrementAndGet)
                                        .run();
                                return null;
                            }));
        }
        pa.join();
        pb.join();
        a.close();
        b.close();
        for (JoinHandle<Void> c : consumers) {
            c.join();
        }
        List<Integer> all = new ArrayList<>(got);
        all.addAll(ma.undelivered());
        all.addAll(mb.undelivered());
        Collections.sort(all);
        assertThat(all).containsExactlyElementsOf(range(0, 2 * per));
        assertThat(closed.get()).isEqualTo(4);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("flavors")
    void timedSendGetsRoomThatFreesInTime(Flavor f) throws Exception {
        var m = f.<Integer>make();
        Channel<Integer> ch = m.ch();
        assertThat(ch.recv(Deadline.after(Duration.ofMillis(10))))
                .isEqualTo(new RecvResult.TimedOut<Integer>());
        int k = fillIfItCanBeFull(f, ch);
        JoinHandle<SendResult> tx =
                Threads.spawn(() -> ch.send(-1, Deadline.after(Duration.ofSeconds(20))));
        List<Integer> got = new ArrayList<>();
        if (f.canBeFull()) {
            await(() -> ch.blockedSenders() == 1, "the sender waits");
            got.add(ch.recv()); // frees a slot, or (rendezvous) takes the waiting element
        }
        assertThat(tx.join()).isEqualTo(new SendResult.Sent());
        assertThat(ch.blockedSenders()).isZero();
        got.addAll(drain(ch));
        assertThat(got).containsExactlyElementsOf(rangeThen(k, -1));
        assertThat(m.undelivered()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("flavors")
    void aSelectSendClauseWaitsForRoomAndSendsOnce(Flavor f) throws Exception {
        var m = f.<Integer>make();
        Channel<Integer> ch = m.ch();
        Channel<Integer> idle = f.<Integer>make().ch();
        int k = fillIfItCanBeFull(f, ch);
        JoinHandle<String> sel =
                Threads.spawn(
                        () ->
                                Select.<String>fair()
                                        .send(ch, -1, () -> "sent")
                                        .recv(idle, x -> "idle " + x)
                                        .run());
        List<Integer> got = new ArrayList<>();
        if (f.canBeFull()) {
            await(
                    () -> ch.blockedSenders() == 1 && idle.blockedReceivers() == 1,
                    "the select waits on both channels");
            got.add(ch.recv());
        }
        assertThat(sel.join()).isEqualTo("sent");
        await(() -> idle.blockedReceivers() == 0, "the losing clause is gone");
        assertThat(ch.blockedSenders()).isZero();
        got.addAll(drain(ch));
        assertThat(got).containsExactlyElementsOf(rangeThen(k, -1));
        assertThat(m.undelivered()).isEmpty();
        assertThat(idle.trySend(5).isSent()).isEqualTo(f.room() > 0); // nothing took its place
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("flavors")
    void aClauseOnAChannelClosedMidSelectEndsTheSelect(Flavor f) throws Exception {
        Channel<Integer> ch = f.<Integer>make().ch();
        Channel<Integer> idle = f.<Integer>make().ch();
        JoinHandle<String> sel =
                Threads.spawn(
                        () ->
                                Select.<String>biased()
                                        .recv(ch, x -> "got " + x)
                                        .recv(idle, x -> "idle " + x)
                                        .run());
        await(() -> ch.blockedReceivers() == 1 && idle.blockedReceivers() == 1, "the select waits");
        IllegalStateException cause = new IllegalStateException("upstream gone");
        assertThat(ch.close(cause)).isTrue();
        assertThatThrownBy(sel::join)
                .hasCauseInstanceOf(ChannelClosedException.class)
                .hasRootCause(cause);
        assertThat(idle.blockedReceivers()).isZero();
        // The same close seen as a value.
        Channel<Integer> ch2 = f.<Integer>make().ch();
        JoinHandle<RecvResult<Integer>> asValue =
                Threads.spawn(
                        () ->
                                Select.<RecvResult<Integer>>fair()
                                        .recvOrClosed(ch2, r -> r)
                                        .recv(idle, x -> new RecvResult.Received<>(-x))
                                        .run());
        await(() -> ch2.blockedReceivers() == 1, "the second select waits");
        ch2.close();
        assertThat(asValue.join())
                .isEqualTo(new RecvResult.Closed<Integer>(java.util.Optional.empty()));
        assertThat(idle.blockedReceivers()).isZero();
        if (f.canBeFull()) { // a waiting send clause: the close refuses its element
            var m3 = f.<Integer>make();
            Channel<Integer> full = m3.ch();
            fillIfItCanBeFull(f, full);
            JoinHandle<String> tx =
                    Threads.spawn(
                            () ->
                                    Select.<String>fair()
                                            .send(full, -1, () -> "sent")
                                            .recv(idle, x -> "idle")
                                            .run());
            await(() -> full.blockedSenders() == 1, "the send clause waits");
            full.close();
            assertThatThrownBy(tx::join).hasCauseInstanceOf(ChannelClosedException.class);
            assertThat(drain(full)).containsExactlyElementsOf(range(0, f.capacity()));
            assertThat(m3.undelivered()).isEmpty();
            assertThat(idle.blockedReceivers()).isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("flavors")
    void anInterruptedSelectLeavesNoTrace(Flavor f) throws Exception {
        var m = f.<Integer>make();
        Channel<Integer> ch = m.ch();
        Channel<Integer> empty = f.<Integer>make().ch();
        int k = fillIfItCanBeFull(f, ch);
        JoinHandle<String> sel =
                Threads.spawn(
                        () -> {
                            Select<String> s = Select.<String>fair().recv(empty, x -> "got");
                            if (f.canBeFull()) {
                                s.send(ch, -1, () -> "sent");
                            }
                            return s.run();
                        });
        await(() -> empty.blockedReceivers() == 1, "the select waits");
        if (f.canBeFull()) {
            await(() -> ch.blockedSenders() == 1, "the send clause waits");
        }
        sel.thread().interrupt();
        assertThatThrownBy(sel::join).hasRootCauseInstanceOf(InterruptedException.class);
        assertThat(empty.blockedReceivers()).isZero();
        assertThat(ch.blockedSenders()).isZero();
        assertThat(drain(ch)).containsExactlyElementsOf(range(0, k)); // -1 was never sent
        assertThat(m.undelivered()).isEmpty();
        JoinHandle<Integer> next = Threads.spawn(() -> empty.recv());
        await(() -> empty.blockedReceivers() == 1, "a new receiver waits");
        empty.send(8);
        assertThat(next.join()).isEqualTo(8);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("flavors")
    void aCancelledScopeStopsABlockedSendOrSelect(Flavor f) throws Exception {
        var m = f.<Integer>make();
        Channel<Integer> ch = m.ch();
        Channel<Integer> empty = f.<Integer>make().ch();
        CancellationSource src = new CancellationSource();
        JoinHandle<String> sel =
                Threads.spawn(
                        () ->
                                CancelScope.withToken(
                                        src.token(),
                                        () -> Select.<String>biased().recv(empty, x -> "x").run()));
        await(() -> empty.blockedReceivers() == 1, "the select waits");
        JoinHandle<Void> tx = null;
        if (f.canBeFull()) {
            fillIfItCanBeFull(f, ch);
            tx =
                    Threads.spawn(
                            () ->
                                    CancelScope.withToken(
                                            src.token(),
                                            () -> {
                                                ch.send(-1);
                                                return null;
                                            }));
            await(() -> ch.blockedSenders() == 1, "the sender waits");
        }
        src.cancel();
        assertThatThrownBy(sel::join).hasCauseInstanceOf(CancelledException.class);
        assertThat(empty.blockedReceivers()).isZero();
        if (tx != null) {
            assertThatThrownBy(tx::join).hasCauseInstanceOf(CancelledException.class);
            assertThat(ch.blockedSenders()).isZero();
            assertThat(drain(ch)).containsExactlyElementsOf(range(0, f.capacity()));
            assertThat(m.undelivered()).isEmpty();
        }
        if (f.room() > 0) {
            empty.send(3);
            assertThat(empty.tryRecv()).isEqualTo(new RecvResult.Received<>(3));
        }
    }

    // ---- registration protocol ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("flavors")
    void aRecvRegistrationIsCalledBackOnceAndTakesNothing(Flavor f) throws Exception {
        Channel<Integer> ch = f.<Integer>make().ch();
        AtomicInteger calls = new AtomicInteger();
        RecvRegistration reg = ch.registerRecv(calls::incrementAndGet);
        assertThat(reg.isReady()).isFalse();
        assertThat(ch.blockedReceivers()).isEqualTo(1);
        JoinHandle<Void> tx =
                Threads.spawn(
                        () -> {
                            ch.send(4);
                            return null;
                        });
        await(reg::isReady, "the registration is called back");
        // The sender marks the registration ready, then runs its callback on its own thread: the
        // callback may still be running when isReady() turns true (pool6 saw calls == 0 here once
        // under load). Once the sender's send has returned, it has run, exactly once.
        assertThat(reg.unregister()).isFalse();
        assertThat(ch.tryRecv()).isEqualTo(new RecvResult.Received<>(4));
        tx.join();
        assertThat(calls.get()).isEqualTo(1);
        RecvRegistration gone = ch.registerRecv(calls::incrementAndGet);
        assertThat(gone.unregister()).isTrue();
        ch.close();
        assertThat(calls.get()).isEqualTo(1);
        assertThat(ch.registerRecv(calls::incrementAndGet).isReady()).isTrue(); // closed: ready
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("flavors")
    void aSendRegistrationOffersItsElementUntilTakenOrCancelled(Flavor f) throws Exception {
        var m = f.<Integer>make();
        Channel<Integer> ch = m.ch();
        for (int i = 0; i < (f.canBeFull() ? f.capacity() : 0); i++) {
            ch.send(i);
        }
        AtomicInteger calls = new AtomicInteger();
        SendRegistration reg = ch.registerSend(-100, calls::incrementAndGet);
        if (!f.canBeFull() || f.capacity() == 0) {
            if (f.capacity() == 0) {
                assertThat(reg.isDone()).isFalse();
                assertThat(ch.recv()).isEqualTo(-100);
                assertThat(reg.result()).isEqualTo(new SendResult.Sent());
                assertThat(calls.get()).isEqualTo(1);
            } else {
                assertThat(reg.isDone()).isTrue();
                assertThat(reg.result().isSent()).isTrue();
                assertThat(calls.get()).isZero();
            }
            return;
        }
        assertThat(reg.isDone()).isFalse();
        assertThatThrownBy(reg::result).isInstanceOf(IllegalStateException.class);
        assertThat(ch.blockedSenders()).isEqualTo(1);
        assertThat(ch.recv()).isEqualTo(0); // makes room: the offer moves into the buffer
        assertThat(reg.isDone()).isTrue();
        assertThat(calls.get()).isEqualTo(1);
        SendRegistration withdrawn = ch.registerSend(-200, calls::incrementAndGet);
        assertThat(withdrawn.cancel()).isTrue();
        ch.close();
        List<Integer> rest = drain(ch);
        assertThat(rest).endsWith(-100).doesNotContain(-200);
        assertThat(calls.get()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("flavors")
    void aParkedThreadAndAWakerWaitOnTheSameChannelTogether(Flavor f) throws Exception {
        Channel<Integer> ch = f.<Integer>make().ch();
        JoinHandle<Integer> rx = Threads.spawn(() -> ch.recv());
        await(() -> ch.blockedReceivers() == 1, "the thread waits");
        AtomicInteger woken = new AtomicInteger();
        RecvRegistration reg = ch.registerRecv(woken::incrementAndGet);
        assertThat(reg.isReady()).isFalse();
        assertThat(ch.blockedReceivers()).isEqualTo(2);
        JoinHandle<Void> tx =
                Threads.spawn(
                        () -> {
                            ch.send(1);
                            ch.send(2);
                            return null;
                        });
        assertThat(rx.join()).isEqualTo(1); // the parked thread came first
        Integer second = null;
        while (second == null) { // the registrant's loop: told, try, register again if beaten
            RecvRegistration r = reg;
            await(r::isReady, "the waker is told");
            second = ch.tryRecvOrNull();
            if (second == null) {
                reg = ch.registerRecv(woken::incrementAndGet);
            }
        }
        assertThat(second).isEqualTo(2);
        tx.join();
        assertThat(woken.get()).isPositive();
        await(() -> ch.blockedReceivers() == 0, "no receiver left");
        if (f.canBeFull()) { // senders: a blocked thread and a pending registration, in order
            var m = f.<Integer>make();
            Channel<Integer> full = m.ch();
            int k = fillIfItCanBeFull(f, full);
            JoinHandle<Void> sender =
                    Threads.spawn(
                            () -> {
                                full.send(-1);
                                return null;
                            });
            await(() -> full.blockedSenders() == 1, "the thread waits to send");
            AtomicInteger calls = new AtomicInteger();
            SendRegistration offer = full.registerSend(-2, calls::incrementAndGet);
            assertThat(offer.isDone()).isFalse();
            assertThat(full.blockedSenders()).isEqualTo(2);
            List<Integer> got = new ArrayList<>();
            for (int i = 0; i < k + 2; i++) {
                got.add(full.recv());
            }
            sender.join();
            List<Integer> expected = rangeThen(k, -1);
            expected.add(-2);
            assertThat(got).containsExactlyElementsOf(expected);
            assertThat(offer.result()).isEqualTo(new SendResult.Sent());
            assertThat(calls.get()).isEqualTo(1);
            assertThat(full.blockedSenders()).isZero();
            assertThat(m.undelivered()).isEmpty();
        }
    }

    /**
     * docs/channels.md's third happens-before edge: a waker runs after the state change it reports
     * (an element or offer, the close, room for a pending send) is visible, so the waker's own try
     * sees it.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("flavors")
    void aWakerSeesTheStateChangeItReports(Flavor f) throws Exception {
        Channel<Integer> ch = f.<Integer>make().ch();
        java.util.concurrent.atomic.AtomicReference<RecvResult<Integer>> seen =
                new java.util.concurrent.atomic.AtomicReference<>();
        ch.registerRecv(() -> seen.set(ch.tryRecv()));
        JoinHandle<SendResult> tx = Threads.spawn(() -> ch.send(7, Duration.ofSeconds(20)));
        assertThat(tx.join()).isEqualTo(new SendResult.Sent());
        await(() -> seen.get() != null, "the waker ran");
        assertThat(seen.get()).isEqualTo(new RecvResult.Received<>(7));
        Channel<Integer> closing = f.<Integer>make().ch();
        java.util.concurrent.atomic.AtomicReference<RecvResult<Integer>> seenClose =
                new java.util.concurrent.atomic.AtomicReference<>();
        closing.registerRecv(() -> seenClose.set(closing.tryRecv()));
        Threads.spawn(() -> closing.close()).join();
        await(() -> seenClose.get() != null, "the waker ran on close");
        assertThat(seenClose.get())
                .isEqualTo(new RecvResult.Closed<Integer>(java.util.Optional.empty()));
        if (f.canBeFull() && f.capacity() > 0) {
            Channel<Integer> full = f.<Integer>make().ch();
            fillIfItCanBeFull(f, full);
            java.util.concurrent.atomic.AtomicReference<SendResult> told =
                    new java.util.concurrent.atomic.AtomicReference<>();
            SendRegistration[] reg = new SendRegistration[1];
            reg[0] = full.registerSend(-1, () -> told.set(reg[0].result()));
            assertThat(reg[0].isDone()).isFalse();
            assertThat(Threads.spawn(() -> full.recv()).join()).isZero(); // makes room
            await(() -> told.get() != null, "the send waker ran");
            assertThat(told.get()).isEqualTo(new SendResult.Sent());
        }
    }

    // ---- helpers ----

    /** Fills a channel whose sends can wait with 0..capacity-1; returns how many it sent. */
    private static int fillIfItCanBeFull(Flavor f, Channel<Integer> ch)
            throws InterruptedException {
        int k = f.canBeFull() ? f.capacity() : 0;
        for (int i = 0; i < k; i++) {
            ch.send(i);
        }
        return k;
    }

    /** 0..k-1, then {@code last}. */
    private static List<Integer> rangeThen(int k, int last) {
        List<Integer> out = new ArrayList<>(range(0, k));
        out.add(last);
        return out;
    }

    private static Void sendAll(Channel<Integer> ch, int from, int n) throws InterruptedException {
        for (int i = from; i < from + n; i++) {
            ch.send(i);
        }
        return null;
    }

    static List<Integer> range(int from, int to) {
        return IntStream.range(from, to).boxed().toList();
    }

    static List<Integer> drain(Channel<Integer> ch) {
        List<Integer> out = new ArrayList<>();
        while (ch.tryRecv() instanceof RecvResult.Received<Integer> r) {
            out.add(r.value());
        }
        return out;
    }
}
