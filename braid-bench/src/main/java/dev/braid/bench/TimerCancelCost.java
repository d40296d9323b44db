package dev.braid.bench;

import com.sun.management.ThreadMXBean;
import dev.braid.time.TimerWheel;
import io.netty.util.HashedWheelTimer;
import io.netty.util.TimerTask;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Not a JMH benchmark: where the time of TimerScheduleCancel's schedule + cancel pair goes, per
 * thread. JMH's ns/op is the wall time of the calling thread only; Netty's {@code HashedWheelTimer}
 * defers part of each pair to its worker thread (it queues every new timeout and every
 * cancellation, and the worker drains both queues once per tick), so its ns/op depends on whether
 * the worker runs on another core or competes with the caller. This runs one implementation alone
 * with TimerScheduleCancel's shape (100,000 pending timers at 1-2 h, pairs at 10 s) and prints, per
 * pair: wall time, the caller's CPU time, the timer thread's CPU time, the caller's allocation, and
 * the GCs.
 *
 * <pre>
 * java -cp braid-bench/target/benchmarks.jar dev.braid.bench.TimerCancelCost netty [pairs] [rounds]
 * taskset -c 0 java -cp ... dev.braid.bench.TimerCancelCost netty   # caller and worker on one CPU
 * </pre>
 *
 * {@code impl} is {@code braid}, {@code netty} or {@code stpe}; pairs per round default to
 * 20,000,000 (2,000,000 for stpe), rounds to 6 (the first is warm-up).
 */
public final class TimerCancelCost {
    private static final int PENDING = 100_000;
    private static final Runnable TASK = () -> {};
    private static final TimerTask NETTY_TASK = t -> {};

    private TimerCancelCost() {}

    public static void main(String[] args) throws Exception {
        String impl = args.length > 0 ? args[0] : "netty";
        long pairs =
                args.length > 1
                        ? Long.parseLong(args[1])
                        : impl.equals("stpe") ? 2_000_000 : 20_000_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 6;
        List<Thread> timerThreads = new ArrayList<>();
        ThreadFactory capture =
                r -> {
                    Thread t = new Thread(r, impl + "-timer");
                    t.setDaemon(true);
                    timerThreads.add(t);
                    return t;
                };
        List<Object> background = new ArrayList<>();
        Pair pair;
        AutoCloseable close;
        switch (impl) {
            case "braid" -> {
                TimerWheel wheel = TimerWheel.create("cost", Duration.ofMillis(1), 1 << 20);
                Duration delay = Duration.ofSeconds(10);
                for (int i = 0; i < PENDING; i++) {
                    background.add(wheel.schedule(Duration.ofMillis(backgroundMs(i)), TASK));
                }
                pair = () -> wheel.schedule(delay, TASK).cancel();
                close = wheel::close;
                for (Thread t : Thread.getAllStackTraces().keySet()) {
                    if (t.getName().equals("cost")) {
                        timerThreads.add(t);
                    }
                }
            }
            case "netty" -> {
                HashedWheelTimer netty =
                        new HashedWheelTimer(capture, 1, TimeUnit.MILLISECONDS, 512);
                netty.start();
                for (int i = 0; i < PENDING; i++) {
                    background.add(
                            netty.newTimeout(NETTY_TASK, backgroundMs(i), TimeUnit.MILLISECONDS));
                }
                pair = () -> netty.newTimeout(NETTY_TASK, 10, TimeUnit.SECONDS).cancel();
                close = netty::stop;
            }
            case "stpe" -> {
                ScheduledThreadPoolExecutor stpe = new ScheduledThreadPoolExecutor(1, capture);
                stpe.setRemoveOnCancelPolicy(true);
                stpe.prestartAllCoreThreads();
                for (int i = 0; i < PENDING; i++) {
                    background.add(stpe.schedule(TASK, backgroundMs(i), TimeUnit.MILLISECONDS));
                }
                pair = () -> stpe.schedule(TASK, 10, TimeUnit.SECONDS).cancel(false);
                close = stpe::shutdownNow;
            }
            default ->
                    throw new IllegalArgumentException("impl: braid, netty or stpe, not " + impl);
        }
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        System.out.printf(
                "%s: %,d pending, %,d pairs per round, timer threads %s%n",
                impl, PENDING, pairs, timerThreads.stream().map(Thread::getName).toList());
        System.out.println(
                "round  wall ns/pair  caller cpu ns/pair  timer-thread cpu ns/pair  caller B/pair  GCs  GC ms");
        long sink = 0;
        for (int r = 0; r < rounds; r++) {
            long wall0 = System.nanoTime();
            long cpu0 = mx.getCurrentThreadCpuTime();
            long timer0 = cpu(mx, timerThreads);
            long alloc0 = mx.getCurrentThreadAllocatedBytes();
            long[] gc0 = gc();
            for (long i = 0; i < pairs; i++) {
                sink += pair.run() ? 1 : 0;
            }
            long wall = System.nanoTime() - wall0;
            long cpu = mx.getCurrentThreadCpuTime() - cpu0;
            long timer = cpu(mx, timerThreads) - timer0;
            long alloc = mx.getCurrentThreadAllocatedBytes() - alloc0;
            long[] gc1 = gc();
            System.out.printf(
                    "%5s  %12.1f  %18.1f  %24.1f  %13.1f  %3d  %5d%n",
                    r == 0 ? "warm" : Integer.toString(r),
                    (double) wall / pairs,
                    (double) cpu / pairs,
                    (double) timer / pairs,
                    (double) alloc / pairs,
                    gc1[0] - gc0[0],
                    gc1[1] - gc0[1]);
        }
        close.close();
        if (sink != pairs * rounds) {
            throw new AssertionError("a cancel failed: " + (pairs * rounds - sink));
        }
        background.clear();
    }

    @FunctionalInterface
    private interface Pair {
        boolean run();
    }

    private static long backgroundMs(int i) {
        return 3_600_000L + (i * 36L) % 3_600_000L;
    }

    private static long cpu(ThreadMXBean mx, List<Thread> threads) {
        long sum = 0;
        for (Thread t : threads) {
            long c = mx.getThreadCpuTime(t.threadId());
            sum += Math.max(0, c);
        }
        return sum;
    }

    private static long[] gc() {
        long count = 0;
        long ms = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, b.getCollectionCount());
            ms += Math.max(0, b.getCollectionTime());
        }
        return new long[] {count, ms};
    }
}
