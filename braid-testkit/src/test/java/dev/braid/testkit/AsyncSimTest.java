package dev.braid.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.async.Async;
import dev.braid.async.Context;
import dev.braid.async.LocalExecutor;
import dev.braid.async.Poll;
import dev.braid.async.TaskHandle;
import dev.braid.async.TaskPanicException;
import dev.braid.async.TaskScope;
import dev.braid.async.ThreadedExecutor;
import dev.braid.async.Timed;
import dev.braid.async.Waker;
import dev.braid.cancel.CancelledException;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.ScopePolicy;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Async tasks under the deterministic scheduler: each poll runs between the scheduler's steps,
 * wakes and timers are ordinary steps, time is virtual, and a lost wake-up is a deadlock.
 */
class AsyncSimTest {
    /** Schedules for the scope-leak exploration (the issue asks for 10,000: about 8 s here). */
    private static final int SCOPE_SCHEDULES =
            Integer.getInteger("braid.async.scopeSchedules", 10_000);

    @AfterEach
    void noSimulatedThreadOutlivesItsRun() {
        NoLiveThreads.check();
    }

    /**
     * A hand-written future that is ready once {@code flag} is set by another thread. The buggy
     * version checks the flag before it publishes its waker: the setter can run in between, see no
     * waker, and the task is never woken again.
     */
    static final class FlagFuture implements Async<String> {
        final AtomicBoolean flag = new AtomicBoolean();
        final AtomicReference<Waker> waker = new AtomicReference<>();
        private final boolean buggy;

        FlagFuture(boolean buggy) {
            this.buggy = buggy;
        }

        @Override
        public Poll<String> poll(Context cx) {
            if (buggy) {
                if (flag.get()) {
                    return Poll.ready("set");
                }
                Sim.yieldNow();
                waker.set(cx.waker());
                return Poll.pending();
            }
            waker.set(cx.waker());
            Sim.yieldNow();
            return flag.get() ? Poll.ready("set") : Poll.pending();
        }

        void set() {
            flag.set(true);
            Sim.yieldNow();
            Waker w = waker.get();
            if (w != null) {
                w.wake();
            }
        }
    }

    private static void flagProgram(boolean buggy) throws Exception {
        LocalExecutor ex = LocalExecutor.create("sim");
        FlagFuture f = new FlagFuture(buggy);
        JoinHandle<Void> setter = Threads.builder().name("setter").spawn(f::set);
        assertThat(ex.blockOn(f)).isEqualTo("set");
        setter.join();
        ex.close();
    }

    @Test
    void aPlantedLostWakeUpIsFoundAsADeadlockAndReplays() {
        Simulation sim = Simulation.builder().seed(7).schedules(1000).build();
        Exploration e = sim.explore(() -> flagProgram(true));
        SimResult found = e.failure().orElseThrow(() -> new AssertionError(e.message()));
        assertThat(found).isInstanceOf(SimResult.Deadlock.class);
        assertThat(e.message()).contains("main").contains("replay: " + found.schedule());
        for (int i = 0; i < 3; i++) {
            assertThat(sim.rerun(found.schedule(), () -> flagProgram(true))).isEqualTo(found);
        }
    }

    @Test
    void theCorrectlyOrderedFuturePassesEverySchedule() {
        Simulation sim = Simulation.builder().seed(7).schedules(1000).build();
        Exploration e = sim.explore(() -> flagProgram(false));
        assertThat(e.passed()).as(e.message()).isTrue();
    }

    /**
     * Of two racing cancels of one task, the one that returns true is the one whose cause the
     * task's outcome reports (here a handle's cancel against its executor's close). Before the fix
     * each cancel wrote its cause before its state CAS, so the loser could overwrite the winner's.
     */
    @Test
    void ofRacingCancelsTheOneThatWonIsTheCauseReported() {
        Set<String> winners = ConcurrentHashMap.newKeySet();
        Simulation sim = Simulation.builder().seed(5).schedules(300).build();
        Exploration e =
                sim.explore(
                        () -> {
                            LocalExecutor ex = LocalExecutor.create("race");
                            TaskHandle<Object> h = ex.spawn("victim", Async.never());
                            ex.runUntilStalled(); // polled once: idle, awaiting a wake
                            JoinHandle<Boolean> canceller =
                                    Threads.builder().name("canceller").spawn(h::cancel);
                            ex.close(); // cancels with "executor 'race' closed"
                            boolean handleWon = canceller.join();
                            ex.runUntilStalled(); // the cancellation, if queued after close ran
                            winners.add(handleWon ? "handle" : "close");
                            String cause;
                            try {
                                h.join();
                                throw new AssertionError("a cancelled task gave a value");
                            } catch (CancelledException c) {
                                cause = c.getMessage();
                            }
                            assertThat(cause)
                                    .as("handle.cancel() returned " + handleWon)
                                    .contains(
                                            handleWon
                                                    ? "task 'victim' was cancelled"
                                                    : "executor 'race' closed");
                        });
        assertThat(e.passed()).as(e.message()).isTrue();
        assertThat(winners).containsExactlyInAnyOrder("handle", "close");
    }

    @Test
    void aTimeoutRacingACompletionIsExploredInBothOrders() {
        Set<String> outcomes = ConcurrentHashMap.newKeySet();
        Simulation sim = Simulation.builder().seed(11).schedules(300).build();
        Exploration e =
                sim.explore(
                        () -> {
                            LocalExecutor ex = LocalExecutor.create("sim");
                            CompletableFuture<String> cf = new CompletableFuture<>();
                            JoinHandle<Object> completer =
                                    Threads.builder()
                                            .name("completer")
                                            .spawn(
                                                    () -> {
                                                        Threads.sleep(Duration.ofMillis(10));
                                                        cf.complete("value");
                                                        return null;
                                                    });
                            Timed<String> r =
                                    ex.blockOn(Async.fromStage(cf).timeout(Duration.ofMillis(10)));
                            outcomes.add(r.isDone() ? "completed first" : "timed out first");
                            if (r.isDone()) {
                                assertThat(r.value()).isEqualTo("value");
                            }
                            completer.join();
                            ex.close();
                        });
        assertThat(e.passed()).as(e.message()).isTrue();
        assertThat(outcomes).containsExactlyInAnyOrder("completed first", "timed out first");
    }

    @Test
    void aScopeWithRandomChildFailuresLeaksNoChild() {
        Simulation sim = Simulation.builder().seed(3).schedules(SCOPE_SCHEDULES).build();
        Exploration e =
                sim.explore(
                        () -> {
                            ThreadedExecutor ex = ThreadedExecutor.create("pool", 2);
                            List<TaskHandle<Integer>> children = new ArrayList<>();
                            ScopePolicy policy = ScopePolicy.values()[Sim.nextInt(3)];
                            try (TaskScope scope = TaskScope.open(ex, policy)) {
                                for (int i = 0; i < 4; i++) {
                                    int delay = Sim.nextInt(3);
                                    boolean fail = Sim.nextInt(3) == 0;
                                    Async<Integer> body =
                                            Async.sleep(Duration.ofMillis(delay)).map(v -> 1);
                                    if (fail) {
                                        body =
                                                body.then(
                                                        v ->
                                                                Async.failed(
                                                                        new IllegalStateException(
                                                                                "child")));
                                    }
                                    children.add(scope.spawn("child-" + i, body));
                                }
                                try {
                                    scope.join();
                                } catch (TaskPanicException expected) {
                                    // the policy decides whether a failure surfaces
                                }
                            }
                            for (TaskHandle<Integer> c : children) {
                                assertThat(c.isFinished())
                                        .as(c.name() + " outlived its scope")
                                        .isTrue();
                            }
                            assertThat(ex.dumpTasks()).isEmpty();
                            ex.close();
                        });
        assertThat(e.passed()).as(e.message()).isTrue();
        assertThat(e.schedulesRun()).isEqualTo(SCOPE_SCHEDULES);
    }
}
