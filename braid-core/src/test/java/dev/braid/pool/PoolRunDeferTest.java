package dev.braid.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ADR 0182 ({@code braid.pool.runDefer}, on by default since ADR 0184): an idle worker leaves
 * another worker's injector run to its owner while the owner keeps taking from it, and takes the
 * run's oldest task once the owner stops moving (it blocks, or it is preempted). Each check runs
 * with the rule on and off ({@code -Dbraid.pool.runDefer=false} is kept for A/B runs), so both
 * states stay covered whichever is the default.
 */
class PoolRunDeferTest {
    /** A pool with runs of up to 32 and the rule as {@code defer} (both read when it is built). */
    static WorkStealingPool poolWithDefer(int parallelism, boolean defer) {
        return PoolInjectorRunTest.poolWith(
                parallelism,
                PoolInjectorRunTest.RUN,
                "32",
                "braid.pool.runDefer",
                Boolean.toString(defer));
    }

    /** The rule is on unless the property says false. */
    @Test
    void theRuleIsOnByDefaultAndThePropertyTurnsItOff() {
        String before = System.getProperty("braid.pool.runDefer");
        System.clearProperty("braid.pool.runDefer");
        try (var pool = WorkStealingPool.builder().parallelism(1).build()) {
            assertThat(pool.runDefer).as("no property").isTrue();
        } finally {
            if (before != null) {
                System.setProperty("braid.pool.runDefer", before);
            }
        }
        try (var pool = poolWithDefer(1, false)) {
            assertThat(pool.runDefer).as("runDefer=false").isFalse();
        }
        try (var pool = poolWithDefer(1, true)) {
            assertThat(pool.runDefer).as("runDefer=true").isTrue();
        }
    }

    /**
     * One worker claims a run (A, B) with C queued, and A blocks until B and C have run: the other
     * worker must take B from the blocked worker's run (its top no longer moves), before C. A rule
     * that defers while the run is not empty never runs B, and this fails (B and C never ran).
     */
    @ParameterizedTest(name = "runDefer={0}")
    @ValueSource(booleans = {true, false})
    void theRestOfABlockedOwnersRunRunsOnTheOtherWorkerFirst(boolean defer) throws Exception {
        PoolInjectorRunTest.laterSubmissionsWaitForTheRestOfARun(() -> poolWithDefer(2, defer));
    }

    /** Many short submissions from outside: each runs once, whoever takes it. */
    @ParameterizedTest(name = "runDefer={0}")
    @ValueSource(booleans = {true, false})
    void everyOutsideSubmissionRunsOnce(boolean defer) throws Exception {
        try (var pool = poolWithDefer(2, defer)) {
            int n = 20_000;
            int[] runs = new int[n];
            List<TaskHandle<?>> hs = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int k = i;
                hs.add(pool.submit(() -> runs[k]++));
            }
            for (TaskHandle<?> h : hs) {
                h.join();
            }
            for (int i = 0; i < n; i++) {
                assertThat(runs[i]).as("task %d", i).isEqualTo(1);
            }
        }
    }
}
