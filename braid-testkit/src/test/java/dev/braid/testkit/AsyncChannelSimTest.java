package dev.braid.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.async.Async;
import dev.braid.async.AsyncChannels;
import dev.braid.async.LocalExecutor;
import dev.braid.async.TaskHandle;
import dev.braid.channel.Channel;
import dev.braid.channel.RecvResult;
import dev.braid.channel.SendResult;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Threads, async tasks and channels under one deterministic scheduler: a task that awaits a channel
 * is part of the deadlock wait-for graph.
 */
class AsyncChannelSimTest {
    private final Simulation sim = Simulation.builder().seed(5).schedules(200).build();

    @AfterEach
    void noSimulatedThreadOutlivesItsRun() {
        NoLiveThreads.check();
    }

    /**
     * A task 'fetch' sends a request and reads two results, but asks for the second one only after
     * reading it; the thread 'server' answers one request per result. Deadlock: the task awaits a
     * result the server sends only after a request the task sends only after that result.
     */
    static void requestReply(boolean buggy) throws InterruptedException {
        Channel<Integer> requests =
                Channel.<Integer>builder().name("requests").rendezvous().build();
        Channel<Integer> results = Channel.<Integer>builder().name("results").rendezvous().build();
        JoinHandle<Void> server =
                Threads.builder()
                        .name("server")
                        .spawn(
                                () -> {
                                    for (int i = 0; i < 2; i++) {
                                        int q = requests.recv();
                                        results.send(q * 10);
                                    }
                                    return null;
                                });
        try (LocalExecutor ex = LocalExecutor.create("sim")) {
            Async<Integer> fetch =
                    AsyncChannels.send(requests, 1)
                            .then(s -> AsyncChannels.recv(results))
                            .then(
                                    a ->
                                            buggy
                                                    ? AsyncChannels.recv(results)
                                                            .then(
                                                                    b ->
                                                                            AsyncChannels.send(
                                                                                            requests,
                                                                                            2)
                                                                                    .map(
                                                                                            s ->
                                                                                                    sum(
                                                                                                            a,
                                                                                                            b)))
                                                    : AsyncChannels.send(requests, 2)
                                                            .then(s -> AsyncChannels.recv(results))
                                                            .map(b -> sum(a, b)));
            int total = ex.blockOn(ex.spawn("fetch", fetch));
            assertThat(total).isEqualTo(30);
        }
        server.join();
    }

    static int sum(RecvResult<Integer> a, RecvResult<Integer> b) {
        return a.orElseThrow() + b.orElseThrow();
    }

    @Test
    void theCorrectProtocolPassesEverySchedule() {
        Exploration e = sim.explore(() -> requestReply(false));
        assertThat(e.passed()).as(e.message()).isTrue();
    }

    @Test
    void aDeadlockThroughATaskAChannelAndAThreadIsReportedAsOneCycle() {
        Exploration e = sim.explore(() -> requestReply(true));
        SimResult r = e.failure().orElseThrow(() -> new AssertionError("deadlock not found"));
        assertThat(r).isInstanceOf(SimResult.Deadlock.class);
        SimResult.Deadlock d = (SimResult.Deadlock) r;
        assertThat(d.waits())
                .containsExactlyInAnyOrder(
                        new SimResult.Wait(
                                "main",
                                "task 'fetch' awaits to receive on channel 'results' (empty)",
                                List.of("server")),
                        new SimResult.Wait(
                                "server",
                                "to receive on channel 'requests' (empty)",
                                List.of("main")));
        assertThat(d.cycle())
                .isEqualTo(
                        "main -> task 'fetch' awaits to receive on channel 'results' (empty) ->"
                                + " server -> to receive on channel 'requests' (empty) -> main");
        assertThat(e.message())
                .contains(
                        "thread 'main' drives task 'fetch' awaits to receive on channel 'results'"
                                + " (empty), served by 'server'");
        assertThat(sim.rerun(r.schedule(), () -> requestReply(true))).isEqualTo(r);
    }

    /**
     * A task's pending send cancelled while a thread's timed receive races it: in every schedule
     * the element is delivered at most once, and nothing stays on offer.
     */
    static final Set<String> OUTCOMES = ConcurrentHashMap.newKeySet();

    static void sendCancelRacingATimedReceive() throws InterruptedException {
        Channel<Integer> ch = Channel.<Integer>builder().name("ch").rendezvous().build();
        JoinHandle<RecvResult<Integer>> rx =
                Threads.builder().name("rx").spawn(() -> ch.recv(Duration.ofNanos(1)));
        try (LocalExecutor ex = LocalExecutor.create("sim")) {
            TaskHandle<SendResult> tx = ex.spawn("tx", AsyncChannels.send(ch, 7));
            ex.blockOn(Async.yieldNow());
            boolean cancelled = tx.cancel();
            ex.blockOn(Async.yieldNow());
            RecvResult<Integer> got = rx.join();
            OUTCOMES.add((cancelled ? "cancelled, " : "sent, ") + got.getClass().getSimpleName());
            if (!cancelled) {
                assertThat(ex.blockOn(tx)).isEqualTo(new SendResult.Sent());
                assertThat(got).isEqualTo(new RecvResult.Received<>(7));
            }
            assertThat(ch.blockedSenders()).as("no offer left").isZero();
            assertThat(ch.tryRecv()).isEqualTo(new RecvResult.Empty<Integer>());
        }
    }

    @Test
    void aCancelledSendIsDeliveredAtMostOnceInEverySchedule() {
        OUTCOMES.clear();
        Exploration e = sim.explore(AsyncChannelSimTest::sendCancelRacingATimedReceive);
        assertThat(e.passed()).as(e.message()).isTrue();
        assertThat(OUTCOMES)
                .as("a send completing and one taken while its cancel is pending are both explored")
                .contains("sent, Received", "cancelled, Received");
    }
}
