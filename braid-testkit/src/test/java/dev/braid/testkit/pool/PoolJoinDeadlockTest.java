package dev.braid.testkit.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.pool.TaskHandle;
import dev.braid.pool.WorkStealingPool;
import dev.braid.sync.Mutex;
import dev.braid.testkit.Exploration;
import dev.braid.testkit.SimResult;
import dev.braid.testkit.Simulation;
import org.junit.jupiter.api.Test;

/**
 * A deadlock through a pool task's join is reported as one cycle: a thread that joins a task waits
 * for the worker running it (testkit10 found the join's wait with no holder, so a cycle through it
 * printed its waits but no cycle). Here the caller holds a mutex and joins a task that needs it.
 */
class PoolJoinDeadlockTest {
    private final Simulation sim = Simulation.builder().seed(3).schedules(200).build();

    private static void joinWhileHoldingWhatTheTaskNeeds() throws InterruptedException {
        Mutex<Integer> m = Mutex.named("m", 0);
        try (WorkStealingPool pool =
                WorkStealingPool.builder().parallelism(2).namePrefix("p").build()) {
            try (var g = m.lock()) {
                TaskHandle<Integer> t = pool.submit(() -> m.withLock(v -> v + 1));
                g.set(t.join()); // waits for the task, which waits for m: held here
            }
        }
    }

    @Test
    void aThreadJoiningATaskThatWaitsForItsMutexIsOneCycle() {
        Exploration e = sim.explore(PoolJoinDeadlockTest::joinWhileHoldingWhatTheTaskNeeds);
        SimResult r = e.failure().orElseThrow();
        assertThat(r).isInstanceOf(SimResult.Deadlock.class);
        SimResult.Deadlock d = (SimResult.Deadlock) r;
        assertThat(d.cycle())
                .as(e.message())
                .isNotNull()
                .contains("main -> join of TaskHandle[pool 'p'")
                .contains("Mutex(m) -> main");
        assertThat(d.waits())
                .anySatisfy(
                        w -> {
                            assertThat(w.thread()).isEqualTo("main");
                            assertThat(w.waitsFor()).startsWith("join of TaskHandle[pool 'p'");
                            assertThat(w.heldBy())
                                    .singleElement()
                                    .asString()
                                    .startsWith("p-worker-");
                        });
        assertThat(sim.rerun(r.schedule(), PoolJoinDeadlockTest::joinWhileHoldingWhatTheTaskNeeds))
                .isEqualTo(r);
    }
}
