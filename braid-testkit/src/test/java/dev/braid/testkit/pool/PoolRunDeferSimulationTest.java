package dev.braid.testkit.pool;

import dev.braid.testkit.SimBody;
import org.junit.jupiter.api.Test;

/**
 * ADR 0182's rule, on ({@code braid.pool.runDefer}, read when a pool is built; the default since
 * ADR 0184, set here explicitly so that the rule stays covered if the default changes) with runs of
 * up to 4: an idle worker leaves another worker's run to its owner while the owner's top moves, and
 * takes the run's oldest task once two of its looks see the same top. The guarantees of runs must
 * still hold under every explored schedule: a task in the run of a worker that blocks gets the
 * other worker (the rule must not wait for ever on an owner that does not move), no outside task
 * starts before an earlier one, and shutdownNow returns every task that never started exactly once.
 */
class PoolRunDeferSimulationTest {
    static final int SCHEDULES = PoolSimulationTest.SCHEDULES;

    /** Runs {@code body} under RANDOM and PCT with runs of up to 4 and the rule on. */
    private static void explore(long seed, int schedules, SimBody body) {
        PoolInjectorRunSimulationTest.explore(seed, schedules, body, "braid.pool.runDefer", "true");
    }

    /**
     * ADR 0107's blocker and opener, claimed as one run of two: the blocker's worker never moves
     * its top again until the opener runs, so the other worker must stop deferring and take it. A
     * rule that defers while the run is not empty, whatever the top does, hangs here.
     */
    @Test
    void theRestOfABlockedOwnersRunRunsOnTheOtherWorker() {
        explore(73, SCHEDULES * 2, PoolQueuedBehindBlockingSimulationTest::blockerThenOpener);
    }

    /** Deferring changes who takes a run's task, never the order in which outside tasks start. */
    @Test
    void noOutsideTaskStartsBeforeAnEarlierOneOfARun() {
        explore(79, SCHEDULES, PoolInjectorRunSimulationTest::bStartsBeforeC);
    }

    /**
     * A worker deferring to a run while shutdownNow drains it: every task once, ran or returned.
     */
    @Test
    void shutdownNowReturnsEveryTaskOfADeferredRunExactlyOnce() {
        explore(83, SCHEDULES, PoolSimulationTest::shutdownNowRace);
    }
}
