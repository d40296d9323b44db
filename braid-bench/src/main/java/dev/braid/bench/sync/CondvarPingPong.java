package dev.braid.bench.sync;

import dev.braid.sync.Condvar;
import dev.braid.sync.Mutex;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Two threads hand a turn back and forth through a lock + condition: time per half round trip.
 * Target: braid ≤ 0.8× Lock+Condition. Uses timed waits so JMH can stop a parked partner at the end
 * of an iteration.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class CondvarPingPong {
    static final long TIMEOUT_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    @State(Scope.Group)
    public static class Braid {
        final Mutex<int[]> turn = new Mutex<>(new int[1]);
        final Condvar changed = new Condvar();

        void pass(int mine) throws InterruptedException {
            try (var g = turn.lock()) {
                if (g.get()[0] == mine) {
                    g.get()[0] = 1 - mine;
                    changed.notifyOne();
                    return;
                }
                changed.awaitUntil(g, t -> t[0] == mine, java.time.Duration.ofNanos(TIMEOUT_NANOS));
            }
        }
    }

    @State(Scope.Group)
    public static class Juc {
        final ReentrantLock lock = new ReentrantLock();
        final Condition changed = lock.newCondition();
        int turn;

        void pass(int mine) throws InterruptedException {
            lock.lock();
            try {
                if (turn == mine) {
                    turn = 1 - mine;
                    changed.signal();
                    return;
                }
                long left = TIMEOUT_NANOS;
                while (turn != mine && left > 0) {
                    left = changed.awaitNanos(left);
                }
            } finally {
                lock.unlock();
            }
        }
    }

    @Benchmark
    @Group("braid")
    @GroupThreads(1)
    public void braidPing(Braid s) throws InterruptedException {
        s.pass(0);
    }

    @Benchmark
    @Group("braid")
    @GroupThreads(1)
    public void braidPong(Braid s) throws InterruptedException {
        s.pass(1);
    }

    @Benchmark
    @Group("lockCondition")
    @GroupThreads(1)
    public void jucPing(Juc s) throws InterruptedException {
        s.pass(0);
    }

    @Benchmark
    @Group("lockCondition")
    @GroupThreads(1)
    public void jucPong(Juc s) throws InterruptedException {
        s.pass(1);
    }
}
