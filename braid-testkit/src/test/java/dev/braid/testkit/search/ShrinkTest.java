package dev.braid.testkit.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.testkit.Exploration;
import dev.braid.testkit.Shrunk;
import dev.braid.testkit.SimBody;
import dev.braid.testkit.SimResult;
import dev.braid.testkit.Simulation;
import dev.braid.testkit.Strategy;
import dev.braid.testkit.internal.Engine;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Shrinking finds the minimal preemption count of planted bugs, and the result replays. */
class ShrinkTest {
    @AfterEach
    void noSimulatedThreadOutlivesItsRun() {
        assertThat(Engine.liveThreads()).isZero();
    }

    static Stream<Arguments> plantedBugs() {
        return Stream.of(
                Arguments.of("lost update", (SimBody) PlantedBugs::lostUpdate, 1),
                Arguments.of("ring of 2", (SimBody) () -> PlantedBugs.ringOfFlags(2), 2),
                Arguments.of("ring of 3", (SimBody) () -> PlantedBugs.ringOfFlags(3), 3));
    }

    @ParameterizedTest(name = "{0}: {2} preemption(s)")
    @MethodSource("plantedBugs")
    void shrunkScheduleHasTheMinimalPreemptionCountAndReplays(
            String name, SimBody bug, int minimal) {
        Simulation sim =
                Simulation.builder()
                        .strategy(Strategy.PORTFOLIO)
                        .seed(7)
                        .schedules(20_000)
                        .shrinkBudget(20_000)
                        .build();
        Exploration e = sim.explore(bug);
        SimResult found = e.failure().orElseThrow(() -> new AssertionError(e.message()));
        Shrunk shrunk = e.shrunk().orElseThrow(() -> new AssertionError(e.message()));
        assertThat(shrunk.preemptions()).as(e.message()).isEqualTo(minimal);
        assertThat(shrunk.minimal()).isTrue();
        assertThat(shrunk.originalPreemptions()).isGreaterThanOrEqualTo(minimal);
        if (shrunk.originalPreemptions() == minimal) {
            assertThat(shrunk.result().steps()).isLessThanOrEqualTo(found.steps());
        }
        assertThat(e.message())
                .contains(found.schedule())
                .contains("shrunk to " + minimal + " preemption")
                .contains(shrunk.result().schedule());

        String expected = ((SimResult.Failed) found).cause().getMessage();
        for (int i = 0; i < 10; i++) {
            SimResult again = sim.rerun(shrunk.result().schedule(), bug);
            assertThat(again).isInstanceOf(SimResult.Failed.class);
            assertThat(((SimResult.Failed) again).cause().getMessage()).isEqualTo(expected);
            assertThat(again.schedule()).isEqualTo(shrunk.result().schedule());
            assertThat(again.steps()).isEqualTo(shrunk.result().steps());
        }
    }

    @Test
    void shrinkingCanBeTurnedOff() {
        Exploration e =
                Simulation.builder()
                        .strategy(Strategy.PORTFOLIO)
                        .schedules(5_000)
                        .shrink(false)
                        .build()
                        .explore(PlantedBugs::lostUpdate);
        assertThat(e.failure()).isPresent();
        assertThat(e.shrunk()).isEmpty();
        assertThat(e.message()).doesNotContain("shrunk");
    }

    @Test
    void aTinyBudgetSaysTheResultMayNotBeMinimal() {
        Exploration e =
                Simulation.builder()
                        .strategy(Strategy.PORTFOLIO)
                        .seed(7)
                        .schedules(20_000)
                        .shrinkBudget(2)
                        .build()
                        .explore(() -> PlantedBugs.ringOfFlags(3));
        Shrunk shrunk = e.shrunk().orElseThrow(() -> new AssertionError(e.message()));
        assertThat(shrunk.minimal()).isFalse();
        assertThat(shrunk.summary()).contains("may not be minimal");
    }
}
