package dev.braid.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ADR 0182 ({@code -Dbraid.pool.runDefer=true}): an idle worker leaves another worker's injector
 * run to its owner while the owner keeps taking from it, and takes the run's oldest task once the
 * owner stops moving (it blocks, or it is preempted).
 */
class PoolRunDeferTest {
    /** A pool with runs of up to 32 and the rule on (both read when a pool is built). */
    static WorkStealingPool poolWithDefer(int parallelism) {
        return PoolInjectorRunTest.poolWith(
                parallelism, PoolInjectorRunTest.RUN, "32", "braid.pool.runDefer", "true");
    }

    /**
     * One worker claims a run (A, B) with C queued, and A blocks until B and C have run: the other
     * worker must take B from the blocked worker's run (its top no longer moves), before C. A rule
     * that defers while the run is not empty never runs B, and this fails (B and C never ran).
     */
    @Test
    void theRestOfABlockedOwnersRunRunsOnTheOtherWorkerFirst() throws Exception {
        PoolInjectorRunTest.laterSubmissionsWaitForTheRestOfARun(() -> poolWithDefer(2));
    }

    /** Many short submissions from outside: each runs once, whoever takes it. */
    @Test
    void everyOutsideSubmissionRunsOnce() throws Exception {
        try (var pool = poolWithDefer(2)) {
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
