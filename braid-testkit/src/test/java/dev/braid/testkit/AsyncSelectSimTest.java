package dev.braid.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.async.Async;
import dev.braid.async.AsyncChannels;
import dev.braid.async.Context;
import dev.braid.async.LocalExecutor;
import dev.braid.async.Poll;
import dev.braid.async.Timed;
import dev.braid.channel.Channel;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An async select with a send and a receive clause on one rendezvous channel (ADR 0175), against a
 * thread that sends one element and a thread that receives one, in every explored schedule: the
 * select pairs with one of them or with neither (they pair with each other, and its timeout ends
 * it), exactly one of its clauses wins, every element sent is received exactly once, nothing is
 * left on offer, nothing hangs, and the select is polled a bounded number of times (before ADR 0175
 * its own offer woke it without end: a schedule that never blocks).
 */
class AsyncSelectSimTest {
    private final Simulation sim = Simulation.builder().seed(16).schedules(300).build();

    static final Set<String> OUTCOMES = ConcurrentHashMap.newKeySet();

    @AfterEach
    void noSimulatedThreadOutlivesItsRun() {
        NoLiveThreads.check();
    }

    /** Counts the select's polls. */
    private record Counted<T>(Async<T> inner, AtomicInteger polls) implements Async<T> {
        @Override
        public Poll<T> poll(Context cx) {
            polls.incrementAndGet();
            return inner.poll(cx);
        }

        @Override
        public void drop() {
            inner.drop();
        }
    }

    static void selectAgainstASenderAndAReceiver(boolean sendFirst) throws InterruptedException {
        Channel<Integer> ch = Channel.<Integer>builder().name("meet").rendezvous().build();
        JoinHandle<Void> tx =
                Threads.builder()
                        .name("tx")
                        .spawn(
                                () -> {
                                    ch.send(7);
                                    return null;
                                });
        JoinHandle<Integer> rx = Threads.builder().name("rx").spawn(() -> ch.recv());
        var b = AsyncChannels.<String>select();
        if (sendFirst) {
            b.send(ch, 5, () -> "sent").recv(ch, v -> "got" + v);
        } else {
            b.recv(ch, v -> "got" + v).send(ch, 5, () -> "sent");
        }
        AtomicInteger polls = new AtomicInteger();
        Async<Timed<String>> select =
                new Counted<>(b.build(), polls).timeout(Duration.ofSeconds(1)); // virtual time
        String outcome;
        try (LocalExecutor ex = LocalExecutor.create("sim")) {
            outcome =
                    switch (ex.blockOn(ex.spawn("select", select))) {
                        case Timed.Done<String>(String v) -> v;
                        case Timed.Elapsed<String> e -> "elapsed";
                    };
        }
        int received;
        switch (outcome) {
            case "sent" -> { // rx took the 5; tx's 7 still waits for a receiver
                received = rx.join();
                assertThat(received).isEqualTo(5);
                assertThat(ch.recv()).isEqualTo(7);
            }
            case "got7" -> { // tx's 7 went to the select; rx still waits for an element
                ch.send(9);
                received = rx.join();
                assertThat(received).isEqualTo(9);
            }
            default -> { // the peers met each other; the select took and sent nothing
                assertThat(outcome).isEqualTo("elapsed");
                received = rx.join();
                assertThat(received).isEqualTo(7);
            }
        }
        tx.join();
        assertThat(ch.blockedSenders()).as("no offer left").isZero();
        assertThat(ch.blockedReceivers()).as("no watch left").isZero();
        assertThat(ch.len()).isZero();
        assertThat(polls.get()).as("the select's polls").isLessThanOrEqualTo(8);
        OUTCOMES.add(outcome);
    }

    @ParameterizedTest(name = "send first: {0}")
    @ValueSource(booleans = {true, false})
    void nothingIsLostDuplicatedOrHungInAnySchedule(boolean sendFirst) {
        OUTCOMES.clear();
        Exploration e = sim.explore(() -> selectAgainstASenderAndAReceiver(sendFirst));
        assertThat(e.passed()).as(e.message()).isTrue();
        assertThat(OUTCOMES)
                .as("the select sends, receives, or neither, in some schedule each")
                .containsExactlyInAnyOrder("sent", "got7", "elapsed");
    }
}
