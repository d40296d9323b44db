package dev.braid.bench;

import dev.braid.rc.Arc;
import dev.braid.rc.LeakDetector;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * {@link Arc#share()} + {@link Arc#release()} (a new share object each time, as Rust's clone/drop)
 * against a bare {@link AtomicInteger} refcount retain/release, at each leak-detection level.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@State(Scope.Benchmark)
public class ArcBench {
    @Param({"DISABLED", "SAMPLED", "PARANOID"})
    public String level;

    Arc<AutoCloseable> arc;
    final AtomicInteger refCnt = new AtomicInteger(1);

    @Setup
    public void setup() {
        LeakDetector.setLevel(LeakDetector.Level.valueOf(level));
        arc = Arc.of(() -> {});
    }

    @Benchmark
    @Threads(1)
    public Object arcShareRelease() {
        Arc<AutoCloseable> s = arc.share();
        return s.release();
    }

    @Benchmark
    @Threads(1)
    public int atomicRetainRelease() {
        refCnt.incrementAndGet();
        return refCnt.decrementAndGet();
    }

    @Benchmark
    @Threads(2)
    public Object arcShareReleaseContended() {
        Arc<AutoCloseable> s = arc.share();
        return s.release();
    }

    @Benchmark
    @Threads(2)
    public int atomicRetainReleaseContended() {
        refCnt.incrementAndGet();
        return refCnt.decrementAndGet();
    }
}
