package dev.braid.testkit.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.atomic.AtomicI32;
import dev.braid.atomic.Ordering;
import dev.braid.testkit.Exploration;
import dev.braid.testkit.SimResult;
import dev.braid.testkit.Simulation;
import dev.braid.testkit.Strategy;
import dev.braid.testkit.internal.Engine;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Coverage guidance steers runs toward reads-from pairs it has seen possible but not covered: a bug
 * that needs one thread's load to see the initial value while another thread has a single early
 * store to it (the reader must run about 25 steps before the writer's first step) is out of reach
 * of uniform random choices (docs/perf/testkit.md: not found in 10,000 schedules) and found by the
 * steered search within a few dozen.
 */
class CoverageSteeringTest {
    @AfterEach
    void noSimulatedThreadOutlivesItsRun() {
        assertThat(Engine.liveThreads()).isZero();
    }

    /** The poker's store must come after the worker's 24 increments and its load. */
    static void starvedPoker() throws InterruptedException {
        AtomicI32 poked = new AtomicI32(0);
        AtomicI32 steps = new AtomicI32(0);
        JoinHandle<Void> poker = Threads.spawn(() -> poked.store(1, Ordering.SEQ_CST));
        JoinHandle<Void> worker =
                Threads.spawn(
                        () -> {
                            for (int k = 0; k < 24; k++) {
                                steps.fetchAdd(1, Ordering.SEQ_CST);
                            }
                            if (poked.load(Ordering.SEQ_CST) != 1) {
                                throw new AssertionError("the poker was starved");
                            }
                        });
        poker.join();
        worker.join();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void aSteeredRunReadsTheInitialValueAStarvedWriterLeaves(long seed) {
        Exploration e =
                Simulation.builder()
                        .strategy(Strategy.COVERAGE)
                        .seed(seed)
                        .schedules(300)
                        .shrink(false)
                        .progress(false)
                        .build()
                        .explore(CoverageSteeringTest::starvedPoker);

        assertThat(e.failure()).as("found within 300 schedules").isPresent();
        SimResult found = e.failure().orElseThrow();
        assertThat(found.message()).contains("the poker was starved");
        SimResult again = Simulation.replay(found.schedule(), CoverageSteeringTest::starvedPoker);
        assertThat(again.message()).contains("the poker was starved");
        assertThat(again.schedule()).isEqualTo(found.schedule());
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2})
    void theSteeredSearchIsDeterministicForASeed(long seed) {
        Simulation sim =
                Simulation.builder()
                        .strategy(Strategy.COVERAGE)
                        .seed(seed)
                        .schedules(300)
                        .shrink(false)
                        .progress(false)
                        .build();
        Exploration first = sim.explore(CoverageSteeringTest::starvedPoker);
        Exploration second = sim.explore(CoverageSteeringTest::starvedPoker);
        assertThat(second.schedulesRun()).isEqualTo(first.schedulesRun());
        assertThat(second.failure().map(SimResult::schedule))
                .isEqualTo(first.failure().map(SimResult::schedule));
    }
}
