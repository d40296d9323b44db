package dev.braid.bench;

import dev.braid.sync.Mutex;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
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
 * One thread locks, increments a field of the shared state, and unlocks: braid's {@code Mutex}
 * (guard and closure forms) against {@code ReentrantLock} and {@code synchronized}. Target
 * (docs/perf/foundation.md): braid's guard form at most 1.05x ReentrantLock.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(
        value = 1,
        jvmArgs = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"},
        // JMH 1.37 reads field offsets through sun.misc.Unsafe; this only silences JDK 25's warning
        jvmArgsAppend = "--sun-misc-unsafe-memory-access=allow")
@Threads(1)
public class MutexUncontended {
    private static final Function<Counter, Long> INCREMENT = c -> ++c.n;

    private final Mutex<Counter> mutex = new Mutex<>(new Counter());
    private final ReentrantLock reentrantLock = new ReentrantLock();
    private final Counter reentrantCounter = new Counter();
    private final Object monitor = new Object();
    private final Counter monitorCounter = new Counter();

    /** braid, guard form: {@code try (var g = m.lock()) { ... }}. */
    @Benchmark
    public long braidGuard() {
        try (var g = mutex.lock()) {
            return ++g.get().n;
        }
    }

    /** braid, closure form: {@code m.withLock(c -> ++c.n)}. */
    @Benchmark
    public long braidWithLock() {
        return mutex.withLock(INCREMENT);
    }

    @Benchmark
    public long reentrantLock() {
        reentrantLock.lock();
        try {
            return ++reentrantCounter.n;
        } finally {
            reentrantLock.unlock();
        }
    }

    @Benchmark
    public long synchronizedBlock() {
        synchronized (monitor) {
            return ++monitorCounter.n;
        }
    }
}
