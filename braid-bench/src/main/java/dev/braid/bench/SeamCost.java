package dev.braid.bench;

import dev.braid.sync.Mutex;
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
 * What the runtime seam costs in production (ADR 0003): an uncontended lock/unlock of braid's
 * {@code Mutex}, whose every operation calls {@code Rt.yieldPoint/acquired/released}, against
 * {@link NoSeamMutex}, the same algorithm with those calls deleted. Both run the same critical
 * section (increment a field through the guard). No simulator is installed in this JVM, so the seam
 * should fold away entirely. Target: {@code withSeam} at most 1.02x {@code withoutSeam}.
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
public class SeamCost {
    private final Mutex<Counter> withSeam = new Mutex<>(new Counter());
    private final NoSeamMutex<Counter> withoutSeam = new NoSeamMutex<>(new Counter());

    @Benchmark
    public long withSeam() {
        try (var g = withSeam.lock()) {
            return ++g.get().n;
        }
    }

    @Benchmark
    public long withoutSeam() {
        try (var g = withoutSeam.lock()) {
            return ++g.get().n;
        }
    }
}
