package dev.braid.testkit.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.channel.Channel;
import dev.braid.testkit.Exploration;
import dev.braid.testkit.NoLiveThreads;
import dev.braid.testkit.Shrunk;
import dev.braid.testkit.SimBody;
import dev.braid.testkit.SimResult;
import dev.braid.testkit.Simulation;
import dev.braid.testkit.Strategy;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.util.ArrayList;
import java.util.List;
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
        NoLiveThreads.check();
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
                .contains(
                        ", from "
                                + shrunk.originalPreemptions()
                                + " preemptions and "
                                + found.steps()
                                + " steps");
        assertThat(shrunk.originalSteps()).isEqualTo(found.steps());
        assertThat(e.message()).contains(shrunk.result().schedule());

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

    /**
     * Two producers that each close the shared channel when done (the showcase's planted bug): the
     * failure is found with 5 preemptions in 9 steps, and its fewest preemptions (0: the main
     * thread spawns both and waits, the first producer closes, the second sends) take 11 steps. The
     * summary once read "shrunk to 0 preemptions (minimal) and 11 steps, from 5", as if the step
     * count had grown from 5.
     */
    @Test
    void aShrunkScheduleLongerThanTheOriginalSaysBothCountsAndWhy() {
        SimBody earlyClose =
                () -> {
                    Channel<Integer> events = Channel.<Integer>builder().bounded(8).build();
                    List<JoinHandle<Void>> producers = new ArrayList<>();
                    for (int p = 1; p <= 2; p++) {
                        int id = p;
                        producers.add(
                                Threads.builder()
                                        .spawn(
                                                () -> {
                                                    events.send(id);
                                                    events.close(); // the other may still send
                                                    return null;
                                                }));
                    }
                    for (Integer ignored : events) {
                        // drain
                    }
                    for (JoinHandle<Void> p : producers) {
                        p.join();
                    }
                };
        Exploration e = Simulation.builder().seed(1).schedules(1000).build().explore(earlyClose);
        SimResult found = e.failure().orElseThrow(() -> new AssertionError(e.message()));
        Shrunk shrunk = e.shrunk().orElseThrow(() -> new AssertionError(e.message()));
        assertThat(shrunk.preemptions()).isLessThan(shrunk.originalPreemptions());
        assertThat(shrunk.result().steps()).as(e.message()).isGreaterThan(found.steps());
        assertThat(shrunk.summary())
                .startsWith(
                        "shrunk to "
                                + shrunk.preemptions()
                                + " preemptions (minimal) and "
                                + shrunk.result().steps()
                                + " steps, from "
                                + shrunk.originalPreemptions()
                                + " preemptions and "
                                + found.steps()
                                + " steps (fewer preemptions took more steps");
    }
}
