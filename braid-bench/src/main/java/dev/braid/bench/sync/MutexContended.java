package dev.braid.bench.sync;

import dev.braid.sync.Mutex;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Two threads, work 10 inside / 5 outside (Blackhole tokens). Target: braid ≥ 1.2× the better of
 * ReentrantLock and synchronized (throughput).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@Threads(2)
@State(Scope.Benchmark)
public class MutexContended {
    final Mutex<long[]> mutex = new Mutex<>(new long[1]);
    final ReentrantLock reentrant = new ReentrantLock();
    final Object monitor = new Object();
    long counter;

    @Benchmark
    public void braidMutex() {
        try (var g = mutex.lock()) {
            g.get()[0]++;
            Blackhole.consumeCPU(10);
        }
        Blackhole.consumeCPU(5);
    }

    @Benchmark
    public void reentrantLock() {
        reentrant.lock();
        try {
            counter++;
            Blackhole.consumeCPU(10);
        } finally {
            reentrant.unlock();
        }
        Blackhole.consumeCPU(5);
    }

    @Benchmark
    public void synchronizedBlock() {
        synchronized (monitor) {
            counter++;
            Blackhole.consumeCPU(10);
        }
        Blackhole.consumeCPU(5);
    }
}
