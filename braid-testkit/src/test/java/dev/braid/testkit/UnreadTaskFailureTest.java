package dev.braid.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.internal.rt.Rt;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A task failure that only its handle keeps ({@code Rt.taskFailed}) fails the run at its end when
 * no one read the outcome ({@code Rt.acquireFrom} of the handle, as a join or poll does), like an
 * uncaught throwable of a thread; a read clears it, and {@code failOnUncaught(false)} turns it off.
 * The seam is called here directly, as a pool or async task's completion would
 * (findings-testkit13).
 */
class UnreadTaskFailureTest {
    @AfterEach
    void noSimulatedThreadOutlivesItsRun() {
        NoLiveThreads.check();
    }

    /** A worker fails a task kept in {@code handle}; the root reads it if {@code read}. */
    private static SimBody body(Object handle, boolean read) {
        return () -> {
            JoinHandle<Void> worker =
                    Threads.builder()
                            .name("worker")
                            .spawn(
                                    () ->
                                            Rt.taskFailed(
                                                    handle,
                                                    "task 'audit'",
                                                    new AssertionError("negative stock")));
            worker.join();
            if (read) {
                Rt.acquireFrom(handle);
            }
        };
    }

    private static Simulation.Builder sim() {
        return Simulation.builder()
                .seed(3)
                .schedules(20)
                .shrink(false)
                .progress(false)
                .traceDirectory(Optional.empty());
    }

    @Test
    void aFailureNoOneReadsFailsTheRunAtItsEndAndReplays() {
        Object handle = new Object();
        Exploration e = sim().build().explore(body(handle, false));
        SimResult r = e.failure().orElseThrow(() -> new AssertionError("not reported"));
        assertThat(r).isInstanceOf(SimResult.ThreadFailed.class);
        assertThat(r.message())
                .contains(
                        "task 'audit' failed with java.lang.AssertionError: negative stock",
                        "no one read its outcome");
        SimResult again = Simulation.replay(r.schedule(), body(handle, false));
        assertThat(again.message()).isEqualTo(r.message());
    }

    @Test
    void aFailureThatIsReadIsNotReported() {
        sim().build().check(body(new Object(), true));
    }

    @Test
    void failOnUncaughtFalseTurnsItOff() {
        sim().failOnUncaught(false).build().check(body(new Object(), false));
    }
}
