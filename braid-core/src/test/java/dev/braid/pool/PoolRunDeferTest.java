package dev.braid.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * ADR 0182 ({@code -Dbraid.pool.runDefer=true}): an idle worker leaves another worker's injector
 * run to its owner while the owner keeps taking from it, and takes the run's oldest task once the
 * owner stops moving (it blocks, or it is preempted).
 */
class PoolRunDeferTest {
    /** A pool with runs of up to 32 and the rule on (both read when a pool is built). */
    static WorkStealingPool poolWithDefer(int parallelism) {
        String run = System.getProperty(PoolInjectorRunTest.RUN);
        String defer = System.getProperty("braid.pool.runDefer");
        System.setProperty(PoolInjectorRunTest.RUN, "32");
        System.setProperty("braid.pool.runDefer", "true");
        try {
            return WorkStealingPool.builder().parallelism(parallelism).build();
        } finally {
            restore(PoolInjectorRunTest.RUN, run);
            restore("braid.pool.runDefer", defer);
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }

    /**
     * One worker claims a run (A, B) with C queued behind, and A blocks until B and C have run: the
     * other worker must take B from the blocked worker's run (its top no longer moves), and before
     * C. A rule that defers while the run is not empty never runs B, and this times out.
     */
    @Test
    void theRestOfABlockedOwnersRunRunsOnTheOtherWorkerFirst() throws Exception {
        for (int round = 0; round < 20; round++) {
            try (var pool = poolWithDefer(2)) {
                CountDownLatch release = new CountDownLatch(1);
                PoolInjectorRunTest.hold(pool, 2, release); // both busy while A, B, C queue up
                CountDownLatch bc = new CountDownLatch(2);
                ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();
                TaskHandle<Boolean> a =
                        pool.submit(
                                () -> {
                                    order.add("A");
                                    return bc.await(10, TimeUnit.SECONDS);
                                });
                for (String name : new String[] {"B", "C"}) {
                    pool.submit(
                            () -> {
                                order.add(name);
                                bc.countDown();
                            });
                }
                release.countDown();
                assertThat(a.join()).as("round %d: B and C ran while A waited", round).isTrue();
                List<String> seen = new ArrayList<>(order);
                assertThat(seen.indexOf("B"))
                        .as("round %d: %s", round, seen)
                        .isLessThan(seen.indexOf("C"));
            }
        }
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
