package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.cancel.CancelledException;
import dev.braid.channel.Channel;
import dev.braid.channel.ChannelClosedException;
import dev.braid.channel.RecvResult;
import dev.braid.channel.SendResult;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Async receive, send and select on braid channels: threads and tasks on one channel, over the
 * local and the pool executor, rendezvous and buffered; cancellation leaves no trace.
 */
class AsyncChannelTest {
    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (int capacity : new int[] {0, 2}) {
            out.add(
                    Arguments.of(
                            "local, capacity " + capacity,
                            (Supplier<AsyncExecutor>) () -> LocalExecutor.create("local"),
                            capacity));
            out.add(
                    Arguments.of(
                            "pool-2, capacity " + capacity,
                            (Supplier<AsyncExecutor>) () -> PoolExecutor.create("pool", 2),
                            capacity));
        }
        return out.stream();
    }

    private final List<AsyncExecutor> opened = new ArrayList<>();

    private AsyncExecutor open(Supplier<AsyncExecutor> make) {
        AsyncExecutor ex = make.get();
        opened.add(ex);
        return ex;
    }

    @AfterEach
    void closeAll() {
        opened.forEach(AsyncExecutor::close);
    }

    static <T> T await(AsyncExecutor ex, TaskHandle<T> h) throws InterruptedException {
        return ex instanceof LocalExecutor l ? l.blockOn(h) : h.join();
    }

    static <T> Channel<T> channel(int capacity) {
        return capacity == 0 ? Channel.rendezvous() : Channel.bounded(capacity);
    }

    /** A task that receives until the channel is closed, summing what it got. */
    static Async<Long> sumAll(Channel<Integer> ch, long acc) {
        return AsyncChannels.recv(ch)
                .then(
                        r ->
                                switch (r) {
                                    case RecvResult.Received<Integer>(Integer v) ->
                                            sumAll(ch, acc + v);
                                    default -> Async.ready(acc);
                                });
    }

    /** A task that sends from..to-1, then closes the channel. */
    static Async<Integer> sendRange(Channel<Integer> ch, int from, int to) {
        if (from == to) {
            ch.close();
            return Async.ready(to);
        }
        return AsyncChannels.send(ch, from)
                .then(
                        s -> {
                            assertThat(s).isEqualTo(new SendResult.Sent());
                            return sendRange(ch, from + 1, to);
                        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aThreadSendsAndATaskReceives(String kind, Supplier<AsyncExecutor> make, int capacity)
            throws Exception {
        AsyncExecutor ex = open(make);
        Channel<Integer> ch = channel(capacity);
        int n = 2_000;
        TaskHandle<Long> sum = ex.spawn("sum", sumAll(ch, 0));
        JoinHandle<Void> sender =
                Threads.spawn(
                        () -> {
                            for (int i = 1; i <= n; i++) {
                                ch.send(i);
                            }
                            ch.close();
                            return null;
                        });
        assertThat(await(ex, sum)).isEqualTo((long) n * (n + 1) / 2);
        sender.join();
        assertThat(ch.len()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aTaskSendsAndAThreadReceives(String kind, Supplier<AsyncExecutor> make, int capacity)
            throws Exception {
        AsyncExecutor ex = open(make);
        Channel<Integer> ch = channel(capacity);
        int n = 2_000;
        TaskHandle<Integer> sender = ex.spawn("send", sendRange(ch, 1, n + 1));
        JoinHandle<Long> receiver =
                Threads.spawn(
                        () -> {
                            long s = 0;
                            for (int v : ch) {
                                s += v;
                            }
                            return s;
                        });
        assertThat(await(ex, sender)).isEqualTo(n + 1);
        assertThat(receiver.join()).isEqualTo((long) n * (n + 1) / 2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void twoTasksMeetOnOneChannelWhileAThreadAlsoReceives(
            String kind, Supplier<AsyncExecutor> make, int capacity) throws Exception {
        AsyncExecutor ex = open(make);
        Channel<Integer> ch = channel(capacity);
        int n = 1_000;
        TaskHandle<Integer> sender = ex.spawn("send", sendRange(ch, 0, n));
        TaskHandle<Set<Integer>> taskRx = ex.spawn("rx", collect(ch, new HashSet<>()));
        JoinHandle<Set<Integer>> threadRx =
                Threads.spawn(
                        () -> {
                            Set<Integer> got = new HashSet<>();
                            for (int v : ch) {
                                got.add(v);
                            }
                            return got;
                        });
        assertThat(await(ex, sender)).isEqualTo(n);
        Set<Integer> a = await(ex, taskRx);
        Set<Integer> b = threadRx.join();
        assertThat(a.size() + b.size()).as("each element received exactly once").isEqualTo(n);
        Set<Integer> all = new HashSet<>(a);
        all.addAll(b);
        assertThat(all).hasSize(n);
    }

    static Async<Set<Integer>> collect(Channel<Integer> ch, Set<Integer> into) {
        return AsyncChannels.recv(ch)
                .then(
                        r -> {
                            if (r instanceof RecvResult.Received<Integer>(Integer v)) {
                                assertThat(into.add(v)).isTrue();
                                return collect(ch, into);
                            }
                            return Async.ready(into);
                        });
    }

    @Test
    void aCancelledPendingRecvLeavesTheChannelAsIfItNeverCame() throws Exception {
        try (LocalExecutor ex = LocalExecutor.create("l")) {
            Channel<String> ch = Channel.rendezvous();
            TaskHandle<RecvResult<String>> h = ex.spawn("rx", AsyncChannels.recv(ch));
            ex.blockOn(Async.yieldNow()); // the task ran once and registered
            assertThat(h.isFinished()).isFalse();
            assertThat(ch.blockedReceivers()).isEqualTo(1);
            assertThat(h.cancel()).isTrue();
            ex.blockOn(Async.yieldNow()); // the cancelled task runs to drop its future
            assertThatThrownBy(h::join).isInstanceOf(CancelledException.class);
            assertThat(ch.blockedReceivers()).isEqualTo(0);
            assertThat(ch.trySend("x")).isEqualTo(new SendResult.Full());
            assertThat(ch.len()).isZero();
        }
    }

    @Test
    void aCancelledPendingSendWithdrawsItsElement() throws Exception {
        try (LocalExecutor ex = LocalExecutor.create("l")) {
            Channel<String> ch = Channel.bounded(1);
            assertThat(ch.trySend("first")).isEqualTo(new SendResult.Sent());
            TaskHandle<SendResult> h = ex.spawn("tx", AsyncChannels.send(ch, "second"));
            ex.blockOn(Async.yieldNow());
            assertThat(h.isFinished()).isFalse();
            assertThat(ch.blockedSenders()).isEqualTo(1);
            assertThat(h.cancel()).isTrue();
            ex.blockOn(Async.yieldNow());
            assertThat(ch.blockedSenders()).isEqualTo(0);
            assertThat(ch.tryRecv()).isEqualTo(new RecvResult.Received<>("first"));
            assertThat(ch.tryRecv()).isEqualTo(new RecvResult.Empty<String>());
        }
    }

    @Test
    void sendRacingCancelDeliversEachElementAtMostOnceAndLosesNone() throws Exception {
        try (PoolExecutor ex = PoolExecutor.create("race", 2)) {
            Channel<Integer> ch = Channel.rendezvous();
            int n = 300;
            AtomicInteger sentCount = new AtomicInteger();
            Set<Integer> received = new HashSet<>();
            for (int i = 0; i < n; i++) {
                TaskHandle<SendResult> h =
                        ex.spawn(
                                AsyncChannels.send(ch, i)
                                        .map(
                                                s -> {
                                                    sentCount.incrementAndGet();
                                                    return s;
                                                }));
                RecvResult<Integer> r = ch.recv(Duration.ofNanos(i % 3 * 20_000));
                h.cancel();
                try {
                    h.join();
                } catch (CancelledException e) {
                    // cancelled while on offer: withdrawn, or taken just before the withdrawal
                }
                r.valueIfReceived().ifPresent(v -> assertThat(received.add(v)).isTrue());
                assertThat(ch.tryRecv())
                        .as("no offer left behind after the cancel")
                        .isEqualTo(new RecvResult.Empty<Integer>());
                assertThat(ch.blockedSenders()).isEqualTo(0);
            }
            assertThat(received.size()).isGreaterThanOrEqualTo(sentCount.get());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void selectTakesFromExactlyOneClause(String kind, Supplier<AsyncExecutor> make, int capacity)
            throws Exception {
        AsyncExecutor ex = open(make);
        Channel<Integer> a = channel(capacity);
        Channel<Integer> b = channel(capacity);
        Channel<String> out = Channel.unbounded();
        int n = 500;
        TaskHandle<Integer> selector = ex.spawn("sel", selectLoop(a, b, out, 0, n));
        JoinHandle<Void> feeder =
                Threads.spawn(
                        () -> {
                            for (int i = 0; i < n; i++) {
                                (i % 2 == 0 ? a : b).send(i);
                            }
                            return null;
                        });
        assertThat(await(ex, selector)).isEqualTo(n);
        feeder.join();
        assertThat(a.tryRecv().isReceived()).isFalse();
        assertThat(b.tryRecv().isReceived()).isFalse();
    }

    static Async<Integer> selectLoop(
            Channel<Integer> a, Channel<Integer> b, Channel<String> out, int done, int n) {
        if (done == n) {
            return Async.ready(done);
        }
        return AsyncChannels.<Integer>select()
                .recv(a, v -> v)
                .recv(b, v -> v)
                .build()
                .then(v -> selectLoop(a, b, out, done + 1, n));
    }

    @Test
    void selectWithASendClauseFiresOnceAndADroppedSelectLeavesNoOffer() throws Exception {
        try (LocalExecutor ex = LocalExecutor.create("l")) {
            Channel<Integer> in = Channel.rendezvous();
            Channel<Integer> out = Channel.rendezvous();
            TaskHandle<String> h =
                    ex.spawn(
                            AsyncChannels.<String>select()
                                    .recv(in, v -> "got " + v)
                                    .send(out, 7, () -> "sent")
                                    .build());
            ex.blockOn(Async.yieldNow());
            assertThat(out.blockedSenders()).isEqualTo(1);
            assertThat(out.tryRecv()).isEqualTo(new RecvResult.Received<>(7));
            assertThat(ex.blockOn(h)).isEqualTo("sent");
            assertThat(in.blockedReceivers()).isEqualTo(0);

            TaskHandle<String> h2 =
                    ex.spawn(
                            AsyncChannels.<String>select()
                                    .recv(in, v -> "got " + v)
                                    .send(out, 8, () -> "sent")
                                    .build());
            ex.blockOn(Async.yieldNow());
            assertThat(h2.cancel()).isTrue();
            ex.blockOn(Async.yieldNow());
            assertThat(out.blockedSenders()).isEqualTo(0);
            assertThat(in.blockedReceivers()).isEqualTo(0);
            assertThat(out.tryRecv()).isEqualTo(new RecvResult.Empty<Integer>());
        }
    }

    @Test
    void closedChannelsEndRecvAndSendAndFailSelect() throws Exception {
        try (LocalExecutor ex = LocalExecutor.create("l")) {
            Channel<Integer> ch = Channel.rendezvous();
            TaskHandle<RecvResult<Integer>> rx = ex.spawn(AsyncChannels.recv(ch));
            TaskHandle<SendResult> tx = ex.spawn(AsyncChannels.send(Channel.bounded(1), 1));
            ex.blockOn(Async.yieldNow());
            IllegalStateException cause = new IllegalStateException("shutdown");
            ch.close(cause);
            assertThat(ex.blockOn(rx))
                    .isEqualTo(new RecvResult.Closed<>(java.util.Optional.of(cause)));
            assertThat(ex.blockOn(tx)).isEqualTo(new SendResult.Sent());
            assertThat(ex.blockOn(AsyncChannels.send(ch, 2)))
                    .isEqualTo(new SendResult.Closed(java.util.Optional.of(cause)));
            assertThatThrownBy(
                            () ->
                                    ex.blockOn(
                                            AsyncChannels.<Integer>select()
                                                    .recv(ch, v -> v)
                                                    .build()))
                    .isInstanceOf(ChannelClosedException.class)
                    .hasCause(cause);
        }
    }

    @Test
    void aBusyReceiverYieldsAfterItsBudget() {
        Channel<Integer> ch = Channel.unbounded();
        for (int i = 0; i < Context.DEFAULT_BUDGET + 10; i++) {
            ch.trySend(i);
        }
        AtomicInteger wakes = new AtomicInteger();
        Context cx = new Context(wakes::incrementAndGet);
        int ready = 0;
        while (AsyncChannels.recv(ch).poll(cx) instanceof Poll.Ready<?>) {
            ready++;
        }
        assertThat(ready).isEqualTo(Context.DEFAULT_BUDGET);
        assertThat(wakes.get()).as("the yield wakes the task").isEqualTo(1);
        assertThat(ch.len()).as("the yielding poll took nothing").isEqualTo(10);
    }

    @Test
    void misuseFailsClearly() {
        Channel<Integer> ch = Channel.bounded(1);
        assertThatThrownBy(() -> AsyncChannels.recv(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("rx");
        assertThatThrownBy(() -> AsyncChannels.send(ch, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("element");
        assertThatThrownBy(() -> AsyncChannels.<Integer>select().build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("at least one clause");
        assertThatThrownBy(
                        () ->
                                AsyncChannels.<Integer>select()
                                        .send(ch, 1, () -> 1)
                                        .send(ch, 2, () -> 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already has a send clause");
        ch.trySend(5);
        Async<RecvResult<Integer>> r = AsyncChannels.recv(ch);
        Context cx = new Context(Waker.noop());
        assertThat(r.poll(cx)).isEqualTo(Poll.ready(new RecvResult.Received<>(5)));
        assertThatThrownBy(() -> r.poll(cx))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("polled after it completed");
    }
}
