package dev.braid.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.async.AsyncExecutor;
import dev.braid.async.LocalExecutor;
import dev.braid.async.Poll;
import dev.braid.async.TaskHandle;
import dev.braid.async.ThreadedExecutor;
import dev.braid.cancel.CancelledException;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A spawn from another thread racing {@code close()} (probe14): the spawn is refused, or its task
 * runs, or it is cancelled, and in every case its handle finishes. Before, a spawn that passed the
 * closed check, then was counted after the last worker had decided to exit (ThreadedExecutor) or
 * after close() had run the queued cancellations (LocalExecutor), cancelled a task nobody would
 * ever run: its join waited for ever, reported here as a deadlock, and {@code close()} had returned
 * with the task live.
 */
class SpawnRacingCloseSimTest {
    @AfterEach
    void noSimulatedThreadOutlivesItsRun() {
        NoLiveThreads.check();
    }

    private static void program(Supplier<AsyncExecutor> executor) throws Exception {
        AsyncExecutor ex = executor.get();
        AtomicReference<TaskHandle<Integer>> spawned = new AtomicReference<>();
        JoinHandle<Void> spawner =
                Threads.builder()
                        .name("spawner")
                        .spawn(
                                () -> {
                                    try {
                                        spawned.set(ex.spawn("late", cx -> Poll.ready(1)));
                                    } catch (IllegalStateException refused) {
                                        // closed first: refused, nothing to wait for
                                    }
                                });
        ex.close();
        spawner.join();
        TaskHandle<Integer> h = spawned.get();
        if (h != null) {
            try {
                assertThat(h.join()).isEqualTo(1);
            } catch (CancelledException cancelled) {
                assertThat(h.isFinished()).isTrue();
            }
        }
    }

    @Test
    void aThreadedSpawnRacingCloseAlwaysFinishes() {
        Simulation sim = Simulation.builder().seed(14).schedules(500).build();
        Exploration e = sim.explore(() -> program(() -> ThreadedExecutor.create("racing", 1)));
        assertThat(e.passed()).as(e.message()).isTrue();
        assertThat(e.schedulesRun()).isEqualTo(500);
    }

    @Test
    void aLocalSpawnRacingCloseAlwaysFinishes() {
        Simulation sim = Simulation.builder().seed(14).schedules(500).build();
        Exploration e = sim.explore(() -> program(() -> LocalExecutor.create("racing")));
        assertThat(e.passed()).as(e.message()).isTrue();
        assertThat(e.schedulesRun()).isEqualTo(500);
    }
}
