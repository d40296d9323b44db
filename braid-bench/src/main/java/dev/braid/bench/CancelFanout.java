package dev.braid.bench;

import dev.braid.cancel.CancellationSource;
import java.util.concurrent.CompletableFuture;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * One cancellation fanning out to 1000 callbacks (register 1000, then cancel) against a
 * CompletableFuture with 1000 {@code thenRun} dependents completed once. Target: ≤ 1.0× CF.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(
        value = 1,
        jvmArgs = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"},
        jvmArgsAppend = "--sun-misc-unsafe-memory-access=allow")
@Threads(1)
public class CancelFanout {
    private static final int CALLBACKS = 1000;

    private int counter;
    private final Runnable callback = () -> counter++;

    @Benchmark
    public int braidCancel() {
        CancellationSource s = new CancellationSource();
        for (int i = 0; i < CALLBACKS; i++) {
            s.token().onCancel(callback);
        }
        s.cancel();
        return counter;
    }

    @Benchmark
    public int completableFutureComplete(Blackhole bh) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        for (int i = 0; i < CALLBACKS; i++) {
            bh.consume(f.thenRun(callback));
        }
        f.complete(null);
        return counter;
    }
}
