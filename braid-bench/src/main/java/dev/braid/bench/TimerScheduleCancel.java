package dev.braid.bench;

import dev.braid.time.TimerWheel;
import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.TimerTask;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One schedule + cancel pair (10 s delay) while 100,000 other timers (1-2 h) are pending: braid's
 * {@code TimerWheel} against {@code ScheduledThreadPoolExecutor} with removeOnCancel (a binary
 * heap: O(log n) insert and remove) and Netty's {@code HashedWheelTimer} (O(1) insert, cancel
 * queued until the worker's next tick). Target (perf-suite): ≤ 0.1× STPE, ≤ 0.8× Netty.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(
        value = 1,
        jvmArgs = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"},
        jvmArgsAppend = "--sun-misc-unsafe-memory-access=allow")
@Threads(1)
public class TimerScheduleCancel {
    private static final int PENDING = 100_000;
    private static final Duration DELAY = Duration.ofSeconds(10);
    private static final Runnable TASK = () -> {};
    private static final TimerTask NETTY_TASK = t -> {};

    private TimerWheel wheel;
    private ScheduledThreadPoolExecutor stpe;
    private HashedWheelTimer netty;
    private final List<Object> background = new ArrayList<>();

    @Setup
    public void setUp() {
        wheel = TimerWheel.create("bench", Duration.ofMillis(1), 1 << 20);
        stpe = new ScheduledThreadPoolExecutor(1);
        stpe.setRemoveOnCancelPolicy(true);
        netty = new HashedWheelTimer(1, TimeUnit.MILLISECONDS, 512);
        netty.start();
        for (int i = 0; i < PENDING; i++) {
            long ms = 3_600_000L + (i * 36L) % 3_600_000L;
            background.add(wheel.schedule(Duration.ofMillis(ms), TASK));
            background.add(stpe.schedule(TASK, ms, TimeUnit.MILLISECONDS));
            background.add(netty.newTimeout(NETTY_TASK, ms, TimeUnit.MILLISECONDS));
        }
    }

    @TearDown
    public void tearDown() {
        wheel.close();
        stpe.shutdownNow();
        netty.stop();
        background.clear();
    }

    @Benchmark
    public boolean braidWheel() {
        return wheel.schedule(DELAY, TASK).cancel();
    }

    @Benchmark
    public boolean stpeRemoveOnCancel() {
        ScheduledFuture<?> f = stpe.schedule(TASK, 10, TimeUnit.SECONDS);
        return f.cancel(false);
    }

    @Benchmark
    public boolean nettyHashedWheel() {
        Timeout t = netty.newTimeout(NETTY_TASK, 10, TimeUnit.SECONDS);
        return t.cancel();
    }
}
