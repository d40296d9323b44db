package dev.braid.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Injector runs (ADR 0118, {@code -Dbraid.pool.injectorRun=N}): a worker claims several queued
 * outside submissions with one CAS and keeps them on its deque, in submission order for itself and
 * for thieves, and no later outside submission starts before them.
 */
class PoolInjectorRunTest {
    static final String RUN = "braid.pool.injectorRun";

    /** A pool built with runs of up to 32 (the switch is read when a pool is built). */
    static WorkStealingPool poolWithRuns(int parallelism) {
        return poolWith(parallelism, RUN, "32");
    }

    /**
     * A pool built while the system properties {@code properties} (key, value, key, value...) are
     * set; each is restored afterwards.
     */
    static WorkStealingPool poolWith(int parallelism, String... properties) {
        String[] before = new String[properties.length / 2];
        for (int i = 0; i < before.length; i++) {
            before[i] = System.getProperty(properties[2 * i]);
            System.setProperty(properties[2 * i], properties[2 * i + 1]);
        }
        try {
            return WorkStealingPool.builder().parallelism(parallelism).build();
        } finally {
            for (int i = 0; i < before.length; i++) {
                if (before[i] == null) {
                    System.clearProperty(properties[2 * i]);
                } else {
                    System.setProperty(properties[2 * i], before[i]);
                }
            }
        }
    }

    /**
     * Submits {@code n} tasks that each hold a worker until {@code release}; waits until all run.
     */
    static List<TaskHandle<?>> hold(WorkStealingPool pool, int n, CountDownLatch release)
            throws InterruptedException {
        CountDownLatch started = new CountDownLatch(n);
        List<TaskHandle<?>> hs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            hs.add(
                    pool.submit(
                            () -> {
                                started.countDown();
                                return release.await(30, TimeUnit.SECONDS);
                            }));
        }
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        return hs;
    }

    @Test
    void aWorkerClaimsTheQueuedSubmissionsAsOneRunAndRunsThemInOrder() throws Exception {
        try (var pool = poolWithRuns(1)) {
            CountDownLatch release = new CountDownLatch(1);
            hold(pool, 1, release);
            ConcurrentLinkedQueue<Integer> order = new ConcurrentLinkedQueue<>();
            int[] seen = new int[2];
            CountDownLatch done = new CountDownLatch(10);
            for (int i = 0; i < 10; i++) {
                int k = i;
                pool.submit(
                        () -> {
                            if (k == 0) { // where the other nine are while the first runs
                                seen[0] = pool.metrics().injectorDepth();
                                seen[1] = pool.metrics().workers().get(0).localDepth();
                            }
                            order.add(k);
                            done.countDown();
                        });
            }
            release.countDown(); // the worker comes back to ten queued submissions
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(seen).as("injector depth, deque depth").containsExactly(0, 9);
            assertThat(order).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9); // not the deque's LIFO
        }
    }

    /**
     * One worker claims a run of two (A, which blocks, and B) with C queued behind; the other
     * worker must take B from the first one's deque before it claims C: an outside task never
     * starts before an earlier one that waits in a run. Claiming C first (tokio's order) fails
     * this.
     */
    @Test
    void aLaterSubmissionDoesNotOvertakeTheRestOfAnEarlierRun() throws Exception {
        laterSubmissionsWaitForTheRestOfARun(() -> poolWithRuns(2));
    }

    /**
     * The program of {@link #aLaterSubmissionDoesNotOvertakeTheRestOfAnEarlierRun}, on pools of two
     * workers from {@code pools}: B and C must both run while A blocks, B first.
     */
    static void laterSubmissionsWaitForTheRestOfARun(Supplier<WorkStealingPool> pools)
            throws Exception {
        for (int round = 0; round < 20; round++) {
            try (var pool = pools.get()) {
                CountDownLatch release = new CountDownLatch(1);
                hold(pool, 2, release); // both workers busy while A, B and C queue up
                CountDownLatch goA = new CountDownLatch(1);
                ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();
                CountDownLatch bc = new CountDownLatch(2);
                TaskHandle<?> a =
                        pool.submit(
                                () -> {
                                    order.add("A");
                                    return goA.await(30, TimeUnit.SECONDS);
                                });
                for (String name : new String[] {"B", "C"}) {
                    pool.submit(
                            () -> {
                                order.add(name);
                                bc.countDown();
                            });
                }
                release.countDown();
                assertThat(bc.await(30, TimeUnit.SECONDS)).isTrue();
                goA.countDown();
                a.join();
                List<String> seen = new ArrayList<>(order);
                assertThat(seen.indexOf("B"))
                        .as("round %d: %s", round, seen)
                        .isLessThan(seen.indexOf("C"));
            }
        }
    }

    @Test
    void shutdownNowReturnsTheRestOfARunFromTheDequeOnceEach() throws Exception {
        try (var pool = poolWithRuns(1)) {
            CountDownLatch release = new CountDownLatch(1);
            hold(pool, 1, release);
            CountDownLatch firstStarted = new CountDownLatch(1);
            CountDownLatch never = new CountDownLatch(1);
            List<TaskHandle<?>> queued = new ArrayList<>();
            queued.add(
                    pool.submit(
                            () -> {
                                firstStarted.countDown();
                                return never.await(10, TimeUnit.SECONDS);
                            }));
            for (int i = 1; i < 10; i++) {
                queued.add(pool.submit(() -> "never run"));
            }
            release.countDown();
            assertThat(firstStarted.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(pool.metrics().workers().get(0).localDepth()).isEqualTo(9); // the run's rest
            List<TaskHandle<?>> dropped = pool.shutdownNow();
            assertThat(dropped).containsExactlyElementsOf(queued.subList(1, 10));
            for (TaskHandle<?> t : dropped) {
                assertThat(t.isCancelled()).isTrue();
            }
        }
    }
}
