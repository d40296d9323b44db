package dev.braid.testkit.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.braid.testkit.Strategy;
import dev.braid.testkit.junit.SimTest;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/** The search attributes of {@link SimTest} reach the exploration. */
class SimTestSearchAttributesTest {
    static class BoundOne {
        @SimTest(strategy = Strategy.BOUNDED, preemptionBound = 1, schedules = 100_000)
        void ring() throws InterruptedException {
            PlantedBugs.ringOfFlags(2);
        }
    }

    static class BoundTwo {
        @SimTest(strategy = Strategy.BOUNDED, preemptionBound = 2, schedules = 100_000)
        void ring() throws InterruptedException {
            PlantedBugs.ringOfFlags(2);
        }
    }

    static class Pct {
        @SimTest(strategy = Strategy.PCT, depth = 3, schedules = 10_000, seed = 1)
        void ring() throws InterruptedException {
            PlantedBugs.ringOfFlags(2);
        }
    }

    static EngineExecutionResults run(Class<?> testClass) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass)).execute();
    }

    static String failure(EngineExecutionResults results) {
        results.testEvents().assertStatistics(s -> s.started(1).failed(1));
        return results.testEvents()
                .failed()
                .list()
                .get(0)
                .getPayload(TestExecutionResult.class)
                .orElseThrow()
                .getThrowable()
                .orElseThrow()
                .getMessage();
    }

    @Test
    void boundedSearchProvesBoundOneAndFindsBoundTwo() {
        run(BoundOne.class).testEvents().assertStatistics(s -> s.started(1).succeeded(1));
        assertThat(failure(run(BoundTwo.class)))
                .contains("replay: braid1:dfs:")
                .contains("shrunk to 2 preemptions (minimal)");
    }

    @Test
    void pctIsSelectable() {
        assertThat(failure(run(Pct.class)))
                .contains("saw their neighbour's flag")
                .containsPattern("replay: braid1:(pct|random):");
    }
}
