package dev.braid.bench;

import dev.braid.atomic.AtomicI64;
import dev.braid.atomic.Ordering;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
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
 * braid's {@link AtomicI64} against {@link AtomicLong}, a bare {@link VarHandle} and (contended)
 * {@link LongAdder}: uncontended compare-and-set and fetch-add on one thread, and a two-thread
 * increment. The braid cell should cost the same as its peers: the seam folds away and the ordering
 * switch folds on a constant ordering.
 *
 * <pre>
 * java -jar braid-bench/target/benchmarks.jar Atomics -f 2 -wi 3 -i 5
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 2,
        jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@State(Scope.Group)
public class Atomics {
    private static final VarHandle VALUE;

    static {
        try {
            VALUE = MethodHandles.lookup().findVarHandle(Atomics.class, "value", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final AtomicI64 braid = new AtomicI64();
    private final AtomicLong jdk = new AtomicLong();
    private final LongAdder adder = new LongAdder();
    private volatile long value;

    // ---- uncontended compare-and-set: read, then CAS to read + 1 (always succeeds) ----

    @Benchmark
    @Group("casBraid")
    public boolean casBraid() {
        long v = braid.load(Ordering.RELAXED);
        return braid.compareExchange(v, v + 1, Ordering.SEQ_CST, Ordering.SEQ_CST) == v;
    }

    @Benchmark
    @Group("casAtomicLong")
    public boolean casAtomicLong() {
        long v = jdk.getOpaque();
        return jdk.compareAndSet(v, v + 1);
    }

    @Benchmark
    @Group("casVarHandle")
    public boolean casVarHandle() {
        long v = (long) VALUE.getOpaque(this);
        return VALUE.compareAndSet(this, v, v + 1);
    }

    // ---- uncontended fetch-add ----

    @Benchmark
    @Group("addBraid")
    public long addBraid() {
        return braid.fetchAdd(1, Ordering.SEQ_CST);
    }

    @Benchmark
    @Group("addBraidRelaxed")
    public long addBraidRelaxed() {
        return braid.fetchAdd(1, Ordering.RELAXED);
    }

    @Benchmark
    @Group("addAtomicLong")
    public long addAtomicLong() {
        return jdk.getAndIncrement();
    }

    @Benchmark
    @Group("addVarHandle")
    public long addVarHandle() {
        return (long) VALUE.getAndAdd(this, 1L);
    }

    // ---- two threads incrementing one counter ----

    @Benchmark
    @Group("contendedBraid")
    @GroupThreads(2)
    public long contendedBraid() {
        return braid.fetchAdd(1, Ordering.SEQ_CST);
    }

    @Benchmark
    @Group("contendedAtomicLong")
    @GroupThreads(2)
    public long contendedAtomicLong() {
        return jdk.getAndIncrement();
    }

    @Benchmark
    @Group("contendedLongAdder")
    @GroupThreads(2)
    public void contendedLongAdder() {
        adder.increment();
    }
}
