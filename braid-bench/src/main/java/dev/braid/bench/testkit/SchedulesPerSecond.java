package dev.braid.bench.testkit;

import dev.braid.atomic.AtomicI32;
import dev.braid.atomic.Ordering;
import dev.braid.sync.Condvar;
import dev.braid.sync.Mutex;
import dev.braid.sync.MutexGuard;
import dev.braid.testkit.Exploration;
import dev.braid.testkit.SimBody;
import dev.braid.testkit.Simulation;
import dev.braid.testkit.Strategy;
import dev.braid.thread.JoinHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Schedules per second of the testkit, per search strategy, on small bug-free programs of the bug
 * benchmark's shape (2–4 threads, about 20 synchronization points): issue 14's "keep 10,000–22,000
 * schedules/s on one core with every strategy". One benchmark operation is one exploration of
 * {@link #SCHEDULES} schedules (no shrinking, no progress line); the {@code schedules} counter
 * reports schedules per second directly (the bounded search may exhaust a small program before the
 * budget, so the count is taken from the exploration, not assumed).
 *
 * <p>The programs are bug-free so that every schedule runs to the end: a failing program would stop
 * the exploration at its first failure and measure the search's luck, which the bug benchmark
 * ({@code braid-testkit/bench.sh}) measures instead. They are written here (not taken from the
 * testkit's test sources, which a benchmark jar cannot see).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgs = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"},
        // JMH 1.37 reads field offsets through sun.misc.Unsafe; the first only silences JDK 25's
        // warning. The opening gives each engine a carrier of its own (ADR 0063).
        jvmArgsAppend = {
            "--sun-misc-unsafe-memory-access=allow",
            "--add-opens",
            "java.base/java.lang=ALL-UNNAMED"
        })
@Threads(1)
public class SchedulesPerSecond {
    /** Schedules per exploration (one benchmark operation). */
    static final int SCHEDULES = 200;

    /** The search strategy. */
    @Param({"RANDOM", "PCT", "POS", "SURW", "PORTFOLIO", "COVERAGE", "BOUNDED"})
    public String strategy;

    /** The program explored. */
    @Param({"mutex-3", "atomics-4", "condvar-2"})
    public String program;

    private Simulation simulation;
    private SimBody body;
    private long seed;

    /** Schedules run, as a JMH operations counter: its score is schedules per second. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Counts {
        /** Schedules run in this iteration. */
        public long schedules;

        /** Clears the count before each iteration. */
        @Setup(Level.Iteration)
        public void clear() {
            schedules = 0;
        }
    }

    /** Picks the program and builds the simulation. */
    @Setup(Level.Trial)
    public void setUp() {
        body =
                switch (program) {
                    case "mutex-3" -> SchedulesPerSecond::mutex3;
                    case "atomics-4" -> SchedulesPerSecond::atomics4;
                    case "condvar-2" -> SchedulesPerSecond::condvar2;
                    default -> throw new IllegalArgumentException("program: " + program);
                };
        simulation = build(0);
    }

    private Simulation build(long s) {
        return Simulation.builder()
                .strategy(Strategy.valueOf(strategy))
                .seed(s)
                .schedules(SCHEDULES)
                .preemptionBound(2)
                .shrink(false)
                .progress(false)
                .build();
    }

    /**
     * One exploration of {@link #SCHEDULES} schedules; each operation uses the next base seed, so
     * the randomized strategies do not repeat the same schedules.
     *
     * @param counts where the schedules run are counted
     * @return the exploration (consumed by JMH)
     */
    @Benchmark
    public Exploration explore(Counts counts) {
        Simulation sim = strategy.equals("BOUNDED") ? simulation : build(++seed);
        Exploration e = sim.explore(body);
        if (e.failure().isPresent()) {
            throw new AssertionError("a bug-free program failed: " + e.message());
        }
        counts.schedules += e.schedulesRun();
        return e;
    }

    private static List<JoinHandle<Void>> start(int n, java.util.function.IntConsumer task) {
        List<JoinHandle<Void>> handles = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int id = i;
            handles.add(dev.braid.thread.Threads.spawn(() -> task.accept(id)));
        }
        return handles;
    }

    private static void awaitAll(List<JoinHandle<Void>> handles) throws InterruptedException {
        for (JoinHandle<Void> h : handles) {
            h.join();
        }
    }

    /** Three threads, three locked increments each: about 25 scheduling points. */
    static void mutex3() throws InterruptedException {
        Mutex<Integer> m = new Mutex<>(0);
        awaitAll(
                start(
                        3,
                        id -> {
                            for (int k = 0; k < 3; k++) {
                                m.update(v -> v + 1);
                            }
                        }));
        if (m.withLock(v -> v) != 9) {
            throw new AssertionError("mutex-3 lost an increment");
        }
    }

    /**
     * Four threads, each a store, a neighbour's load and two read-modify-writes: about 25 points.
     */
    static void atomics4() throws InterruptedException {
        AtomicI32[] flags = new AtomicI32[4];
        for (int i = 0; i < flags.length; i++) {
            flags[i] = new AtomicI32(0);
        }
        AtomicI32 total = new AtomicI32(0);
        awaitAll(
                start(
                        4,
                        id -> {
                            flags[id].store(1, Ordering.RELEASE);
                            int seen = flags[(id + 1) % 4].load(Ordering.ACQUIRE);
                            total.fetchAdd(1, Ordering.SEQ_CST);
                            flags[id].fetchAdd(seen, Ordering.SEQ_CST);
                        }));
        if (total.load(Ordering.SEQ_CST) != 4) {
            throw new AssertionError("atomics-4 lost an increment");
        }
    }

    /** Two threads passing a token back and forth three times under a mutex and a condvar. */
    static void condvar2() throws InterruptedException {
        Mutex<Integer> turn = new Mutex<>(0);
        Condvar changed = new Condvar();
        List<JoinHandle<Void>> players =
                start(
                        2,
                        id -> {
                            for (int round = 0; round < 3; round++) {
                                try (MutexGuard<Integer> g = turn.lock()) {
                                    while (g.get() % 2 != id) {
                                        changed.awaitUninterruptibly(g);
                                    }
                                    g.set(g.get() + 1);
                                    changed.notifyAllWaiters();
                                }
                            }
                        });
        awaitAll(players);
    }
}
