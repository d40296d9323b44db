package dev.braid.testkit.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.atomic.AtomicBool;
import dev.braid.atomic.Ordering;
import dev.braid.pool.WorkStealingPool;
import dev.braid.sync.Latch;
import dev.braid.testkit.SimBody;
import dev.braid.testkit.Simulation;
import dev.braid.testkit.Strategy;
import org.junit.jupiter.api.Test;

/**
 * The pool with injector runs on (ADR 0118, {@code braid.pool.injectorRun}, read when a pool is
 * built): a worker claims several outside submissions with one CAS and keeps the rest on its deque.
 * The guarantees of single claims must hold under every explored schedule: a task queued behind one
 * that blocks gets the other worker, no outside task starts before an earlier one of a run, and
 * shutdownNow returns every task that never started exactly once, the rest of a run in transit to a
 * deque included. These run with ADR 0182's rule off ({@code braid.pool.runDefer=false}, kept for
 * A/B runs since ADR 0184 turned it on by default); {@link PoolRunDeferSimulationTest} runs the
 * same programs with it on.
 */
class PoolInjectorRunSimulationTest {
    static final int SCHEDULES = PoolSimulationTest.SCHEDULES;

    /**
     * Runs {@code body} under RANDOM and PCT with runs of up to 4 on, and the system properties
     * {@code more} (key, value, key, value...) set while the pools are built.
     */
    static void explore(long seed, int schedules, SimBody body, String... more) {
        String[] keys = new String[more.length / 2 + 1];
        String[] before = new String[keys.length];
        keys[0] = "braid.pool.injectorRun";
        for (int i = 1; i < keys.length; i++) {
            keys[i] = more[2 * i - 2];
        }
        for (int i = 0; i < keys.length; i++) {
            before[i] = System.getProperty(keys[i]);
            System.setProperty(keys[i], i == 0 ? "4" : more[2 * i - 1]);
        }
        try {
            for (Strategy strategy : new Strategy[] {Strategy.RANDOM, Strategy.PCT}) {
                Simulation.builder()
                        .seed(seed)
                        .strategy(strategy)
                        .schedules(schedules)
                        .build()
                        .check(body);
            }
        } finally {
            for (int i = 0; i < keys.length; i++) {
                if (before[i] == null) {
                    System.clearProperty(keys[i]);
                } else {
                    System.setProperty(keys[i], before[i]);
                }
            }
        }
    }

    /** {@link #explore} with ADR 0182's rule off: a run's rest is shared as before the rule. */
    private static void exploreRuleOff(long seed, int schedules, SimBody body) {
        explore(seed, schedules, body, "braid.pool.runDefer", "false");
    }

    /** ADR 0107's case with runs: the opener may sit in the blocked worker's run. */
    @Test
    void aSubmissionQueuedBehindABlockingTaskRunsOnTheOtherWorker() {
        exploreRuleOff(
                61, SCHEDULES * 2, PoolQueuedBehindBlockingSimulationTest::blockerThenOpener);
    }

    /**
     * A blocks until B and C have run, so one worker is free for B and C: B must start first. With
     * C claimed from the injector while B waits in the blocked worker's run (tokio's order), C
     * starts first and this fails.
     */
    @Test
    void noOutsideTaskStartsBeforeAnEarlierOneOfARun() {
        exploreRuleOff(67, SCHEDULES, PoolInjectorRunSimulationTest::bStartsBeforeC);
    }

    /** The program of {@link #noOutsideTaskStartsBeforeAnEarlierOneOfARun}. */
    static void bStartsBeforeC() throws InterruptedException {
        WorkStealingPool pool = WorkStealingPool.builder().parallelism(2).build();
        Latch bothRan = new Latch(2);
        AtomicBool bStarted = new AtomicBool(false);
        AtomicBool cFirst = new AtomicBool(false);
        pool.submit(
                () -> {
                    bothRan.await();
                    return 0;
                });
        pool.submit(
                () -> {
                    bStarted.store(true, Ordering.SEQ_CST);
                    bothRan.countDown();
                });
        pool.submit(
                () -> {
                    if (!bStarted.load(Ordering.SEQ_CST)) {
                        cFirst.store(true, Ordering.SEQ_CST);
                    }
                    bothRan.countDown();
                });
        bothRan.await();
        pool.close();
        assertThat(cFirst.load(Ordering.SEQ_CST)).as("C started before B").isFalse();
    }

    /**
     * shutdownNow races workers claiming runs: every task either ran (a worker had it in hand) or
     * came back from shutdownNow, cancelled, exactly once. Without shutdownNow waiting for a run in
     * transit, the rest of a run pushed after its drain is cancelled on the worker's exit but never
     * returned. (The same program with runs off: PoolSimulationTest, ADR 0119.)
     */
    @Test
    void shutdownNowReturnsEveryTaskOfARunInTransitExactlyOnce() {
        exploreRuleOff(71, SCHEDULES, PoolSimulationTest::shutdownNowRace);
    }
}
