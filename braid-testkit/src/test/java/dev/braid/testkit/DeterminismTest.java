package dev.braid.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.sync.Mutex;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The same seed gives the same schedule; different seeds explore different ones. */
class DeterminismTest {
    private final Simulation sim = Simulation.builder().build();

    @AfterEach
    void noSimulatedThreadOutlivesItsRun() {
        NoLiveThreads.check();
    }

    /** Three threads increment a shared counter under a mutex, with explicit yields. */
    static void contendedCounter() throws InterruptedException {
        Mutex<Integer> counter = Mutex.named("counter", 0);
        List<JoinHandle<Void>> workers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            workers.add(
                    Threads.spawn(
                            () -> {
                                for (int k = 0; k < 3; k++) {
                                    counter.update(v -> v + 1);
                                    Sim.yieldNow();
                                }
                            }));
        }
        for (JoinHandle<Void> w : workers) {
            w.join();
        }
        if (counter.withLock(v -> v) != 9) {
            throw new AssertionError("counter is " + counter.withLock(v -> v));
        }
    }

    @Test
    void sameSeedGivesTheIdenticalScheduleEveryTime() {
        SimResult first = sim.runOnce(42, DeterminismTest::contendedCounter);
        assertThat(first).isInstanceOf(SimResult.Passed.class);
        assertThat(Schedule.parse(first.schedule()).choiceCount()).isGreaterThan(10);
        for (int i = 0; i < 100; i++) {
            SimResult again = sim.runOnce(42, DeterminismTest::contendedCounter);
            assertThat(again.schedule()).isEqualTo(first.schedule());
            assertThat(again.steps()).isEqualTo(first.steps());
        }
    }

    @Test
    void differentSeedsGiveDifferentSchedules() {
        Set<String> schedules = new HashSet<>();
        for (long seed = 0; seed < 20; seed++) {
            schedules.add(sim.runOnce(seed, DeterminismTest::contendedCounter).schedule());
        }
        assertThat(schedules).hasSize(20);
    }

    @Test
    void replayOfAPassingScheduleReproducesItExactly() {
        SimResult first = sim.runOnce(7, DeterminismTest::contendedCounter);
        SimResult replayed = sim.rerun(first.schedule(), DeterminismTest::contendedCounter);
        assertThat(replayed).isEqualTo(first);
    }

    @Test
    void replayOfADifferentProgramReportsNondeterminism() {
        String schedule = sim.runOnce(7, DeterminismTest::contendedCounter).schedule();
        SimResult replayed =
                sim.rerun(
                        schedule,
                        () -> {
                            contendedCounter();
                            Threads.spawn(() -> {}).join();
                        });
        assertThat(replayed).isInstanceOf(SimResult.Nondeterminism.class);
        assertThat(replayed.schedule()).isEqualTo(schedule);
        assertThat(replayed.message())
                .contains("replay diverged")
                .contains("Math.random")
                .contains(schedule);
    }

    @Test
    void replayThatReadsLeftoverStaticStateReportsNondeterminism() {
        int[] runs = {0};
        SimBody leaky =
                () -> {
                    runs[0]++;
                    int threads = runs[0]; // depends on how often it ran before: not replayable
                    List<JoinHandle<Void>> hs = new ArrayList<>();
                    for (int i = 0; i < threads; i++) {
                        hs.add(Threads.spawn(Sim::yieldNow));
                    }
                    for (JoinHandle<Void> h : hs) {
                        h.join();
                    }
                };
        String schedule = sim.runOnce(3, leaky).schedule();
        assertThat(sim.rerun(schedule, leaky)).isInstanceOf(SimResult.Nondeterminism.class);
    }
}
