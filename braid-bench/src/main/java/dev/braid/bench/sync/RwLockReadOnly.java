package dev.braid.bench.sync;

import dev.braid.sync.RwLock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
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
 * Two threads that only read a two-field value under a read hold: what striped reader slots (ADR
 * 0015) buy when no writer interrupts. RwLockReadMostly is the mixed case.
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
public class RwLockReadOnly {
    static final class Point {
        long x;
        long y;
    }

    final RwLock<Point> braid = new RwLock<>(new Point());
    final ReentrantReadWriteLock rrwl = new ReentrantReadWriteLock();
    final Point peerPoint = new Point();

    @Benchmark
    public long braidRead() {
        try (var r = braid.read()) {
            return r.get().x + r.get().y;
        }
    }

    @Benchmark
    public long reentrantReadWriteLock() {
        rrwl.readLock().lock();
        try {
            return peerPoint.x + peerPoint.y;
        } finally {
            rrwl.readLock().unlock();
        }
    }
}
