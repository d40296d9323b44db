package dev.braid.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.async.Async;
import dev.braid.async.LocalExecutor;
import dev.braid.channel.Channel;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * ADR 0187: a deadlock whose wait goes through an {@code Async.spawnBlocking} body or an {@code
 * Async.fromStage} reads well: the task's wait names the body and the thread that runs it (and the
 * wait-for cycle goes through that thread), or the stage, without an identity hash, so a replay
 * reports the same text.
 */
class AsyncInteropDeadlockReportTest {
    private final Simulation sim = Simulation.builder().seed(5).schedules(50).build();

    @AfterEach
    void noSimulatedThreadOutlivesItsRun() {
        NoLiveThreads.check();
    }

    /** A task awaits a blocking body that receives a request only the driving thread could send. */
    static void bodyAwaitsTheDriver() throws InterruptedException {
        Channel<Integer> requests =
                Channel.<Integer>builder().name("requests").rendezvous().build();
        try (LocalExecutor ex = LocalExecutor.create("sim")) {
            ex.blockOn(ex.spawn("fetch", Async.spawnBlocking(requests::recv)));
            requests.send(1);
        }
    }

    /** A task awaits a stage that the driving thread completes only after the task ends. */
    static void stageCompletedTooLate() throws InterruptedException {
        CompletableFuture<Integer> answer = new CompletableFuture<>();
        try (LocalExecutor ex = LocalExecutor.create("sim")) {
            ex.blockOn(ex.spawn("fetch", Async.fromStage(answer)));
            answer.complete(1);
        }
    }

    @Test
    void aDeadlockThroughABlockingBodyNamesTheBodyAndItsThread() {
        Exploration e = sim.explore(AsyncInteropDeadlockReportTest::bodyAwaitsTheDriver);
        SimResult r = e.failure().orElseThrow(() -> new AssertionError("deadlock not found"));
        assertThat(r).as(e.message()).isInstanceOf(SimResult.Deadlock.class);
        assertThat(((SimResult.Deadlock) r).waits())
                .as(e.message())
                .containsExactlyInAnyOrder(
                        new SimResult.Wait(
                                "main",
                                "task 'fetch' awaits the blocking body a lambda in"
                                        + " AsyncInteropDeadlockReportTest on thread 'thread-1'",
                                List.of("thread-1")),
                        new SimResult.Wait(
                                "thread-1", "to receive on channel 'requests' (empty)", List.of()));
        assertThat(sim.rerun(r.schedule(), AsyncInteropDeadlockReportTest::bodyAwaitsTheDriver))
                .isEqualTo(r);
    }

    @Test
    void aDeadlockThroughAStageNamesTheStage() {
        Exploration e = sim.explore(AsyncInteropDeadlockReportTest::stageCompletedTooLate);
        SimResult r = e.failure().orElseThrow(() -> new AssertionError("deadlock not found"));
        assertThat(r).as(e.message()).isInstanceOf(SimResult.Deadlock.class);
        assertThat(((SimResult.Deadlock) r).waits())
                .as(e.message())
                .containsExactly(
                        new SimResult.Wait(
                                "main",
                                "task 'sim-blockOn' awaits join of task 'fetch', which awaits a"
                                        + " CompletionStage (CompletableFuture)",
                                List.of()));
        assertThat(sim.rerun(r.schedule(), AsyncInteropDeadlockReportTest::stageCompletedTooLate))
                .isEqualTo(r);
    }
}
