package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.channel.Channel;
import dev.braid.channel.ChannelClosedException;
import dev.braid.channel.RecvResult;
import dev.braid.channel.SendResult;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An async select with a send and a receive clause on one rendezvous channel (ADR 0175, which
 * supersedes the refusal of ADR 0169): its own offer never makes its own receive clause ready, so a
 * lone select is polled once and waits; another party's offer completes the receive clause, another
 * party's receive completes the send clause; exactly one clause wins and the loser's element is
 * withdrawn. Every select here is wrapped in {@link Counted}, which fails the task past {@link
 * Counted#LIMIT} polls: before ADR 0175 a lone select re-polled itself without end (probe15), so
 * each test, which first lets the select settle alone, failed there.
 */
class AsyncSelectSendAndRecvTest {
    private final LocalExecutor ex = LocalExecutor.create("self-pair");

    @AfterEach
    void close() {
        ex.close();
    }

    /**
     * Counts polls, and fails the task past {@link #LIMIT} of them (a re-poll storm), closing the
     * channel first so that a peer blocked on it fails too instead of waiting for ever.
     */
    static final class Counted<T> implements Async<T> {
        static final int LIMIT = 64;
        private final Async<T> inner;
        private final Channel<?> ch;
        final AtomicInteger polls = new AtomicInteger();

        Counted(Async<T> inner, Channel<?> ch) {
            this.inner = inner;
            this.ch = ch;
        }

        @Override
        public Poll<T> poll(Context cx) {
            if (polls.incrementAndGet() > LIMIT) {
                AssertionError storm =
                        new AssertionError(
                                "polled " + LIMIT + " times: the select re-polls itself");
                ch.close(storm);
                throw storm;
            }
            return inner.poll(cx);
        }

        @Override
        public void drop() {
            inner.drop();
        }
    }

    /** The select on {@code ch}, its send clause first or second. */
    private static Counted<String> select(Channel<Integer> ch, int element, boolean sendFirst) {
        var b = AsyncChannels.<String>select();
        if (sendFirst) {
            b.send(ch.sender(), element, () -> "sent").recv(ch.receiver(), v -> "got" + v);
        } else {
            b.recv(ch.receiver(), v -> "got" + v).send(ch.sender(), element, () -> "sent");
        }
        return new Counted<>(b.build(), ch);
    }

    /** Spawns the select and lets it settle alone: polled once, its offer and its watch stand. */
    private TaskHandle<String> waiting(Channel<Integer> ch, Counted<String> select) {
        TaskHandle<String> h = ex.spawn("select", select);
        ex.runUntilStalled();
        assertThat(h.isFinished()).as("the lone select waits (it did not fail)").isFalse();
        assertThat(select.polls.get()).as("polled once, not woken by its own offer").isEqualTo(1);
        assertThat(ch.blockedSenders()).as("its offer").isEqualTo(1);
        assertThat(ch.blockedReceivers()).as("its receive clause").isEqualTo(1);
        return h;
    }

    private static void assertNothingLeft(Channel<Integer> ch) {
        assertThat(ch.blockedSenders()).isZero();
        assertThat(ch.blockedReceivers()).isZero();
        assertThat(ch.tryRecv()).isEqualTo(new RecvResult.Empty<Integer>());
    }

    @ParameterizedTest(name = "send first: {0}")
    @ValueSource(booleans = {true, false})
    void aPeerTasksOfferCompletesTheReceiveClause(boolean sendFirst) throws Exception {
        Channel<Integer> ch = Channel.<Integer>builder().name("meet").build();
        Counted<String> select = select(ch, 5, sendFirst);
        TaskHandle<String> h = waiting(ch, select);

        TaskHandle<SendResult> peer = ex.spawn("peer", AsyncChannels.send(ch, 7));
        ex.runUntilStalled();

        assertThat(ex.blockOn(h)).isEqualTo("got7");
        assertThat(ex.blockOn(peer)).isEqualTo(new SendResult.Sent());
        assertThat(select.polls.get()).isLessThanOrEqualTo(3);
        assertNothingLeft(ch); // the losing send clause's 5 was withdrawn
    }

    @ParameterizedTest(name = "send first: {0}")
    @ValueSource(booleans = {true, false})
    void aPeerTasksReceiveCompletesTheSendClause(boolean sendFirst) throws Exception {
        Channel<Integer> ch = Channel.<Integer>builder().name("meet").build();
        Counted<String> select = select(ch, 5, sendFirst);
        TaskHandle<String> h = waiting(ch, select);

        TaskHandle<RecvResult<Integer>> peer = ex.spawn("peer", AsyncChannels.recv(ch));
        ex.runUntilStalled();

        assertThat(ex.blockOn(h)).isEqualTo("sent");
        assertThat(ex.blockOn(peer)).isEqualTo(new RecvResult.Received<>(5));
        assertThat(select.polls.get()).isLessThanOrEqualTo(3);
        assertNothingLeft(ch);
    }

    @ParameterizedTest(name = "send first: {0}")
    @ValueSource(booleans = {true, false})
    void aBlockedThreadsSendCompletesTheReceiveClause(boolean sendFirst) throws Exception {
        Channel<Integer> ch = Channel.<Integer>builder().name("meet").build();
        Counted<String> select = select(ch, 5, sendFirst);
        TaskHandle<String> h = waiting(ch, select);

        JoinHandle<Void> peer =
                Threads.spawn(
                        () -> {
                            ch.send(7); // blocks until the select takes it
                            return null;
                        });

        assertThat(ex.blockOn(h)).isEqualTo("got7");
        peer.join();
        assertThat(select.polls.get()).isLessThanOrEqualTo(3);
        assertNothingLeft(ch);
    }

    @ParameterizedTest(name = "send first: {0}")
    @ValueSource(booleans = {true, false})
    void aBlockedThreadsReceiveCompletesTheSendClause(boolean sendFirst) throws Exception {
        Channel<Integer> ch = Channel.<Integer>builder().name("meet").build();
        Counted<String> select = select(ch, 5, sendFirst);
        TaskHandle<String> h = waiting(ch, select);

        JoinHandle<Integer> peer = Threads.spawn(() -> ch.recv());

        assertThat(ex.blockOn(h)).isEqualTo("sent");
        assertThat(peer.join()).isEqualTo(5);
        assertThat(select.polls.get()).isLessThanOrEqualTo(3);
        assertNothingLeft(ch);
    }

    @Test
    void aNonBlockingPeerMeetsTheWaitingSelectEitherWay() throws Exception {
        Channel<Integer> ch = Channel.<Integer>builder().name("meet").build();
        Counted<String> first = select(ch, 5, true);
        TaskHandle<String> h = waiting(ch, first);
        assertThat(ch.tryRecv()).isEqualTo(new RecvResult.Received<>(5)); // takes its offer
        assertThat(ex.blockOn(h)).isEqualTo("sent");
        assertNothingLeft(ch);

        Counted<String> second = select(ch, 6, false);
        TaskHandle<String> h2 = waiting(ch, second);
        assertThat(ch.trySend(8))
                .as("a receive clause takes nothing until it is polled")
                .isEqualTo(new SendResult.Full());
        assertThat(ch.blockedReceivers()).isEqualTo(1);
        assertThat(ch.tryRecv()).isEqualTo(new RecvResult.Received<>(6));
        assertThat(ex.blockOn(h2)).isEqualTo("sent");
    }

    @Test
    void twoSuchSelectsOnOneChannelPairWithEachOther() throws Exception {
        Channel<Integer> ch = Channel.<Integer>builder().name("meet").build();
        Counted<String> a = select(ch, 1, true);
        TaskHandle<String> ha = waiting(ch, a);
        Counted<String> b = select(ch, 2, false);
        TaskHandle<String> hb = ex.spawn("b", b);
        ex.runUntilStalled();

        assertThat(ex.blockOn(ha)).isEqualTo("sent");
        assertThat(ex.blockOn(hb)).isEqualTo("got1");
        assertThat(a.polls.get() + b.polls.get()).isLessThanOrEqualTo(4);
        assertNothingLeft(ch);
    }

    @ParameterizedTest(name = "send first: {0}")
    @ValueSource(booleans = {true, false})
    void cancellingTheWaitingSelectWithdrawsBothRegistrations(boolean sendFirst) throws Exception {
        Channel<Integer> ch = Channel.<Integer>builder().name("meet").build();
        Counted<String> select = select(ch, 5, sendFirst);
        TaskHandle<String> h = waiting(ch, select);

        assertThat(h.cancel()).isTrue();
        ex.runUntilStalled();

        assertThat(h.isFinished()).isTrue();
        assertThat(ch.blockedSenders()).as("its offer is withdrawn").isZero();
        assertThat(ch.blockedReceivers()).as("its receive clause is withdrawn").isZero();
        assertThat(ch.tryRecv())
                .as("the 5 is not delivered")
                .isEqualTo(new RecvResult.Empty<Integer>());
        assertThat(ch.trySend(9)).as("nobody receives").isEqualTo(new SendResult.Full());
    }

    @ParameterizedTest(name = "send first: {0}")
    @ValueSource(booleans = {true, false})
    void closingTheChannelFailsTheWaitingSelect(boolean sendFirst) throws Exception {
        Channel<Integer> ch = Channel.<Integer>builder().name("meet").build();
        Counted<String> select = select(ch, 5, sendFirst);
        TaskHandle<String> h = waiting(ch, select);

        ch.close();

        assertThatThrownBy(() -> ex.blockOn(h))
                .isInstanceOf(TaskPanicException.class)
                .cause()
                .isInstanceOf(ChannelClosedException.class)
                .hasMessageContaining("meet");
        assertThat(ch.blockedSenders()).isZero();
        assertThat(ch.blockedReceivers()).isZero();
    }

    @Test
    void onAThreadedExecutorAThreadPeerMeetsIt() throws Exception {
        Channel<Integer> ch = Channel.<Integer>builder().name("meet").build();
        try (ThreadedExecutor threaded = ThreadedExecutor.create("self-pair", 1)) {
            for (int round = 0; round < 200; round++) {
                Counted<String> select = select(ch, round, (round & 1) == 0);
                TaskHandle<String> h = threaded.spawn("select", select);
                boolean receive = (round & 2) == 0;
                if (receive) {
                    assertThat(ch.recv()).isEqualTo(round);
                    assertThat(h.join()).isEqualTo("sent");
                } else {
                    ch.send(-round - 1);
                    assertThat(h.join()).isEqualTo("got" + (-round - 1));
                }
                assertThat(select.polls.get()).isLessThanOrEqualTo(Counted.LIMIT);
            }
        }
        assertNothingLeft(ch);
    }

    /** docs/async.md's example, verbatim: two tasks running the same trade meet. */
    @Test
    void theGuidesTradeExample() throws Exception {
        Channel<String> swap = Channel.<String>builder().name("swap").rendezvous().build();
        Async<String> trade =
                AsyncChannels.<String>select()
                        .send(swap, "mine", () -> "gave mine")
                        .recv(swap, theirs -> "got " + theirs)
                        .build();
        Async<String> other =
                AsyncChannels.<String>select()
                        .send(swap, "mine", () -> "gave mine")
                        .recv(swap, theirs -> "got " + theirs)
                        .build();
        TaskHandle<String> a = ex.spawn("a", trade);
        TaskHandle<String> b = ex.spawn("b", other);
        assertThat(List.of(ex.blockOn(a), ex.blockOn(b)))
                .containsExactlyInAnyOrder("gave mine", "got mine");
        assertThat(swap.blockedSenders()).isZero();
        assertThat(swap.blockedReceivers()).isZero();
    }
}
