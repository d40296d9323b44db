package dev.braid.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.async.Async;
import dev.braid.async.LocalExecutor;
import dev.braid.async.TaskHandle;
import dev.braid.async.TaskScope;
import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancellationSource;
import dev.braid.cancel.CancelledException;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.ScopePolicy;
import dev.braid.thread.Threads;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A task scope on a {@link LocalExecutor} whose ambient token another thread cancels while the
 * owner is in {@code join()}: the join stops, and {@code close()} must still run the child's
 * cancellation, which the cancelling thread may queue only after close() has looked at the queue.
 * Before, close() ran what was queued once, then waited for the children without driving the
 * executor: a cancellation queued a moment later was never run, and close() waited for ever (seen
 * once as a 300 s hang of {@code TaskScopeTest}, reported here as a deadlock).
 */
class LocalScopeCancelRaceSimTest {
    @AfterEach
    void noSimulatedThreadOutlivesItsRun() {
        NoLiveThreads.check();
    }

    private static void program() throws Exception {
        LocalExecutor ex = LocalExecutor.create("local");
        CancellationSource outer = new CancellationSource();
        AtomicReference<TaskHandle<Object>> child = new AtomicReference<>();
        JoinHandle<Void> canceller =
                Threads.builder()
                        .name("canceller")
                        .spawn(
                                () -> {
                                    outer.cancel();
                                });
        try {
            CancelScope.withToken(
                    outer.token(),
                    () -> {
                        try (TaskScope scope = TaskScope.open(ex, ScopePolicy.FAIL_FAST)) {
                            child.set(scope.spawn("child", Async.never()));
                            scope.join();
                        }
                        return null;
                    });
        } catch (CancelledException expected) {
            // the usual end: the ambient token was cancelled during (or before) the join
        }
        canceller.join();
        TaskHandle<Object> c = child.get();
        assertThat(c == null || c.isFinished()).as("no child outlives its scope: %s", c).isTrue();
        ex.close();
    }

    @Test
    void closeRunsACancellationQueuedAfterItLooked() {
        Simulation sim = Simulation.builder().seed(15).schedules(2_000).build();
        Exploration e = sim.explore(LocalScopeCancelRaceSimTest::program);
        assertThat(e.passed()).as(e.message()).isTrue();
        assertThat(e.schedulesRun()).isEqualTo(2_000);
    }
}
