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
import org.openjdk.jmh.annotations.Scope;
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

    @State(Scope.Thread)
    public static class Ticket {
        int i;

        boolean write() {
            return ++i % 10 == 0;
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
