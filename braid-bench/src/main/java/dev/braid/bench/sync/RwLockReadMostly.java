package dev.braid.bench.sync;

import dev.braid.sync.RwLock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.concurrent.locks.StampedLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * Two threads, 90% reads of a two-field value, 10% writes. Targets: braid ≥ 2× RRWL and ≥ 1.0×
 * StampedLock's optimistic read (throughput). braid runs both its read hold and its optimistic
 * read.
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
public class RwLockReadMostly {
    static final class Point {
        long x;
        long y;
    }

    final RwLock<Point> braid = new RwLock<>(new Point());
    final ReentrantReadWriteLock rrwl = new ReentrantReadWriteLock();
    final StampedLock stamped = new StampedLock();
    final Point peerPoint = new Point();

    /**
     * One write every this many operations per thread: 10 is the suite's 90 % reads; other values
     * ({@code -p writeEvery=2}) show how the locks behave when writes are common.
     */
    @Param({"10"})
    public int writeEvery;

    @State(Scope.Thread)
    public static class Ticket {
        int every;
        int left;

        @Setup
        public void setUp(RwLockReadMostly bench) {
            if (bench.writeEvery < 1) {
                throw new IllegalArgumentException("writeEvery must be >= 1: " + bench.writeEvery);
            }
            every = bench.writeEvery;
            left = every;
        }

        boolean write() { // a count-down, not a modulo by a variable: a division per operation
            if (--left == 0) {
                left = every;
                return true;
            }
            return false;
        }
    }

    @Benchmark
    public long braidRead(Ticket t) {
        if (t.write()) {
            try (var w = braid.write()) {
                w.get().x++;
                w.get().y++;
                return 0;
            }
        }
        try (var r = braid.read()) {
            return r.get().x + r.get().y;
        }
    }

    @Benchmark
    public long braidOptimistic(Ticket t) {
        if (t.write()) {
            try (var w = braid.write()) {
                w.get().x++;
                w.get().y++;
                return 0;
            }
        }
        return braid.readOptimistic(p -> p.x + p.y);
    }

    @Benchmark
    public long reentrantReadWriteLock(Ticket t) {
        if (t.write()) {
            rrwl.writeLock().lock();
            try {
                peerPoint.x++;
                peerPoint.y++;
                return 0;
            } finally {
                rrwl.writeLock().unlock();
            }
        }
        rrwl.readLock().lock();
        try {
            return peerPoint.x + peerPoint.y;
        } finally {
            rrwl.readLock().unlock();
        }
    }

    @Benchmark
    public long stampedOptimistic(Ticket t) {
        if (t.write()) {
            long s = stamped.writeLock();
            try {
                peerPoint.x++;
                peerPoint.y++;
                return 0;
            } finally {
                stamped.unlockWrite(s);
            }
        }
        long s = stamped.tryOptimisticRead();
        long v = peerPoint.x + peerPoint.y;
        if (stamped.validate(s)) {
            return v;
        }
        s = stamped.readLock();
        try {
            return peerPoint.x + peerPoint.y;
        } finally {
            stamped.unlockRead(s);
        }
    }
}
