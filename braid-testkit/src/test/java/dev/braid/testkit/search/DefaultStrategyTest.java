package dev.braid.testkit.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.atomic.AtomicBool;
import dev.braid.atomic.Ordering;
import dev.braid.testkit.Exploration;
import dev.braid.testkit.NoLiveThreads;
import dev.braid.testkit.Sim;
import dev.braid.testkit.SimBody;
import dev.braid.testkit.SimResult;
import dev.braid.testkit.Simulation;
import dev.braid.testkit.Strategy;
import dev.braid.testkit.junit.SimTest;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * ADR 0064: replay follows a string's recorded choices, never the builder's default strategy, so
 * changing the default cannot break a recorded string. The default is the portfolio (amendment of
 * 2026-12-04, night) now that PCT lets the partner of a spinning thread run, whether the spin
 * yields or only loads.
 */
class DefaultStrategyTest {
    /**
     * Recorded with the testkit of 2026-12-04 (default RANDOM): {@code
     * Simulation.builder().seed(1).shrink(false).build().explore(...)}.
     */
    private static final String LOST_UPDATE = "braid1:random:-7456765501708208026:9:IxY:b46340db";

    private static final String RING_OF_2 = "braid1:random:6869446166584666695:7:Uw:c1f772c3";

    private static final SimBody RING = () -> PlantedBugs.ringOfFlags(2);

    @AfterEach
    void noSimulatedThreadOutlivesItsRun() {
        NoLiveThreads.check();
    }

    @Test
    void aRandomReplayStringRecordedUnderTheOldDefaultStillReplays() {
        for (int i = 0; i < 3; i++) {
            SimResult lost = Simulation.replay(LOST_UPDATE, PlantedBugs::lostUpdate);
            assertThat(lost).isInstanceOf(SimResult.Failed.class);
            assertThat(lost.message()).contains("[x]");
            assertThat(lost.schedule()).isEqualTo(LOST_UPDATE);

            SimResult ring = Simulation.replay(RING_OF_2, RING);
            assertThat(ring).isInstanceOf(SimResult.Failed.class);
            assertThat(ring.schedule()).isEqualTo(RING_OF_2);
        }
    }

    @Test
    void namingRandomReproducesAnOldExploration() {
        Exploration e =
                Simulation.builder()
                        .strategy(Strategy.RANDOM)
                        .seed(1)
                        .shrink(false)
                        .build()
                        .explore(PlantedBugs::lostUpdate);
        assertThat(e.failure().orElseThrow().schedule()).isEqualTo(LOST_UPDATE);
    }

    @Test
    void replayIgnoresTheDefaultStrategy() {
        // a string replays the same under a simulation built with any strategy
        for (Strategy strategy : Strategy.values()) {
            SimResult r =
                    Simulation.builder()
                            .strategy(strategy)
                            .build()
                            .rerun(LOST_UPDATE, PlantedBugs::lostUpdate);
            assertThat(r.schedule()).as("%s", strategy).isEqualTo(LOST_UPDATE);
            assertThat(r).isInstanceOf(SimResult.Failed.class);
        }
    }

    @Test
    void theDefaultIsThePortfolio() throws NoSuchMethodException {
        Exploration byDefault = Simulation.builder().seed(1).shrink(false).build().explore(RING);
        Exploration named =
                Simulation.builder()
                        .strategy(Strategy.PORTFOLIO)
                        .seed(1)
                        .shrink(false)
                        .build()
                        .explore(RING);
        assertThat(byDefault.failure().orElseThrow().schedule())
                .isEqualTo(named.failure().orElseThrow().schedule());
        assertThat(SimTest.class.getMethod("strategy").getDefaultValue())
                .isEqualTo(Strategy.PORTFOLIO);
    }

    /**
     * A root that spins with {@code Sim.yieldNow()} until a child has run: PCT's strict priorities
     * starved the child whenever the root's priority was higher (a yield was not a SPIN hint), and
     * the correct loop was reported as a livelock. Now a task that keeps yielding while nobody else
     * runs drops its priority, as a SPIN does.
     */
    @Test
    void pctLetsTheChildOfAYieldSpinningRootRun() {
        SimBody spinUntilChildRan =
                () -> {
                    AtomicBool ran = new AtomicBool(false);
                    JoinHandle<Void> child = Threads.spawn(() -> ran.store(true, Ordering.SEQ_CST));
                    while (!ran.load(Ordering.SEQ_CST)) {
                        Sim.yieldNow();
                    }
                    child.join();
                };
        for (Strategy strategy :
                new Strategy[] {Strategy.RANDOM, Strategy.PCT, Strategy.PORTFOLIO}) {
            assertPasses(spinUntilChildRan, strategy, 3);
        }
    }

    private static void assertPasses(SimBody body, Strategy strategy, int depth) {
        Exploration e =
                Simulation.builder()
                        .strategy(strategy)
                        .depth(depth)
                        .seed(3)
                        .schedules(200)
                        .maxSteps(2_000)
                        .build()
                        .explore(body);
        assertThat(e.passed()).as("%s d=%d: %s", strategy, depth, e.message()).isTrue();
    }

    /**
     * The same wait loop without a yield (findings-tk2 item 1): the root loads the flag again and
     * again, and PCT kept choosing it over the child that would store it, so the run ended as a
     * false livelock. A task that announces the same operation on the same object {@code
     * REPEAT_SPIN} times in a row now drops its priority, as a SPIN does.
     */
    @Test
    void pctLetsTheChildOfALoadSpinningRootRun() {
        SimBody spinUntilChildRan =
                () -> {
                    AtomicBool ran = new AtomicBool(false);
                    JoinHandle<Void> child = Threads.spawn(() -> ran.store(true, Ordering.RELEASE));
                    while (!ran.load(Ordering.ACQUIRE)) {
                        // a plain wait loop: no yield, no spin hint
                    }
                    child.join();
                };
        for (Strategy strategy : new Strategy[] {Strategy.PCT, Strategy.PORTFOLIO}) {
            for (int depth = 1; depth <= 3; depth++) {
                assertPasses(spinUntilChildRan, strategy, depth);
            }
        }
    }
}
