package dev.braid.bench.pool;

import dev.braid.pool.PoolMetrics;
import dev.braid.pool.TaskHandle;
import dev.braid.pool.WorkStealingPool;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
 * placed in one of them, with the submitting thread's CPU time and the pool's workers' CPU time in
 * each (braid's and FJP's workers, found by thread name; TPE's are not counted), and for the peers
 * the awaits that found their task not yet done. Off by default: the counting costs a metrics read
 * per iteration and two clock reads per operation.
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
    private long workerSubmitCpuNanos; // the pool's workers' CPU time during the submit phase
    private long workerJoinCpuNanos; // and during the join phase
    private boolean peerIteration; // an iteration of FJP or TPE, not braid
    private long[] braidWorkerIds = new long[0];
    private long[] fjpWorkerIds = new long[0];
    private long[] workerCpuAtStart = new long[0]; // braid's then FJP's workers, per thread
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
            workerSubmitCpuNanos = 0;
            workerJoinCpuNanos = 0;
            peerIteration = false;
            before = braid.metrics();
            findWorkerThreads();
            long[] b = cpuEach(braidWorkerIds);
            long[] f = cpuEach(fjpWorkerIds);
            workerCpuAtStart = new long[b.length + f.length];
            System.arraycopy(b, 0, workerCpuAtStart, 0, b.length);
            System.arraycopy(f, 0, workerCpuAtStart, b.length, f.length);
        }
    }

    /**
     * Finds the thread ids of braid's and FJP's workers by name (FJP starts its workers lazily, so
     * this runs before every iteration): their CPU time is read per phase.
     */
    private void findWorkerThreads() {
        Set<String> braidNames = new HashSet<>();
        for (var w : braid.metrics().workers()) {
            braidNames.add(w.name());
        }
        String fjpPrefix = "ForkJoinPool-";
        List<Long> b = new ArrayList<>();
        List<Long> f = new ArrayList<>();
        for (ThreadInfo t : CPU.getThreadInfo(CPU.getAllThreadIds())) {
            if (t == null) {
                continue;
            }
            if (braidNames.contains(t.getThreadName())) {
                b.add(t.getThreadId());
            } else if (t.getThreadName().startsWith(fjpPrefix)
                    && t.getThreadName().contains("-worker-")) {
                f.add(t.getThreadId());
            }
        }
        braidWorkerIds = b.stream().mapToLong(Long::longValue).toArray();
        fjpWorkerIds = f.stream().mapToLong(Long::longValue).toArray();
    }

    /** The summed CPU time of the threads {@code ids} (a thread that has ended counts 0). */
    private long[] cpuEach(long[] ids) {
        long[] c = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            c[i] = Math.max(0, CPU.getThreadCpuTime(ids[i]));
        }
        return c;
    }

    /** Each worker's CPU time per operation since the iteration started, in µs. */
    private String cpuPerWorker(long[] ids) {
        long[] now = cpuEach(ids);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < ids.length && i < workerCpuAtStart.length; i++) {
            b.append(String.format(" %.0f", (now[i] - workerCpuAtStart[i]) / 1e3 / ops));
        }
        return b.toString();
    }

    private static long cpuOf(long[] ids) {
        long sum = 0;
        for (long id : ids) {
            sum += Math.max(0, CPU.getThreadCpuTime(id));
        }
        return sum;
    }

    /** With braid.bench.poolStats: prints the per-operation counts of the iteration. */
    @TearDown(Level.Iteration)
    public void statsEnd() {
        if (!STATS || ops == 0) {
            return;
        }
        System.out.printf(
                "%n[poolStats] ops=%d submit=%.1f µs/op (cpu %.1f, workers' cpu %.1f)"
                        + " join=%.1f µs/op (cpu %.1f, workers' cpu %.1f)%n",
                ops,
                submitNanos / 1e3 / ops,
                submitCpuNanos / 1e3 / ops,
                workerSubmitCpuNanos / 1e3 / ops,
                joinNanos / 1e3 / ops,
                joinCpuNanos / 1e3 / ops,
                workerJoinCpuNanos / 1e3 / ops);
        long[] all = new long[braidWorkerIds.length + fjpWorkerIds.length];
        System.arraycopy(braidWorkerIds, 0, all, 0, braidWorkerIds.length);
        System.arraycopy(fjpWorkerIds, 0, all, braidWorkerIds.length, fjpWorkerIds.length);
        System.out.printf(
                "%n[poolStats] cpu µs/op per worker, braid's then FJP's:%s%n", cpuPerWorker(all));
        if (peerIteration) { // FJP or TPE: how much ran during the submissions, how many waited
            System.out.printf(
                    "%n[poolStats] peer doneAtSubmitEnd/op=%.0f unfinishedAtJoin/op=%.0f%n",
                    (double) peerDoneAtSubmitEnd / ops, (double) unfinishedAtJoin / ops);
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
        StringBuilder byWorker = new StringBuilder();
        for (int i = 0; i < after.workers().size(); i++) {
            byWorker.append(
                    String.format(
                            " w%d runs/op=%.0f parks/op=%.1f",
                            i,
                            (double)
                                            (after.workers().get(i).tasksRun()
                                                    - before.workers().get(i).tasksRun())
                                    / ops,
                            (double)
                                            (after.workers().get(i).parks()
                                                    - before.workers().get(i).parks())
                                    / ops));
        }
        System.out.printf("%n[poolStats] by worker:%s%n", byWorker);
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
        long w0 = cpuOf(braidWorkerIds);
        long c0 = CPU.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        for (int i = 0; i < tasks; i++) {
            braidHandles[i] = braid.submit(work);
        }
        long t1 = System.nanoTime();
        long c1 = CPU.getCurrentThreadCpuTime();
        submitNanos += t1 - t0;
        submitCpuNanos += c1 - c0;
        long w1 = cpuOf(braidWorkerIds);
        workerSubmitCpuNanos += w1 - w0;
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
        workerJoinCpuNanos += cpuOf(braidWorkerIds) - w1;
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
        long[] workerIds = peer == fjp ? fjpWorkerIds : new long[0]; // TPE's: not counted
        long w0 = STATS ? cpuOf(workerIds) : 0;
        long c0 = STATS ? CPU.getCurrentThreadCpuTime() : 0;
        long t0 = STATS ? System.nanoTime() : 0;
        for (int i = 0; i < tasks; i++) {
            futures[i] = peer.submit(work);
        }
        long t1 = STATS ? System.nanoTime() : 0;
        long c1 = STATS ? CPU.getCurrentThreadCpuTime() : 0;
        long w1 = 0;
        if (STATS) { // outside both timed phases: how much ran while the submissions were made
            submitNanos += t1 - t0;
            submitCpuNanos += c1 - c0;
            w1 = cpuOf(workerIds);
            workerSubmitCpuNanos += w1 - w0;
            for (Future<?> f : futures) {
                if (f.isDone()) {
                    peerDoneAtSubmitEnd++;
                }
            }
            t1 = System.nanoTime(); // the join phase starts after the count
            c1 = CPU.getCurrentThreadCpuTime();
        }
        if (STATS) {
            for (Future<?> f : futures) {
                if (!f.isDone()) {
                    unfinishedAtJoin++;
                }
                f.get();
            }
        } else {
            for (Future<?> f : futures) {
                f.get();
            }
        }
        if (STATS) {
            ops++;
            peerIteration = true; // no braid counts for a peer
            joinNanos += System.nanoTime() - t1;
            joinCpuNanos += CPU.getCurrentThreadCpuTime() - c1;
            workerJoinCpuNanos += cpuOf(workerIds) - w1;
        }
        return sink.sum();
    }
}
