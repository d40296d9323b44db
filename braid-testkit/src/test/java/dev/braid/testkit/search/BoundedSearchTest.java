package dev.braid.testkit.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.testkit.Exploration;
import dev.braid.testkit.NoLiveThreads;
import dev.braid.testkit.Sim;
import dev.braid.testkit.SimResult;
import dev.braid.testkit.Simulation;
import dev.braid.testkit.Strategy;
import dev.braid.thread.Threads;
import java.math.BigInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Bounded exhaustive search: exact counts, and a depth-2 bug found only with bound 2. */
class BoundedSearchTest {
    @AfterEach
    void noSimulatedThreadOutlivesItsRun() {
        NoLiveThreads.check();
    }

    private static Simulation bounded(int bound) {
        return Simulation.builder()
                .strategy(Strategy.BOUNDED)
                .preemptionBound(bound)
                .schedules(1_000_000)
                .build();
    }

    /**
     * Two threads of k atomic steps each: the root spawns the other thread (its first scheduling
     * point) and both then pass k - 1 yield points. Every interleaving of the two step sequences is
     * one schedule, so an unbounded search runs exactly C(2k, k).
     */
    @Test
    void unboundedSearchEnumeratesEveryInterleavingOfTwoThreads() {
        for (int k = 1; k <= 6; k++) {
            int yields = k - 1;
            Runnable steps =
                    () -> {
                        for (int i = 0; i < yields; i++) {
                            Sim.yieldNow();
                        }
                    };
            Exploration e =
                    bounded(-1)
                            .explore(
                                    () -> {
                                        Threads.spawn(steps);
                                        steps.run();
                                    });
            assertThat(e.exhausted()).as("k = %d: %s", k, e.message()).isTrue();
            assertThat(e.schedulesRun()).as("k = %d", k).isEqualTo(binomial(2 * k, k));
            assertThat(e.message()).startsWith("exhausted: " + binomial(2 * k, k) + " schedules");
        }
    }

    /** With a preemption bound, yields stay free: the count is the same C(2k, k). */
    @Test
    void yieldsAreNotPreemptions() {
        Runnable steps =
                () -> {
                    for (int i = 0; i < 3; i++) {
                        Sim.yieldNow();
                    }
                };
        Exploration e =
                bounded(0)
                        .explore(
                                () -> {
                                    Threads.spawn(steps);
                                    steps.run();
                                });
        // Only the spawn point's switch is a preemption (the root could go on): with bound 0 the
        // root runs first; every interleaving of the yields is still explored.
        assertThat(e.exhausted()).isTrue();
        assertThat(e.schedulesRun()).isEqualTo(binomial(7, 3));
    }

    @Test
    void depthTwoBugIsFoundWithBoundTwoAndBoundOneIsExhausted() {
        Exploration one = bounded(1).explore(() -> PlantedBugs.ringOfFlags(2));
        assertThat(one.passed()).as(one.message()).isTrue();
        assertThat(one.exhausted()).isTrue();
        assertThat(one.message()).matches("exhausted: \\d+ schedules, all passed");

        Exploration two = bounded(2).explore(() -> PlantedBugs.ringOfFlags(2));
        SimResult found = two.failure().orElseThrow(() -> new AssertionError(two.message()));
        assertThat(found).isInstanceOf(SimResult.Failed.class);
        assertThat(found.message()).contains("saw their neighbour's flag");
        assertThat(found.schedule()).startsWith("braid1:dfs:");
        // the bounded search's string replays like any other
        SimResult again = bounded(2).rerun(found.schedule(), () -> PlantedBugs.ringOfFlags(2));
        assertThat(again.message()).isEqualTo(found.message());
    }

    @Test
    void aBoundTooSmallForTheBudgetIsNotReportedExhausted() {
        Exploration e =
                Simulation.builder()
                        .strategy(Strategy.BOUNDED)
                        .preemptionBound(-1)
                        .schedules(5)
                        .build()
                        .explore(() -> PlantedBugs.ringOfFlags(3));
        assertThat(e.schedulesRun()).isEqualTo(5);
        assertThat(e.exhausted()).isFalse();
        assertThat(e.message()).doesNotContain("exhausted");
    }

    static int binomial(int n, int k) {
        BigInteger r = BigInteger.ONE;
        for (int i = 0; i < k; i++) {
            r = r.multiply(BigInteger.valueOf(n - i)).divide(BigInteger.valueOf(i + 1));
        }
        return r.intValueExact();
    }
}
