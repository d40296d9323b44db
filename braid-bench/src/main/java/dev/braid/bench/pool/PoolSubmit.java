package dev.braid.bench.pool;

import dev.braid.pool.PoolMetrics;
import dev.braid.pool.TaskHandle;
import dev.braid.pool.WorkStealingPool;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * 10,000 submissions from one outside thread, then await all of them: braid's pool against {@link
 * ForkJoinPool} and a fixed {@link ThreadPoolExecutor}, same parallelism. Each task adds to a
 * {@link LongAdder}. Issue 12's target: ≥ 1.0× FJP and ≥ 1.5× ThreadPoolExecutor.
 *
 * <p>With {@code -Dbraid.bench.poolStats=true} (passed to the fork, e.g. {@code -jvmArgsAppend
 * -Dbraid.bench.poolStats=true}) each braid iteration prints, per operation (10,000 submissions and
 * their joins), the workers' parks, the tasks the outside joiner ran itself (ADR 0049) and the
 * joins that found their task not yet finished: the counts that tell braid's slow and fast modes
 * apart (docs/perf/pool.md). It also splits each operation of every variant (braid, FJP, TPE) into
 * its submit phase (the 10,000 submissions) and its join phase (the awaits), so that a gap can be
 * placed in one of them. Off by default: the counting costs a metrics read per iteration and two
 * clock reads per operation.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@State(Scope.Benchmark)
public class PoolSubmit {
    @Param("10000")
    int tasks;

    @Param("0") // 0 = available processors
    int parallelism;

    WorkStealingPool braid;
    ForkJoinPool fjp;
    ExecutorService tpe;
    final LongAdder sink = new LongAdder();
    TaskHandle<?>[] braidHandles;
    Future<?>[] futures;

    @Setup(Level.Trial)
    public void start() {
        int p = parallelism > 0 ? parallelism : Runtime.getRuntime().availableProcessors();
        braid = WorkStealingPool.builder().parallelism(p).namePrefix("bench").build();
        fjp = new ForkJoinPool(p);
        tpe = new ThreadPoolExecutor(p, p, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
        braidHandles = new TaskHandle<?>[tasks];
        futures = new Future<?>[tasks];
    }

    @TearDown(Level.Trial)
    public void stop() {
        braid.close();
        fjp.close();
        tpe.close();
    }

    private final Runnable work = sink::increment;

    private static final boolean STATS = Boolean.getBoolean("braid.bench.poolStats");
    private long ops;
    private long unfinishedAtJoin;
    private long submitNanos;
    private long joinNanos;
    private long submitCpuNanos; // the submitting thread's CPU time: wall minus this is off-CPU
    private long joinCpuNanos;
    private long peerDoneAtSubmitEnd; // a peer's tasks already done when its submissions end
    private long braidDoneAtSubmitEnd; // the same for braid
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    private PoolMetrics before;

    /** With braid.bench.poolStats: the counters at the start of an iteration. */
    @Setup(Level.Iteration)
    public void statsStart() {
        if (STATS) {
            ops = 0;
            unfinishedAtJoin = 0;
            submitNanos = 0;
            joinNanos = 0;
            submitCpuNanos = 0;
            joinCpuNanos = 0;
            peerDoneAtSubmitEnd = 0;
            braidDoneAtSubmitEnd = 0;
            before = braid.metrics();
        }
    }

    /** With braid.bench.poolStats: prints the per-operation counts of the iteration. */
    @TearDown(Level.Iteration)
    public void statsEnd() {
        if (!STATS || ops == 0) {
            return;
        }
        System.out.printf(
                "%n[poolStats] ops=%d submit=%.1f µs/op (cpu %.1f) join=%.1f µs/op (cpu %.1f)%n",
                ops,
                submitNanos / 1e3 / ops,
                submitCpuNanos / 1e3 / ops,
                joinNanos / 1e3 / ops,
                joinCpuNanos / 1e3 / ops);
        if (unfinishedAtJoin < 0) { // a peer's iteration: only how much ran during the submissions
            System.out.printf(
                    "%n[poolStats] peer doneAtSubmitEnd/op=%.0f%n",
                    (double) peerDoneAtSubmitEnd / ops);
            return;
        }
        PoolMetrics after = braid.metrics();
        long parks = 0;
        long workerRuns = 0;
        for (int i = 0; i < after.workers().size(); i++) {
            parks += after.workers().get(i).parks() - before.workers().get(i).parks();
            workerRuns += after.workers().get(i).tasksRun() - before.workers().get(i).tasksRun();
        }
        long joinerRuns = after.tasksRun() - before.tasksRun() - workerRuns;
        System.out.printf(
                "%n[poolStats] ops=%d parks/op=%.1f joinerRuns/op=%.0f unfinishedAtJoin/op=%.0f"
                        + " steals/op=%.1f searchingAtEnd=%d activeAtEnd=%d doneAtSubmitEnd/op=%.0f%n",
                ops,
                (double) parks / ops,
                (double) joinerRuns / ops,
                (double) unfinishedAtJoin / ops,
                (double) (after.steals() - before.steals()) / ops,
                after.searchingWorkers(),
                after.activeWorkers(),
                (double) braidDoneAtSubmitEnd / ops);
    }

    @Benchmark
    public long braid() throws InterruptedException {
        if (STATS) {
            return braidCounted();
        }
        for (int i = 0; i < tasks; i++) {
            braidHandles[i] = braid.submit(work);
        }
        for (TaskHandle<?> h : braidHandles) {
            h.join();
        }
        return sink.sum();
    }

    private long braidCounted() throws InterruptedException {
        ops++;
        long c0 = CPU.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        for (int i = 0; i < tasks; i++) {
            braidHandles[i] = braid.submit(work);
        }
        long t1 = System.nanoTime();
        long c1 = CPU.getCurrentThreadCpuTime();
        submitNanos += t1 - t0;
        submitCpuNanos += c1 - c0;
        for (TaskHandle<?> h : braidHandles) { // outside both timed phases: what ran meanwhile
            if (h.isFinished()) {
                braidDoneAtSubmitEnd++;
            }
        }
        t1 = System.nanoTime(); // the join phase starts after the count
        c1 = CPU.getCurrentThreadCpuTime();
        for (TaskHandle<?> h : braidHandles) {
            if (!h.isFinished()) {
                unfinishedAtJoin++;
            }
            h.join();
        }
        joinNanos += System.nanoTime() - t1;
        joinCpuNanos += CPU.getCurrentThreadCpuTime() - c1;
        return sink.sum();
    }

    @Benchmark
    public long forkJoinPool() throws Exception {
        return awaitAll(fjp);
    }

    @Benchmark
    public long threadPoolExecutor() throws Exception {
        return awaitAll(tpe);
    }

    /** Submits every task to {@code peer}, then gets every future; with STATS, times the phases. */
    private long awaitAll(ExecutorService peer) throws Exception {
        long c0 = STATS ? CPU.getCurrentThreadCpuTime() : 0;
        long t0 = STATS ? System.nanoTime() : 0;
        for (int i = 0; i < tasks; i++) {
            futures[i] = peer.submit(work);
        }
        long t1 = STATS ? System.nanoTime() : 0;
        long c1 = STATS ? CPU.getCurrentThreadCpuTime() : 0;
        if (STATS) { // outside both timed phases: how much ran while the submissions were made
            submitNanos += t1 - t0;
            submitCpuNanos += c1 - c0;
            for (Future<?> f : futures) {
                if (f.isDone()) {
                    peerDoneAtSubmitEnd++;
                }
            }
            t1 = System.nanoTime(); // the join phase starts after the count
            c1 = CPU.getCurrentThreadCpuTime();
        }
        for (Future<?> f : futures) {
            f.get();
        }
        if (STATS) {
            ops++;
            unfinishedAtJoin = -1; // no braid counts for a peer
            joinNanos += System.nanoTime() - t1;
            joinCpuNanos += CPU.getCurrentThreadCpuTime() - c1;
        }
        return sink.sum();
    }
}
