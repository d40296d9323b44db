package dev.braid.bench.pool;

import dev.braid.cancel.CancelScope;
import dev.braid.pool.Joined;
import dev.braid.pool.PoolTask;
import dev.braid.pool.WorkStealingPool;
import java.time.Duration;
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
 * Recursive Fibonacci with no sequential cut-off, so every call but the leaves forks a task:
 * fib(30) is about 1.3 million tasks. braid's {@code join(a, b)}, a forked {@link
 * dev.braid.pool.TaskHandle} and a {@link PoolTask} against {@link ForkJoinPool} with {@code
 * RecursiveTask} (fork/compute/join), same parallelism. Issue 12's target: braid ≥ 1.0× FJP.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@State(Scope.Benchmark)
public class PoolFib {
    @Param("30")
    int n;

    @Param("0") // 0 = available processors
    int parallelism;

    WorkStealingPool braid;
    ForkJoinPool fjp;

    @Setup(Level.Trial)
    public void start() {
        int p = parallelism > 0 ? parallelism : Runtime.getRuntime().availableProcessors();
        braid = WorkStealingPool.builder().parallelism(p).namePrefix("bench").build();
        fjp = new ForkJoinPool(p);
    }

    @TearDown(Level.Trial)
    public void stop() {
        braid.close();
        fjp.close();
    }

    static long fib(WorkStealingPool pool, int n) {
        if (n < 2) {
            return n;
        }
        Joined<Long, Long> r = pool.join(() -> fib(pool, n - 1), () -> fib(pool, n - 2));
        return r.first() + r.second();
    }

    static long fibLong(WorkStealingPool pool, int n) {
        return n < 2
                ? n
                : pool.joinLong(() -> fibLong(pool, n - 1), () -> fibLong(pool, n - 2), Long::sum);
    }

    static long fibForked(WorkStealingPool pool, int n) throws InterruptedException {
        if (n < 2) {
            return n;
        }
        var f = pool.submit(() -> fibForked(pool, n - 2));
        return fibForked(pool, n - 1) + f.join();
    }

    /** FJP's idiom: fork the smaller half, compute the larger, join. */
    static final class FibTask extends RecursiveTask<Long> {
        private static final long serialVersionUID = 1L;
        final int n;

        FibTask(int n) {
            this.n = n;
        }

        @Override
        protected Long compute() {
            if (n < 2) {
                return (long) n;
            }
            FibTask f = new FibTask(n - 2);
            f.fork();
            return new FibTask(n - 1).compute() + f.join();
        }
    }

    /** FJP's idiom on braid's {@link PoolTask}: the task is its own handle (ADR 0078). */
    static final class BraidFibTask extends PoolTask<Long> {
        final int n;

        BraidFibTask(int n) {
            this.n = n;
        }

        @Override
        protected Long compute() {
            if (n < 2) {
                return (long) n;
            }
            BraidFibTask f = new BraidFibTask(n - 2);
            f.fork();
            return new BraidFibTask(n - 1).compute() + f.join();
        }
    }

    @Benchmark
    public long braidJoin() {
        return braid.join(() -> fib(braid, n), () -> 0L).first();
    }

    /** {@code joinLong}: no {@code Joined}, no boxing (ADR 0059). */
    @Benchmark
    public long braidJoinLong() {
        return braid.joinLong(() -> fibLong(braid, n), () -> 0L, Long::sum);
    }

    /**
     * {@code joinLong} inside a {@link CancelScope} with a deadline an hour away (ADR 0131): every
     * forked half carries the scope (a 24-byte wrapper) and a thief enters it. Against {@link
     * #braidJoinLong()}: the cost of the scoped path; the unscoped one pays only a scoped-value
     * read per fork.
     */
    @Benchmark
    public long braidJoinLongScoped() {
        return CancelScope.withTimeout(
                Duration.ofHours(1),
                () -> braid.joinLong(() -> fibLong(braid, n), () -> 0L, Long::sum));
    }

    @Benchmark
    public long braidFork() throws InterruptedException {
        return braid.submit(() -> fibForked(braid, n)).join();
    }

    /** {@link PoolTask}, the same code as {@link #forkJoinPool()}'s {@code RecursiveTask}. */
    @Benchmark
    public long braidTask() {
        return braid.invoke(new BraidFibTask(n));
    }

    @Benchmark
    public long forkJoinPool() {
        return fjp.invoke(new FibTask(n));
    }
}
