package dev.braid.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.braid.async.Async;
import dev.braid.async.AsyncChannels;
import dev.braid.async.Context;
import dev.braid.async.LocalExecutor;
import dev.braid.async.Poll;
import dev.braid.async.TaskHandle;
import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancellationSource;
import dev.braid.cancel.CancellationToken;
import dev.braid.sync.Condvar;
import dev.braid.sync.Latch;
import dev.braid.sync.Mutex;
import dev.braid.sync.RwLock;
import dev.braid.sync.Semaphore;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.lang.ref.WeakReference;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * Resources over time (the audit of issue 11 as a long-running user meets it): a waiter that gives
 * up — a timed-out {@code recv}/{@code send}, a select whose timeout fired, an async receive or
 * send that was dropped or cancelled, a wait that registered on the ambient token — leaves no entry
 * in the channel's wait lists and no node in the token's callback stack, however many times it
 * happens, and an element offered by a sender that gave up becomes garbage.
 *
 * <p>The probes are the channel's own wait lists ({@link WaitList#size()}, which counts entries not
 * yet unlinked, unlike {@link Channel#blockedReceivers()}; read from this package) and the token's
 * {@code retainedNodes()} (read reflectively): no public API exists or is added for them. Each loop
 * is a thousand iterations that really register (a timeout long enough to pass the fast checks)
 * plus cheap iterations up to 100k where the path allows.
 */
class ChannelLeakAuditTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    /** Long enough that the waiter registers before the deadline check fires. */
    private static final Duration SHORT = Duration.ofNanos(20_000);

    private static List<Channel<Object>> idleFlavors() {
        return List.of(
                Channel.builder().name("rendezvous").rendezvous().build(),
                Channel.builder().name("bounded-1").bounded(1).build(),
                Channel.builder().name("bounded-1000").bounded(1000).build(),
                Channel.builder().name("unbounded").unbounded().build(),
                Channel.builder().name("conflated").conflated().build());
    }

    /** Channels where a send must wait: a rendezvous without receivers and full bounded ones. */
    private static List<Channel<Object>> fullFlavors() {
        List<Channel<Object>> out = new ArrayList<>();
        out.add(Channel.builder().name("rendezvous").rendezvous().build());
        for (int cap : new int[] {1, 1000}) {
            Channel<Object> ch = Channel.builder().name("full-" + cap).bounded(cap).build();
            for (int i = 0; i < cap; i++) {
                assertThat(ch.trySend("filler")).isEqualTo(SendResult.Sent.INSTANCE);
            }
            out.add(ch);
        }
        return out;
    }

    @Test
    void timedOutReceivesOnAnIdleChannelLeaveNoEntries() {
        assertTimeoutPreemptively(
                LIMIT,
                () -> {
                    for (Channel<Object> ch : idleFlavors()) {
                        for (int i = 0; i < 1_000; i++) {
                            assertThat(ch.recv(SHORT)).isSameAs(RecvResult.TimedOut.INSTANCE);
                        }
                        for (int i = 0; i < 100_000; i++) {
                            ch.recv(Duration.ofNanos(1));
                        }
                        assertNoEntries(ch);
                    }
                });
    }

    @Test
    void timedOutSendsOnAFullChannelLeaveNoEntriesAndDropTheirElement() {
        assertTimeoutPreemptively(
                LIMIT,
                () -> {
                    for (Channel<Object> ch : fullFlavors()) {
                        List<WeakReference<Object>> offered = new ArrayList<>();
                        for (int i = 0; i < 1_000; i++) {
                            Object payload = new byte[64];
                            if (i % 100 == 0) {
                                offered.add(new WeakReference<>(payload));
                            }
                            assertThat(ch.send(payload, SHORT))
                                    .isSameAs(SendResult.TimedOut.INSTANCE);
                        }
                        assertNoEntries(ch);
                        assertAllCleared(offered, ch.toString());
                    }
                });
    }

    @Test
    void selectsThatTimeOutOverIdleChannelsLeaveNoEntriesAndNoTokenNodes() {
        assertTimeoutPreemptively(
                LIMIT,
                () -> {
                    Channel<Object> a = Channel.builder().name("a").bounded(4).build();
                    Channel<Object> b = Channel.builder().name("b").unbounded().build();
                    Channel<Object> full = Channel.builder().name("full").rendezvous().build();
                    CancellationSource src = new CancellationSource();
                    JoinHandle<Object> running = sleeper();
                    List<WeakReference<Object>> offered = new ArrayList<>();
                    try {
                        for (int i = 0; i < 1_000; i++) {
                            Object payload = new byte[64];
                            if (i % 100 == 0) {
                                offered.add(new WeakReference<>(payload));
                            }
                            String r =
                                    Select.<String>biased()
                                            .recv(a, x -> "a")
                                            .recv(b, x -> "b")
                                            .send(full, payload, () -> "sent")
                                            .joined(running, exit -> "joined")
                                            .cancelled(src.token(), () -> "cancelled")
                                            .timeout(SHORT, () -> "timeout")
                                            .run();
                            assertThat(r).isEqualTo("timeout");
                        }
                    } finally {
                        running.thread().interrupt();
                        running.join();
                    }
                    for (Channel<Object> ch : List.of(a, b, full)) {
                        assertNoEntries(ch);
                    }
                    assertThat(retainedNodes(src.token())).as("token nodes").isLessThan(64);
                    assertAllCleared(offered, "select send clause");
                });
    }

    @Test
    void waitsUnderAnAmbientTokenLeaveNoNodesOnIt() {
        assertTimeoutPreemptively(
                LIMIT,
                () -> {
                    Channel<Object> ch = Channel.builder().name("idle").bounded(8).build();
                    Channel<Object> full = Channel.builder().name("full").rendezvous().build();
                    CancellationSource src = new CancellationSource();
                    CancelScope.withToken(
                            src.token(),
                            () -> {
                                for (int i = 0; i < 1_000; i++) {
                                    ch.recv(SHORT);
                                    full.send("x", SHORT);
                                }
                                return null;
                            });
                    assertNoEntries(ch);
                    assertNoEntries(full);
                    assertThat(retainedNodes(src.token())).as("token nodes").isLessThan(64);
                });
    }

    /**
     * The same probe for the other blocking waits (here, next to the probe, not in sync's tests).
     */
    @Test
    void lockSemaphoreLatchJoinSleepAndCondvarWaitsUnderAnAmbientTokenLeaveNoNodesOnIt() {
        assertTimeoutPreemptively(
                LIMIT,
                () -> {
                    Mutex<Integer> m = new Mutex<>(0);
                    RwLock<Integer> rw = new RwLock<>(0);
                    CountDownLatch held = new CountDownLatch(1);
                    JoinHandle<Object> holder =
                            Threads.spawn(
                                    () -> {
                                        var g = m.lock();
                                        var w = rw.write();
                                        try {
                                            held.countDown();
                                            Thread.sleep(Long.MAX_VALUE);
                                        } catch (InterruptedException e) {
                                            // the test is done
                                        } finally {
                                            w.close();
                                            g.close();
                                        }
                                        return null;
                                    });
                    held.await();
                    Semaphore none = new Semaphore(0);
                    Latch closed = new Latch(1);
                    Mutex<Integer> cvLock = new Mutex<>(0);
                    Condvar cv = new Condvar();
                    CancellationSource src = new CancellationSource();
                    try {
                        CancelScope.withToken(
                                src.token(),
                                () -> {
                                    for (int i = 0; i < 1_000; i++) {
                                        m.tryLock(SHORT);
                                        rw.tryRead(SHORT);
                                        none.tryAcquire(SHORT);
                                        closed.await(SHORT);
                                        holder.join(SHORT);
                                        Threads.sleep(SHORT);
                                        src.token().await(SHORT);
                                        try (var g = cvLock.lock()) {
                                            cv.await(g, SHORT);
                                        }
                                    }
                                    return null;
                                });
                    } finally {
                        holder.thread().interrupt();
                        holder.join();
                    }
                    assertThat(retainedNodes(src.token())).as("token nodes").isLessThan(64);
                });
    }

    @Test
    void droppedAsyncReceivesAndSendsLeaveNoRegistrations() {
        assertTimeoutPreemptively(
                LIMIT,
                () -> {
                    Channel<Object> idle = Channel.builder().name("idle").bounded(4).build();
                    Channel<Object> full = Channel.builder().name("full").rendezvous().build();
                    Context cx = new Context(() -> {});
                    List<WeakReference<Object>> offered = new ArrayList<>();
                    for (int i = 0; i < 100_000; i++) {
                        var recv = AsyncChannels.recv(idle);
                        assertThat(recv.poll(cx)).isInstanceOf(Poll.Pending.class);
                        if (i == 0) {
                            assertThat(entries(idle)).as("the probe sees a registration").isOne();
                        }
                        recv.drop();
                        Object payload = new byte[64];
                        if (i % 1000 == 0) {
                            offered.add(new WeakReference<>(payload));
                        }
                        var send = AsyncChannels.send(full, payload);
                        assertThat(send.poll(cx)).isInstanceOf(Poll.Pending.class);
                        send.drop();
                    }
                    assertNoEntries(idle);
                    assertNoEntries(full);
                    assertAllCleared(offered, "dropped async send");
                });
    }

    @Test
    void droppedAsyncSelectsAndLosingCombinatorBranchesLeaveNoRegistrations() {
        assertTimeoutPreemptively(
                LIMIT,
                () -> {
                    Channel<Object> x = Channel.builder().name("x").bounded(2).build();
                    Channel<Object> y = Channel.builder().name("y").unbounded().build();
                    Channel<Object> full = Channel.builder().name("full").rendezvous().build();
                    Context cx = new Context(() -> {});
                    for (int i = 0; i < 20_000; i++) {
                        Async<String> s =
                                AsyncChannels.<String>select()
                                        .recv(x, v -> "x")
                                        .recv(y, v -> "y")
                                        .send(full, i, () -> "sent")
                                        .build();
                        assertThat(s.poll(cx)).isInstanceOf(Poll.Pending.class);
                        s.drop();
                    }
                    try (LocalExecutor ex = LocalExecutor.create("leak-audit-comb")) {
                        for (int i = 0; i < 1_000; i++) {
                            ex.blockOn(
                                    Async.race(
                                            List.of(
                                                    AsyncChannels.recv(x).map(r -> 1),
                                                    Async.yieldNow().map(v -> 2))));
                            ex.blockOn(
                                    Async.firstSuccess(
                                            List.of(
                                                    AsyncChannels.send(full, "e").map(r -> 1),
                                                    Async.yieldNow().map(v -> 2))));
                        }
                    }
                    for (Channel<Object> ch : List.of(x, y, full)) {
                        assertNoEntries(ch);
                    }
                });
    }

    @Test
    void cancelledAndTimedOutAsyncReceiveTasksLeaveNoRegistrations() {
        assertTimeoutPreemptively(
                LIMIT,
                () -> {
                    Channel<Object> idle = Channel.builder().name("idle").unbounded().build();
                    try (LocalExecutor ex = LocalExecutor.create("leak-audit")) {
                        for (int i = 0; i < 1_000; i++) {
                            TaskHandle<RecvResult<Object>> t = ex.spawn(AsyncChannels.recv(idle));
                            ex.runUntilStalled();
                            assertThat(idle.blockedReceivers()).isEqualTo(1);
                            t.cancel();
                            ex.runUntilStalled();
                        }
                        for (int i = 0; i < 200; i++) {
                            ex.blockOn(AsyncChannels.recv(idle).timeout(SHORT));
                        }
                    }
                    assertNoEntries(idle);
                });
    }

    @Test
    void aStreamEndsOnCloseAndAnEarlyClosedStreamLeavesNoWaiter() throws Exception {
        assertTimeoutPreemptively(
                LIMIT,
                () -> {
                    Channel<Integer> ch = Channel.<Integer>builder().name("s").bounded(8).build();
                    for (int i = 0; i < 5; i++) {
                        ch.send(i);
                    }
                    try (var s = ch.stream()) {
                        assertThat(s.limit(2).toList()).containsExactly(0, 1);
                    }
                    assertNoEntries(ch);
                    ch.close();
                    assertThat(ch.stream().toList()).containsExactly(2, 3, 4);
                    assertNoEntries(ch);

                    Channel<Integer> live = Channel.<Integer>builder().name("live").build();
                    CountDownLatch started = new CountDownLatch(1);
                    JoinHandle<List<Integer>> consumer =
                            Threads.spawn(
                                    () -> {
                                        started.countDown();
                                        return live.stream().toList();
                                    });
                    started.await();
                    live.send(7);
                    live.send(8);
                    live.close();
                    assertThat(consumer.join()).containsExactly(7, 8);
                    assertNoEntries(live);
                });
    }

    // ---- probes ----

    private static JoinHandle<Object> sleeper() {
        return Threads.spawn(
                () -> {
                    try {
                        Thread.sleep(Long.MAX_VALUE);
                    } catch (InterruptedException e) {
                        // the test is done
                    }
                    return null;
                });
    }

    /** Entries in the three wait lists, live or stale (read while no other thread uses ch). */
    static int entries(Channel<?> ch) {
        return ch.core.senders.size() + ch.core.receivers.size() + ch.core.readers.size();
    }

    static void assertNoEntries(Channel<?> ch) {
        assertThat(entries(ch)).as("wait-list entries of " + ch).isZero();
        assertThat(ch.blockedSenders() + ch.blockedReceivers()).as(ch.toString()).isZero();
    }

    static int retainedNodes(CancellationToken token) throws ReflectiveOperationException {
        Method m = CancellationToken.class.getDeclaredMethod("retainedNodes");
        m.setAccessible(true);
        return (int) m.invoke(token);
    }

    static void assertAllCleared(List<WeakReference<Object>> refs, String what)
            throws InterruptedException {
        dev.braid.Collected.all(refs);
        assertThat(refs.stream().filter(r -> r.get() != null).count())
                .as("elements still reachable after giving up: " + what)
                .isZero();
    }
}
