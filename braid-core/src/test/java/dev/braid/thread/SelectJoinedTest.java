package dev.braid.thread;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.channel.Channel;
import dev.braid.channel.Select;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Heterogeneous select (issue 11 point 4, ADR 0046): a {@link Select#joined} clause waits for a
 * thread's end next to channel clauses, wins when the thread ends, loses without a trace, fires at
 * once for a finished thread, and refuses a thread's wait for its own end.
 */
class SelectJoinedTest {
    private PanicHook previous;

    @BeforeEach
    void quietPanics() {
        previous = Panics.setHook((t, e) -> {});
    }

    @AfterEach
    void restore() {
        Panics.setHook(previous);
    }

    private static String describe(Exit<Integer> exit) {
        return switch (exit) {
            case Exit.Returned<Integer> r -> "returned " + r.value();
            case Exit.Panicked<Integer> p -> "panicked " + p.cause().getMessage();
            case Exit.Cancelled<Integer> c -> "cancelled";
        };
    }

    private static JoinHandle<Integer> gated(CountDownLatch go, int value) {
        return JoinHandleFinishTest.gated(go, value);
    }

    @Test
    void aJoinClauseWinsWhenTheThreadEnds() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        JoinHandle<Integer> worker = gated(go, 42);
        Channel<String> idle = Channel.bounded(1);
        AtomicReference<String> got = new AtomicReference<>();
        JoinHandle<Object> selector =
                Threads.spawn(
                        () -> {
                            got.set(
                                    Select.<String>biased()
                                            .joined(worker, SelectJoinedTest::describe)
                                            .recv(idle, s -> "recv " + s)
                                            .run());
                            return null;
                        });
        awaitBlockedReceiver(idle); // registered after the join clause
        assertThat(worker.registered()).as("the select's finish callback").isEqualTo(1);
        go.countDown();
        selector.join();
        assertThat(got).hasValue("returned 42");
        assertThat(idle.blockedReceivers()).as("the losing receive clause left").isZero();
        assertThat(idle.trySend("x").isSent()).as("nothing else waits on the channel").isTrue();
    }

    @Test
    void aJoinClauseLosesToAChannelClauseAndLeavesNoCallbackBehind() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        JoinHandle<Integer> worker = gated(go, 1);
        Channel<String> jobs = Channel.rendezvous();
        try {
            for (int round = 0; round < 50; round++) {
                String sent = "job " + round;
                JoinHandle<Object> sender =
                        Threads.spawn(
                                () -> {
                                    jobs.send(sent);
                                    return null;
                                });
                String r =
                        Select.<String>biased()
                                .joined(worker, SelectJoinedTest::describe)
                                .recv(jobs, s -> s)
                                .run();
                assertThat(r).isEqualTo(sent);
                sender.join();
                assertThat(worker.registered())
                        .as("no finish callback of a lost join clause remains (round %d)", round)
                        .isZero();
            }
        } finally {
            go.countDown();
        }
        assertThat(worker.join()).isEqualTo(1);
    }

    @Test
    void aFinishedThreadFiresAtOnceAheadOfTimeoutAndDefault() throws Exception {
        JoinHandle<Integer> done = Threads.spawn(() -> 7);
        done.join();
        Select<String> sel =
                Select.<String>biased()
                        .joined(done, SelectJoinedTest::describe)
                        .timeout(Duration.ofHours(1), () -> "timeout");
        assertThat(sel.run()).isEqualTo("returned 7");
        assertThat(sel.run()).as("a join clause consumes nothing").isEqualTo("returned 7");
        assertThat(
                        Select.<String>biased()
                                .joined(done, SelectJoinedTest::describe)
                                .orElse(() -> "default")
                                .run())
                .isEqualTo("returned 7");
        assertThat(done.registered()).isZero();
    }

    @Test
    void aRunningThreadLosesToTheDefault() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        JoinHandle<Integer> worker = gated(go, 0);
        String r =
                Select.<String>biased()
                        .joined(worker, SelectJoinedTest::describe)
                        .orElse(() -> "default")
                        .run();
        assertThat(r).isEqualTo("default");
        assertThat(worker.registered()).isZero();
        go.countDown();
        worker.join();
    }

    @Test
    void theExitTellsAPanicAndGetRethrowsItAsJoinWould() throws Exception {
        JoinHandle<Integer> bad =
                Threads.builder()
                        .name("bad")
                        .spawn(
                                () -> {
                                    throw new IllegalStateException("boom");
                                });
        AtomicReference<Exit<Integer>> seen = new AtomicReference<>();
        String r =
                Select.<String>biased()
                        .joined(
                                bad,
                                exit -> {
                                    seen.set(exit);
                                    return describe(exit);
                                })
                        .run();
        assertThat(r).isEqualTo("panicked boom");
        assertThatThrownBy(() -> seen.get().get())
                .isInstanceOf(PanicException.class)
                .hasMessageContaining("thread 'bad' panicked")
                .hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void aPanicSeenByASelectInsideAScopeCountsAsHandled() throws Exception {
        String r =
                Threads.scopeAndGet(
                        scope -> {
                            JoinHandle<Integer> bad =
                                    scope.spawn(
                                            () -> {
                                                throw new IllegalStateException("boom");
                                            });
                            return Select.<String>biased()
                                    .joined(bad, SelectJoinedTest::describe)
                                    .run();
                        });
        assertThat(r).isEqualTo("panicked boom");
    }

    @Test
    void aThreadThatSelectsOnItsOwnEndFailsFastWithTheWayOut() throws Exception {
        AtomicReference<JoinHandle<String>> self = new AtomicReference<>();
        CountDownLatch published = new CountDownLatch(1);
        JoinHandle<String> h =
                Threads.builder()
                        .name("narcissus")
                        .spawn(
                                () -> {
                                    published.await();
                                    Select<String> sel =
                                            Select.<String>biased()
                                                    .joined(self.get(), e -> "never");
                                    try {
                                        return sel.run();
                                    } catch (IllegalStateException e) {
                                        return e.getMessage();
                                    }
                                });
        self.set(h);
        published.countDown();
        assertThat(h.join())
                .contains("thread 'narcissus' cannot select on its own end")
                .contains("run the select on another thread");
        assertThat(h.registered()).isZero();
    }

    @Test
    void hostileArgumentsAreRefusedByName() throws Exception {
        JoinHandle<Integer> done = Threads.spawn(() -> 1);
        done.join();
        Select<String> sel = Select.biased();
        assertThatThrownBy(() -> sel.joined(null, e -> "x"))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("handle");
        assertThatThrownBy(() -> sel.joined(done, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("onExit");
        sel.joined(done, e -> "first");
        assertThatThrownBy(() -> sel.joined(done, e -> "second"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("handle: this select already waits for thread");
        assertThat(sel.run()).as("state unchanged by the refused clause").isEqualTo("first");
    }

    @Test
    void toStringNamesTheJoinedThread() throws Exception {
        JoinHandle<Integer> done = Threads.builder().name("w1").spawn(() -> 1);
        done.join();
        assertThat(Select.<String>biased().joined(done, e -> "x").toString())
                .isEqualTo("select on [join(w1)]");
    }

    private static void awaitBlockedReceiver(Channel<?> ch) throws InterruptedException {
        while (ch.blockedReceivers() == 0) {
            Thread.sleep(1);
        }
    }
}
