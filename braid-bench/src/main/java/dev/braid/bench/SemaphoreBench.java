package dev.braid.bench;

import dev.braid.sync.Permits;
import dev.braid.sync.Semaphore;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * braid {@link Semaphore} against {@link java.util.concurrent.Semaphore}: acquire + release of one
 * permit, uncontended (1 thread, 1 permit) and contended (2 threads, 1 permit).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@State(Scope.Benchmark)
public class SemaphoreBench {
    final Semaphore braid = new Semaphore(1);
    final Semaphore braidFair = Semaphore.fair(1);
    final java.util.concurrent.Semaphore juc = new java.util.concurrent.Semaphore(1);
    final java.util.concurrent.Semaphore jucFair = new java.util.concurrent.Semaphore(1, true);

    @Benchmark
    @Threads(1)
    public int braidUncontended() throws InterruptedException {
        try (Permits p = braid.acquire(1)) {
            return p.count();
        }
    }

    @Benchmark
    @Threads(1)
    public int jucUncontended() throws InterruptedException {
        juc.acquire();
        juc.release();
        return 1;
    }

    @Benchmark
    @Threads(2)
    public int braidContended() throws InterruptedException {
        try (Permits p = braid.acquire(1)) {
            return p.count();
        }
    }

    @Benchmark
    @Threads(2)
    public int jucContended() throws InterruptedException {
        juc.acquire();
        juc.release();
        return 1;
    }

    @Benchmark
    @Threads(2)
    public int braidFairContended() throws InterruptedException {
        try (Permits p = braidFair.acquire(1)) {
            return p.count();
        }
    }

    @Benchmark
    @Threads(2)
    public int jucFairContended() throws InterruptedException {
        jucFair.acquire();
        jucFair.release();
        return 1;
    }
}
