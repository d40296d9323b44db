package dev.braid.bench;

import dev.braid.thread.Threads;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
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
 * Spawn a thread with a trivial body and join it: braid's {@code Threads} (platform and virtual)
 * against the raw JDK equivalent. braid's body returns a constant through its {@code JoinHandle};
 * the JDK body does nothing (a JDK thread has no result channel), so braid carries slightly more
 * work. Target: braid at most 1.1x the JDK for each kind.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(
        value = 1,
        jvmArgs = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"},
        // JMH 1.37 reads field offsets through sun.misc.Unsafe; this only silences JDK 25's warning
        jvmArgsAppend = "--sun-misc-unsafe-memory-access=allow")
public class SpawnJoin {
    private static final Callable<Integer> BODY = () -> 42;
    private static final Runnable EMPTY = () -> {};

    @Benchmark
    public Integer braidPlatform() throws InterruptedException {
        return Threads.builder().platform().spawn(BODY).join();
    }

    @Benchmark
    public Thread jdkPlatform() throws InterruptedException {
        Thread t = new Thread(EMPTY);
        t.start();
        t.join();
        return t;
    }

    @Benchmark
    public Integer braidVirtual() throws InterruptedException {
        return Threads.builder().virtual().spawn(BODY).join();
    }

    @Benchmark
    public Thread jdkVirtual() throws InterruptedException {
        Thread t = Thread.ofVirtual().start(EMPTY);
        t.join();
        return t;
    }
}
