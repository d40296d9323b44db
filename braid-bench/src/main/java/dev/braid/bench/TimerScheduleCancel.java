package dev.braid.bench;

import dev.braid.time.TimerWheel;
import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.TimerTask;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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
 *
 * <p>Each implementation has its own state, so a benchmark sets up and runs only the timer it
 * measures: no other wheel's worker ticks (Netty's walks a bucket of ~200 timers every millisecond)
 * and no other 100,000 timers sit in the heap while it runs. The score is the calling thread's time
 * only. Netty's pair is not finished when the call returns: the new timeout and the cancellation
 * are queued, and its worker drains both queues at its next tick, on its own thread. Each iteration
 * therefore prints the timer thread's CPU time per operation next to the score ({@code
 * TimerCancelCost} measures the same outside JMH), and the calling thread's CPU time per operation,
 * which on a loaded machine tells the pair's cost better than the wall-clock score; see
 * docs/perf/cancel-time.md.
 */
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

    static long backgroundMs(int i) {
        return 3_600_000L + (i * 36L) % 3_600_000L;
    }

    /** What every implementation's state shares: the background timers and the CPU accounting. */
    abstract static class Timer {
        final List<Object> background = new ArrayList<>();
        final List<Thread> timerThreads = new ArrayList<>();
        final ThreadFactory capture =
                r -> {
                    Thread t = new Thread(r, getClass().getSimpleName() + "-timer");
                    t.setDaemon(true);
                    timerThreads.add(t);
                    return t;
                };
        private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long ops;
        private long ops0;
        private long cpu0;
        private long callerCpu0;

        // Iteration fixtures run on the benchmark thread itself (one thread, Scope.Benchmark), so
        // the current thread's CPU time is the caller's.
        @Setup(Level.Iteration)
        public void startIteration() {
            ops0 = ops;
            cpu0 = timerCpu();
            callerCpu0 = mx.getCurrentThreadCpuTime();
        }

        @TearDown(Level.Iteration)
        public void endIteration() {
            long n = ops - ops0;
            if (n > 0) {
                System.out.printf(
                        " [caller CPU %.1f ns/op, timer thread CPU %.1f ns/op over %,d ops]",
                        (double) (mx.getCurrentThreadCpuTime() - callerCpu0) / n,
                        (double) (timerCpu() - cpu0) / n,
                        n);
            }
        }

        private long timerCpu() {
            long sum = 0;
            for (Thread t : timerThreads) {
                sum += Math.max(0, mx.getThreadCpuTime(t.threadId()));
            }
            return sum;
        }
    }

    @State(Scope.Benchmark)
    public static class Braid extends Timer {
        TimerWheel wheel;

        @Setup
        public void setUp() {
            wheel = TimerWheel.create("bench", Duration.ofMillis(1), 1 << 20);
            for (int i = 0; i < PENDING; i++) {
                background.add(wheel.schedule(Duration.ofMillis(backgroundMs(i)), TASK));
            }
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().equals("bench")) {
                    timerThreads.add(t); // the wheel's driver, started by the first schedule
                }
            }
        }

        @TearDown
        public void tearDown() {
            wheel.close();
            background.clear();
        }
    }

    @State(Scope.Benchmark)
    public static class Stpe extends Timer {
        ScheduledThreadPoolExecutor stpe;

        @Setup
        public void setUp() {
            stpe = new ScheduledThreadPoolExecutor(1, capture);
            stpe.setRemoveOnCancelPolicy(true);
            for (int i = 0; i < PENDING; i++) {
                background.add(stpe.schedule(TASK, backgroundMs(i), TimeUnit.MILLISECONDS));
            }
        }

        @TearDown
        public void tearDown() {
            stpe.shutdownNow();
            background.clear();
        }
    }

    @State(Scope.Benchmark)
    public static class Netty extends Timer {
        HashedWheelTimer netty;

        @Setup
        public void setUp() {
            netty = new HashedWheelTimer(capture, 1, TimeUnit.MILLISECONDS, 512);
            netty.start();
            for (int i = 0; i < PENDING; i++) {
                background.add(
                        netty.newTimeout(NETTY_TASK, backgroundMs(i), TimeUnit.MILLISECONDS));
            }
        }

        @TearDown
        public void tearDown() {
            netty.stop();
            background.clear();
        }
    }

    @Benchmark
    public boolean braidWheel(Braid s) {
        s.ops++;
        return s.wheel.schedule(DELAY, TASK).cancel();
    }

    @Benchmark
    public boolean stpeRemoveOnCancel(Stpe s) {
        s.ops++;
        ScheduledFuture<?> f = s.stpe.schedule(TASK, 10, TimeUnit.SECONDS);
        return f.cancel(false);
    }

    @Benchmark
    public boolean nettyHashedWheel(Netty s) {
        s.ops++;
        Timeout t = s.netty.newTimeout(NETTY_TASK, 10, TimeUnit.SECONDS);
        return t.cancel();
    }
}
