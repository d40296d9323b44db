package dev.braid.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.async.Async;
import dev.braid.async.AsyncMutex;
import dev.braid.async.LocalExecutor;
import dev.braid.async.TaskHandle;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link AsyncMutex} under the deterministic scheduler: tasks and a thread contending for it. */
class AsyncMutexSimTest {
    @AfterEach
    void noSimulatedThreadOutlivesItsRun() {
        NoLiveThreads.check();
    }

    private static void enter(AtomicInteger inside) {
        if (inside.incrementAndGet() != 1) {
            throw new AssertionError("two holders of the mutex at once");
        }
    }

    @Test
    void tasksAndAThreadNeverHoldTheMutexTogether() {
        Simulation sim = Simulation.builder().seed(5).schedules(300).build();
        Exploration e =
                sim.explore(
                        () -> {
                            AsyncMutex m = new AsyncMutex("m");
                            AtomicInteger inside = new AtomicInteger();
                            LocalExecutor ex = LocalExecutor.create("sim");
                            JoinHandle<Object> thread =
                                    Threads.builder()
                                            .name("thread")
                                            .spawn(
                                                    () -> {
                                                        try (AsyncMutex.Guard g =
                                                                Async.await(m.lock())) {
                                                            enter(inside);
                                                            assertThat(g.mutex()).isSameAs(m);
                                                            Sim.yieldNow();
                                                            inside.decrementAndGet();
                                                        }
                                                        return null;
                                                    });
                            List<Async<? extends Integer>> tasks = new ArrayList<>();
                            for (int i = 0; i < 2; i++) {
                                int id = i;
                                tasks.add(
                                        ex.spawn(
                                                "task-" + i,
                                                m.lock()
                                                        .then(
                                                                g -> {
                                                                    enter(inside);
                                                                    return Async.yieldNow()
                                                                            .map(
                                                                                    v -> {
                                                                                        inside
                                                                                                .decrementAndGet();
                                                                                        g.close();
                                                                                        return id;
                                                                                    });
                                                                })));
                            }
                            assertThat(ex.blockOn(Async.joinAll(tasks))).containsExactly(0, 1);
                            thread.join();
                            assertThat(m.isLocked()).isFalse();
                            ex.close();
                        });
        assertThat(e.passed()).as(e.message()).isTrue();
    }

    @Test
    void aTaskWaitingForAMutexNobodyReleasesIsReportedAsADeadlock() {
        Simulation sim = Simulation.builder().seed(3).schedules(5).build();
        Exploration e =
                sim.explore(
                        () -> {
                            AsyncMutex m = new AsyncMutex("never-released");
                            AsyncMutex.Guard held = m.tryLock().orElseThrow();
                            LocalExecutor ex = LocalExecutor.create("sim");
                            TaskHandle<AsyncMutex.Guard> waiter = ex.spawn("waiter", m.lock());
                            try {
                                ex.blockOn(waiter);
                            } finally {
                                held.close();
                            }
                        });
        SimResult found = e.failure().orElseThrow(() -> new AssertionError(e.message()));
        assertThat(found).isInstanceOf(SimResult.Deadlock.class);
        assertThat(e.message()).contains("task 'waiter' awaits AsyncMutex[never-released, locked");
    }
}
