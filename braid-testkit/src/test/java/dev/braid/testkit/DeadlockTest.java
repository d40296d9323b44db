package dev.braid.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.sync.Mutex;
import dev.braid.sync.MutexGuard;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Lock-order deadlocks are found and reported as a wait-for graph; ordered locking passes. */
class DeadlockTest {
    private final Simulation sim = Simulation.builder().seed(1).schedules(1000).build();

    @AfterEach
    void noSimulatedThreadOutlivesItsRun() {
        NoLiveThreads.check();
    }

    private static void lockBoth(Mutex<Integer> first, Mutex<Integer> second) {
        try (MutexGuard<Integer> g1 = first.lock();
                MutexGuard<Integer> g2 = second.lock()) {
            g1.set(g1.get() + 1);
            g2.set(g2.get() + 1);
        }
    }

    private static void twoThreads(boolean opposite) throws InterruptedException {
        Mutex<Integer> a = Mutex.named("a", 0);
        Mutex<Integer> b = Mutex.named("b", 0);
        JoinHandle<Void> t1 = Threads.builder().name("T1").spawn(() -> lockBoth(a, b));
        JoinHandle<Void> t2 =
                Threads.builder()
                        .name("T2")
                        .spawn(() -> lockBoth(opposite ? b : a, opposite ? a : b));
        t1.join();
        t2.join();
    }

    @Test
    void abbaDeadlockIsReportedWithItsWaitForGraph() {
        Exploration e = sim.explore(() -> twoThreads(true));
        assertThat(e.passed()).isFalse();
        SimResult r = e.failure().orElseThrow();
        assertThat(r).isInstanceOf(SimResult.Deadlock.class);
        SimResult.Deadlock d = (SimResult.Deadlock) r;
        assertThat(d.waits())
                .contains(
                        new SimResult.Wait("T1", "Mutex(b)", java.util.List.of("T2")),
                        new SimResult.Wait("T2", "Mutex(a)", java.util.List.of("T1")),
                        new SimResult.Wait("main", "join(T1)", java.util.List.of("T1")));
        assertThat(d.cycle()).isEqualTo("T1 -> Mutex(b) -> T2 -> Mutex(a) -> T1");
        assertThat(e.message())
                .contains("thread 'T1' waits for Mutex(b) held by 'T2'")
                .contains("thread 'T2' waits for Mutex(a) held by 'T1'")
                .contains("cycle: T1 -> Mutex(b) -> T2 -> Mutex(a) -> T1")
                .contains("replay: " + r.schedule());
        // The replay finds the same deadlock at the same step.
        assertThat(sim.rerun(r.schedule(), () -> twoThreads(true))).isEqualTo(r);
    }

    @Test
    void orderedLockingPassesAThousandSchedules() {
        Exploration e = sim.explore(() -> twoThreads(false));
        assertThat(e.passed()).as(e.message()).isTrue();
        assertThat(e.schedulesRun()).isEqualTo(1000);
    }

    @Test
    void joinOnAParkedThreadIsADeadlockNamingTheJoin() {
        SimResult r =
                sim.runOnce(
                        5,
                        () -> {
                            Mutex<Integer> m = Mutex.named("m", 0);
                            MutexGuard<Integer> held = m.lock(); // never released
                            JoinHandle<Integer> w =
                                    Threads.builder()
                                            .name("waiter")
                                            .spawn(
                                                    () -> {
                                                        return m.withLock(v -> v);
                                                    });
                            w.join();
                            held.close();
                        });
        assertThat(r.message())
                .contains("deadlocked")
                .contains("thread 'main' waits for join(waiter) held by 'waiter'")
                .contains("thread 'waiter' waits for Mutex(m) held by 'main'")
                .contains("cycle: main -> join(waiter) -> waiter -> Mutex(m) -> main");
    }

    @Test
    void unnamedResourcesGetDeterministicLabels() {
        Object gate = new Object(); // no toString override: label must not use the identity hash
        SimBody body =
                () -> {
                    dev.braid.internal.rt.Rt.park(gate);
                };
        SimResult r = sim.runOnce(1, body);
        assertThat(r.message())
                .contains("thread 'main' waits for Object#1 (held by no simulated thread)");
    }
}
