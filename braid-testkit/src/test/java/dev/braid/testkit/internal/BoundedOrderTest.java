package dev.braid.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.atomic.AtomicI32;
import dev.braid.atomic.Ordering;
import dev.braid.internal.rt.Op;
import dev.braid.testkit.Census;
import dev.braid.testkit.NoLiveThreads;
import dev.braid.testkit.Sim;
import dev.braid.testkit.SimBody;
import dev.braid.testkit.Simulation;
import dev.braid.testkit.Strategy;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bounded search's order (BoundedSearch) runs exactly the depth-first search's schedules, and
 * its reduction (a preempted task sleeps, ADR 0159) loses no outcome of small programs.
 */
class BoundedOrderTest {
    @AfterEach
    void noSimulatedThreadOutlivesItsRun() {
        NoLiveThreads.check();
    }

    /** Small programs with loads, stores, RMWs, weak orderings, yields and blocking joins. */
    private static Map<String, SimBody> programs() {
        Map<String, SimBody> p = new LinkedHashMap<>();
        p.put("store-then-load-with-yield", BoundedOrderTest::storesAndYieldingLoads);
        p.put("lost-update", BoundedOrderTest::lostUpdate);
        p.put("relaxed-message-passing", BoundedOrderTest::relaxedMessagePassing);
        p.put("independent-loads", BoundedOrderTest::independentLoads);
        p.put("three-thread-cas", BoundedOrderTest::threeThreadCas);
        return p;
    }

    @Test
    void theOrderRunsExactlyTheDepthFirstSchedulesAtEachBound() {
        for (Map.Entry<String, SimBody> e : programs().entrySet()) {
            for (int bound = 0; bound <= 2; bound++) {
                List<String> dfs = depthFirst(e.getValue(), bound);
                List<String> ordered = ordered(e.getValue(), bound, false);
                assertThat(new HashSet<>(ordered))
                        .as("%s, bound %d", e.getKey(), bound)
                        .hasSize(ordered.size()) // no schedule runs twice
                        .isEqualTo(new HashSet<>(dfs));
            }
        }
    }

    /**
     * Past its memory cap the search expands the rest of a level depth-first (ADR 0172): run to the
     * end it runs the same schedules, each once, whatever the cap; only the order differs.
     */
    @Test
    void aMemoryCapRunsTheSameSchedulesInAnotherOrder() {
        long overflowed = 0;
        boolean reordered = false;
        for (Map.Entry<String, SimBody> e : programs().entrySet()) {
            for (int bound = 0; bound <= 2; bound++) {
                for (boolean reduce : new boolean[] {false, true}) {
                    List<String> free = ordered(e.getValue(), bound, reduce);
                    for (long cap : new long[] {1, 2_000, 20_000}) {
                        BoundedSearch search = new BoundedSearch(cap);
                        List<String> capped = ordered(e.getValue(), bound, reduce, search);
                        assertThat(new HashSet<>(capped))
                                .as(
                                        "%s, bound %d, reduce %s, cap %d",
                                        e.getKey(), bound, reduce, cap)
                                .hasSize(capped.size())
                                .isEqualTo(new HashSet<>(free));
                        assertThat(capped).hasSameSizeAs(free);
                        overflowed += search.overflowed();
                        reordered |= !capped.equals(free);
                    }
                }
            }
        }
        assertThat(overflowed).as("runs past the caps").isPositive();
        assertThat(reordered).as("some order changed").isTrue();
    }

    @Test
    void aCapOfOneByteIsADepthFirstSearchFromTheStart() {
        BoundedSearch search = new BoundedSearch(1);
        List<String> capped = ordered(BoundedOrderTest::lostUpdate, 2, false, search);
        assertThat(search.overflowed()).as("the first run already past the cap").isEqualTo(1);
        assertThat(search.level()).as("no level kept").isZero();
        assertThat(new HashSet<>(capped))
                .isEqualTo(new HashSet<>(depthFirst(BoundedOrderTest::lostUpdate, 2)));
    }

    @Test
    void theReductionKeepsEveryOutcomeAndRunsFewerSchedules() {
        int reducedTotal = 0;
        int fullTotal = 0;
        for (Map.Entry<String, SimBody> e : programs().entrySet()) {
            for (int bound = 0; bound <= 2; bound++) {
                Census full = census(e.getValue(), bound, false);
                Census reduced = census(e.getValue(), bound, true);
                assertThat(outcomes(reduced))
                        .as("%s, bound %d", e.getKey(), bound)
                        .isEqualTo(outcomes(full));
                assertThat(reduced.schedules()).isLessThanOrEqualTo(full.schedules());
                reducedTotal += reduced.schedules();
                fullTotal += full.schedules();
            }
        }
        assertThat(reducedTotal).isLessThan(fullTotal);
    }

    @Test
    void independentLoadsAreNotInterleavedTwiceAfterAPreemption() {
        Census full = census(BoundedOrderTest::independentLoads, 2, false);
        Census reduced = census(BoundedOrderTest::independentLoads, 2, true);
        assertThat(reduced.schedules()).isLessThan(full.schedules());
        assertThat(outcomes(reduced)).isEqualTo(outcomes(full));
    }

    @Test
    void stepsOnTheSameCellConflictUnlessBothLoad() {
        AtomicI32 y = new AtomicI32(0);
        assertThat(DfsStrategy.dependent(Op.LOAD, x, Op.STORE, x)).isTrue();
        assertThat(DfsStrategy.dependent(Op.STORE, x, Op.LOAD, x)).isTrue();
        assertThat(DfsStrategy.dependent(Op.RMW, x, Op.LOAD, x)).isTrue();
        assertThat(DfsStrategy.dependent(Op.STORE, x, Op.STORE, x)).isTrue();
        assertThat(DfsStrategy.dependent(Op.LOAD, x, Op.LOAD, x)).isFalse();
        assertThat(DfsStrategy.dependent(Op.STORE, x, Op.RMW, y)).isFalse();
        // anything that is not an access to one of braid's atomic cells depends on everything
        assertThat(DfsStrategy.dependent(Op.LOAD, x, Op.PARK, y)).isTrue();
        assertThat(DfsStrategy.dependent(Op.LOAD, x, Op.OTHER, null)).isTrue();
        // a task's first step only starts it (its other effects are reported as hidden)
        assertThat(DfsStrategy.dependent(null, null, Op.LOAD, y)).isFalse();
        assertThat(DfsStrategy.dependent(Op.LOAD, new Object(), Op.LOAD, y)).isTrue();
    }

    private final AtomicI32 x = new AtomicI32(0);
    private final AtomicI32 z = new AtomicI32(0);
    private static final int[] BOTH = {0, 1};

    /**
     * Drives one DfsStrategy by hand up to its first choice: task 0 announces a store of z, task 1
     * a load of x, and the choice at task 1's point runs task 0 (a preemption of task 1).
     */
    private DfsStrategy preemptTheLoaderOfX(boolean reduce) {
        DfsStrategy d = new DfsStrategy(DfsStrategy.NAME, 0, 2, new int[] {0}, reduce);
        d.onSpawn(0);
        d.onSpawn(1);
        d.onStep(0, Op.STORE, z, false);
        d.onStep(1, Op.LOAD, x, false);
        assertThat(d.choose(BOTH, 2, 1, Op.LOAD, 1)).isEqualTo(0);
        return d;
    }

    /**
     * Task 1, preempted before its load of x, sleeps through task 0's store to z and wakes at its
     * store to x; only then may a later point switch back to it.
     */
    @Test
    void aPreemptedTaskSleepsThroughIndependentStepsAndWakesAtAConflictingOne() {
        DfsStrategy d = preemptTheLoaderOfX(true);
        d.onStep(0, Op.STORE, x, false); // task 0 stored z: independent of task 1's load of x
        assertThat(d.choose(BOTH, 2, 0, Op.STORE, 2)).isEqualTo(0);
        assertThat(d.escalates(1, 1)).as("asleep: not offered").isFalse();
        d.onStep(0, Op.LOAD, z, false); // task 0 stored x: task 1's load of x no longer commutes
        assertThat(d.choose(BOTH, 2, 0, Op.LOAD, 3)).isEqualTo(0);
        assertThat(d.escalates(2, 1)).as("awake: offered").isTrue();
    }

    @Test
    void aHiddenEffectWakesEverySleeper() {
        DfsStrategy d = preemptTheLoaderOfX(true);
        d.onStep(0, Op.LOAD, z, true); // the store of z also, say, released into a handle
        d.choose(BOTH, 2, 0, Op.LOAD, 2);
        assertThat(d.escalates(1, 1)).isTrue();
    }

    @Test
    void withoutTheReductionNoTaskSleeps() {
        DfsStrategy d = preemptTheLoaderOfX(false);
        d.onStep(0, Op.STORE, x, false);
        d.choose(BOTH, 2, 0, Op.STORE, 2);
        assertThat(d.escalates(1, 1)).isTrue();
    }

    @Test
    void theOrderRunsTheDefaultScheduleFirstAndOneDeviationNext() {
        List<String> ordered = ordered(BoundedOrderTest::lostUpdate, 2, false);
        List<String> dfs = depthFirst(BoundedOrderTest::lostUpdate, 2);
        assertThat(ordered.getFirst()).isEqualTo(dfs.getFirst()); // both start with the default
        // the depth-first search's second schedule deviates at the last point; the order's second
        // deviates at the first point that can
        assertThat(ordered.get(1)).isNotEqualTo(dfs.get(1));
    }

    // ---- searches ----

    private static final Duration WATCHDOG = Duration.ofSeconds(5);

    private static List<String> depthFirst(SimBody body, int bound) {
        List<String> schedules = new ArrayList<>();
        int[] prefix = new int[0];
        while (prefix != null) {
            DfsStrategy d = new DfsStrategy(DfsStrategy.NAME, 0, bound, prefix, false);
            schedules.add(Engine.run(body, d, 10_000, WATCHDOG).schedule());
            prefix = d.next();
        }
        return schedules;
    }

    private static List<String> ordered(SimBody body, int bound, boolean reduce) {
        return ordered(body, bound, reduce, new BoundedSearch(Long.MAX_VALUE));
    }

    private static List<String> ordered(
            SimBody body, int bound, boolean reduce, BoundedSearch search) {
        List<String> schedules = new ArrayList<>();
        int[] prefix = new int[0];
        while (prefix != null) {
            DfsStrategy d = new DfsStrategy(DfsStrategy.NAME, 0, bound, prefix, reduce);
            schedules.add(Engine.run(body, d, 10_000, WATCHDOG).schedule());
            prefix = search.next(d, Integer.MAX_VALUE);
        }
        return schedules;
    }

    private static Census census(SimBody body, int bound, boolean reduce) {
        Census c =
                Simulation.builder()
                        .strategy(Strategy.BOUNDED)
                        .preemptionBound(bound)
                        .reduction(reduce)
                        .schedules(200_000)
                        .build()
                        .count(body);
        assertThat(c.schedules()).as("exhausted").isLessThan(200_000);
        return c;
    }

    /** Every run of these programs fails with its outcome as the message. */
    private static Set<String> outcomes(Census c) {
        Set<String> s = new TreeSet<>();
        for (Census.Kind k : c.kinds()) {
            s.add(k.signature());
        }
        assertThat(c.failures()).isEqualTo(c.schedules());
        return s;
    }

    private static void report(String outcome) {
        throw new AssertionError("outcome " + outcome);
    }

    // ---- programs: each ends by reporting its outcome ----

    /** The root stores x then y; the other loads x, yields, loads y. */
    static void storesAndYieldingLoads() throws InterruptedException {
        AtomicI32 x = new AtomicI32(0);
        AtomicI32 y = new AtomicI32(0);
        int[] seen = new int[2];
        JoinHandle<Void> reader =
                Threads.spawn(
                        () -> {
                            seen[0] = x.load(Ordering.ACQUIRE);
                            Sim.yieldNow();
                            seen[1] = y.load(Ordering.ACQUIRE);
                        });
        x.store(1, Ordering.RELEASE);
        y.store(1, Ordering.RELEASE);
        reader.join();
        report(seen[0] + "," + seen[1]);
    }

    static void lostUpdate() throws InterruptedException {
        AtomicI32 x = new AtomicI32(0);
        Runnable inc =
                () -> {
                    int v = x.load(Ordering.SEQ_CST);
                    x.store(v + 1, Ordering.SEQ_CST);
                };
        JoinHandle<Void> a = Threads.spawn(inc);
        JoinHandle<Void> b = Threads.spawn(inc);
        a.join();
        b.join();
        report("x=" + x.load(Ordering.SEQ_CST));
    }

    static void relaxedMessagePassing() throws InterruptedException {
        AtomicI32 data = new AtomicI32(0);
        AtomicI32 flag = new AtomicI32(0);
        JoinHandle<Void> writer =
                Threads.spawn(
                        () -> {
                            data.store(42, Ordering.RELAXED);
                            flag.store(1, Ordering.RELAXED);
                        });
        int f = flag.load(Ordering.RELAXED);
        int d = data.load(Ordering.RELAXED);
        writer.join();
        report(f + "," + d);
    }

    /** Two threads load cells of their own and one shared cell; the root stores the shared one. */
    static void independentLoads() throws InterruptedException {
        AtomicI32 a = new AtomicI32(1);
        AtomicI32 b = new AtomicI32(2);
        AtomicI32 shared = new AtomicI32(0);
        int[] sums = new int[2];
        JoinHandle<Void> t1 =
                Threads.spawn(
                        () -> {
                            int v = a.load(Ordering.ACQUIRE);
                            v += a.load(Ordering.ACQUIRE);
                            sums[0] = v + shared.load(Ordering.ACQUIRE);
                        });
        JoinHandle<Void> t2 =
                Threads.spawn(
                        () -> {
                            int v = b.load(Ordering.ACQUIRE);
                            v += b.load(Ordering.ACQUIRE);
                            sums[1] = v + shared.load(Ordering.ACQUIRE);
                        });
        shared.store(10, Ordering.RELEASE);
        t1.join();
        t2.join();
        report(sums[0] + "," + sums[1]);
    }

    /** Three threads each CAS a counter from what they read; the root reads it at the end. */
    static void threeThreadCas() throws InterruptedException {
        AtomicI32 x = new AtomicI32(0);
        AtomicI32 wins = new AtomicI32(0);
        Runnable step =
                () -> {
                    int v = x.load(Ordering.ACQUIRE);
                    if (x.compareExchange(v, v + 1, Ordering.ACQ_REL, Ordering.ACQUIRE) == v) {
                        wins.fetchAdd(1, Ordering.RELAXED);
                    }
                };
        JoinHandle<Void> a = Threads.spawn(step);
        JoinHandle<Void> b = Threads.spawn(step);
        step.run();
        a.join();
        b.join();
        report("x=" + x.load(Ordering.SEQ_CST) + " wins=" + wins.load(Ordering.SEQ_CST));
    }
}
