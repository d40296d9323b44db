package dev.braid.bench.pool;

import dev.braid.pool.Joined;
import dev.braid.pool.PoolTask;
import dev.braid.pool.WorkStealingPool;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveTask;
import java.util.concurrent.TimeUnit;
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
 * The shape of the JDK's {@code ForkJoinPoolForking} micro-benchmark: sum an array of 2^20 ints by
 * halving until a slice of {@code threshold} elements, about 10^6 tasks at threshold 1. braid's
 * {@code join(a, b)}, {@code joinLong} and a {@link PoolTask} against {@link ForkJoinPool} with
 * {@code RecursiveTask}, same parallelism.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@State(Scope.Benchmark)
public class PoolForking {
    @Param("1048576")
    int size;

    @Param("1")
    int threshold;

    @Param("0") // 0 = available processors
    int parallelism;

    int[] data;
    WorkStealingPool braid;
    ForkJoinPool fjp;

    @Setup(Level.Trial)
    public void start() {
        data = new int[size];
        for (int i = 0; i < size; i++) {
            data[i] = i & 0xff;
        }
        int p = parallelism > 0 ? parallelism : Runtime.getRuntime().availableProcessors();
        braid = WorkStealingPool.builder().parallelism(p).namePrefix("bench").build();
        fjp = new ForkJoinPool(p);
    }

    @TearDown(Level.Trial)
    public void stop() {
        braid.close();
        fjp.close();
    }

    long sum(int lo, int hi) {
        if (hi - lo <= threshold) {
            long s = 0;
            for (int i = lo; i < hi; i++) {
                s += data[i];
            }
            return s;
        }
        int mid = (lo + hi) >>> 1;
        Joined<Long, Long> r = braid.join(() -> sum(lo, mid), () -> sum(mid, hi));
        return r.first() + r.second();
    }

    final class SumTask extends RecursiveTask<Long> {
        private static final long serialVersionUID = 1L;
        final int lo;
        final int hi;

        SumTask(int lo, int hi) {
            this.lo = lo;
            this.hi = hi;
        }

        @Override
        protected Long compute() {
            if (hi - lo <= threshold) {
                long s = 0;
                for (int i = lo; i < hi; i++) {
                    s += data[i];
                }
                return s;
            }
            int mid = (lo + hi) >>> 1;
            SumTask right = new SumTask(mid, hi);
            right.fork();
            return new SumTask(lo, mid).compute() + right.join();
        }
    }

    /** {@link SumTask}'s code on braid's {@link PoolTask} (ADR 0078). */
    final class BraidSumTask extends PoolTask<Long> {
        final int lo;
        final int hi;

        BraidSumTask(int lo, int hi) {
            this.lo = lo;
            this.hi = hi;
        }

        @Override
        protected Long compute() {
            if (hi - lo <= threshold) {
                return leaf(lo, hi);
            }
            int mid = (lo + hi) >>> 1;
            BraidSumTask right = new BraidSumTask(mid, hi);
            right.fork();
            return new BraidSumTask(lo, mid).compute() + right.join();
        }
    }

    long leaf(int lo, int hi) {
        long s = 0;
        for (int i = lo; i < hi; i++) {
            s += data[i];
        }
        return s;
    }

    long sumLong(int lo, int hi) {
        if (hi - lo <= threshold) {
            return leaf(lo, hi);
        }
        int mid = (lo + hi) >>> 1;
        return braid.joinLong(() -> sumLong(lo, mid), () -> sumLong(mid, hi), Long::sum);
    }

    /** {@code joinLong}: no {@code Joined}, no boxing (ADR 0059). */
    @Benchmark
    public long braidJoinLong() {
        return braid.joinLong(() -> sumLong(0, size), () -> 0L, Long::sum);
    }

    @Benchmark
    public long braidJoin() {
        return braid.join(() -> sum(0, size), () -> 0L).first();
    }

    /** {@link PoolTask}, the same code as {@link #forkJoinPool()}'s {@code RecursiveTask}. */
    @Benchmark
    public long braidTask() {
        return braid.invoke(new BraidSumTask(0, size));
    }

    @Benchmark
    public long forkJoinPool() {
        return fjp.invoke(new SumTask(0, size));
    }
}
