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
import org.openjdk.jmh.annotations.Warmup;

/**
 * One thread, lock + increment a shared {@code long[0]} + unlock: every side does the same work on
 * the same kind of state (braid's reaches it through the guard). Target: braid ≤ 1.0×
 * ReentrantLock. The guard/withLock split is in {@code dev.braid.bench.MutexUncontended}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@State(Scope.Benchmark)
public class MutexUncontended {
    final Mutex<long[]> mutex = new Mutex<>(new long[1]);
    final ReentrantLock reentrant = new ReentrantLock();
    final Object monitor = new Object();
    final long[] counter = new long[1];

    @Benchmark
    public long braidMutex() {
        try (var g = mutex.lock()) {
            return ++g.get()[0];
        }
    }

    @Benchmark
    public long reentrantLock() {
        reentrant.lock();
        try {
            return ++counter[0];
        } finally {
            reentrant.unlock();
        }
    }

    @Benchmark
    public long synchronizedBlock() {
        synchronized (monitor) {
            return ++counter[0];
        }
    }
}
