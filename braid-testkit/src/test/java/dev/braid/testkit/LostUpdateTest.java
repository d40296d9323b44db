package dev.braid.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.sync.Mutex;
import dev.braid.sync.MutexGuard;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A planted lost update is found, and its schedule string replays the identical failure. */
class LostUpdateTest {
    private final Simulation sim =
            Simulation.builder().strategy(Strategy.RANDOM).seed(100).schedules(1000).build();

    @AfterEach
    void noSimulatedThreadOutlivesItsRun() {
        NoLiveThreads.check();
    }

    /** Read under the lock, write under a second acquisition: the classic misuse. */
    static void incrementTwiceWithASplitCriticalSection() throws InterruptedException {
        Mutex<Integer> counter = Mutex.named("counter", 0);
        Runnable increment =
                () -> {
                    int read;
                    try (MutexGuard<Integer> g = counter.lock()) {
                        read = g.get();
                    }
                    try (MutexGuard<Integer> g = counter.lock()) {
                        g.set(read + 1);
                    }
                };
        JoinHandle<Void> a = Threads.spawn(increment);
        JoinHandle<Void> b = Threads.spawn(increment);
        a.join();
        b.join();
        int value = counter.withLock(v -> v);
        assertThat(value).as("counter").isEqualTo(2);
    }

    @Test
    void lostUpdateIsFoundAndReplaysIdentically() {
        Exploration e = sim.explore(LostUpdateTest::incrementTwiceWithASplitCriticalSection);
        SimResult found = e.failure().orElseThrow(() -> new AssertionError(e.message()));
        assertThat(found).isInstanceOf(SimResult.Failed.class);
        assertThat(found.message()).contains("expected: 2").contains("but was: 1");

        for (int i = 0; i < 3; i++) {
            SimResult replayed =
                    sim.rerun(
                            found.schedule(),
                            LostUpdateTest::incrementTwiceWithASplitCriticalSection);
            assertThat(replayed).isInstanceOf(SimResult.Failed.class);
            assertThat(replayed.schedule()).isEqualTo(found.schedule());
            assertThat(replayed.steps()).isEqualTo(found.steps());
            assertThat(replayed.message()).isEqualTo(found.message());
        }
        // runOnce with the failing schedule's seed finds it too.
        long seed = Schedule.parse(found.schedule()).seed();
        assertThat(sim.runOnce(seed, LostUpdateTest::incrementTwiceWithASplitCriticalSection))
                .isInstanceOf(SimResult.Failed.class);
    }

    @Test
    void atomicReadYieldWriteLosesUpdates() {
        SimBody body =
                () -> {
                    AtomicInteger shared = new AtomicInteger();
                    Runnable racy =
                            () -> {
                                int v = shared.get();
                                Sim.yieldNow();
                                shared.set(v + 1);
                            };
                    JoinHandle<Void> a = Threads.spawn(racy);
                    JoinHandle<Void> b = Threads.spawn(racy);
                    a.join();
                    b.join();
                    if (shared.get() != 2) {
                        throw new IllegalStateException("lost update: " + shared.get());
                    }
                };
        Exploration e = sim.explore(body);
        assertThat(e.failure()).isPresent();
        assertThat(e.message()).contains("lost update: 1").contains("braid1:random:");
        assertThatThrownBy(e::assertPassed)
                .isInstanceOf(AssertionError.class)
                .hasMessage(e.message())
                .hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void correctCriticalSectionPasses() {
        sim.check(
                () -> {
                    Mutex<Integer> counter = new Mutex<>(0);
                    Runnable increment =
                            () -> {
                                counter.update(v -> v + 1);
                            };
                    JoinHandle<Void> a = Threads.spawn(increment);
                    JoinHandle<Void> b = Threads.spawn(increment);
                    a.join();
                    b.join();
                    int value = counter.withLock(v -> v);
                    assertThat(value).isEqualTo(2);
                });
    }
}
