package dev.braid.bench.async;

import dev.braid.async.AsyncExecutor;
import dev.braid.async.Poll;
import dev.braid.async.PoolExecutor;
import dev.braid.async.ThreadedExecutor;
import java.lang.management.ManagementFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Not a JMH benchmark: the CPU an executor burns per task when tasks come sparsely, so that its
 * workers run dry after each one (ADR 0167's cost: an idle ThreadedExecutor worker watches its own
 * flag up to {@code braid.async.idleSpinMicros} µs before it blocks). One thread submits a trivial
 * task, then parks {@code gapMicros}; this prints, per task: the wall time, the process CPU time
 * outside the submitting thread (the workers' wake-ups, spins and parks, plus any JIT/GC, which a
 * round without tasks before the first and after the last measures), and the submitter's own CPU
 * time.
 *
 * <pre>
 * java -cp braid-bench/target/benchmarks.jar dev.braid.bench.async.IdleCpu threaded 1 1000
 * java -Dbraid.async.idleSpinMicros=0 -cp ... dev.braid.bench.async.IdleCpu threaded 1 1000
 * java -cp ... dev.braid.bench.async.IdleCpu fjp 1 1000
 * </pre>
 *
 * Arguments: {@code impl} ({@code threaded}, {@code pool} (braid's PoolExecutor), {@code fjp} (a
 * {@code ForkJoinPool} of the given workers), {@code cf} ({@code CompletableFuture.runAsync} on the
 * common pool; workers ignored), {@code vt} (a virtual thread per task; workers ignored)), workers
 * (default 1), gapMicros (default 1000), tasks per round (default 2000), rounds (default 6, the
 * first is warm-up).
 */
public final class IdleCpu {
    private IdleCpu() {}

    public static void main(String[] args) throws Exception {
        String impl = args.length > 0 ? args[0] : "threaded";
        int workers = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        long gapNanos =
                TimeUnit.MICROSECONDS.toNanos(args.length > 2 ? Long.parseLong(args[2]) : 1000);
        int tasks = args.length > 3 ? Integer.parseInt(args[3]) : 2000;
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 6;
        AtomicLong ran = new AtomicLong();
        AutoCloseable close = () -> {};
        Consumer<Runnable> submit;
        switch (impl) {
            case "threaded", "pool" -> {
                AsyncExecutor ex =
                        impl.equals("threaded")
                                ? ThreadedExecutor.create("idle", workers)
                                : PoolExecutor.create("idle", workers);
                submit =
                        r ->
                                ex.spawn(
                                        cx -> {
                                            r.run();
                                            return Poll.ready(null);
                                        });
                close = ex::close;
            }
            case "fjp" -> {
                ForkJoinPool fjp = new ForkJoinPool(workers);
                submit = fjp::execute;
                close = fjp::shutdownNow;
            }
            case "cf" -> submit = r -> CompletableFuture.runAsync(r);
            case "vt" -> submit = Thread::startVirtualThread;
            default ->
                    throw new IllegalArgumentException(
                            "impl: threaded, pool, fjp, cf or vt, not " + impl);
        }
        var os =
                (com.sun.management.OperatingSystemMXBean)
                        ManagementFactory.getOperatingSystemMXBean();
        var mx = ManagementFactory.getThreadMXBean();
        System.out.printf(
                "%s, %d worker(s), a task every %d µs, %d tasks per round, idleSpinMicros=%s%n",
                impl,
                workers,
                TimeUnit.NANOSECONDS.toMicros(gapNanos),
                tasks,
                System.getProperty("braid.async.idleSpinMicros", "default"));
        System.out.println("round   wall µs/task  others' cpu µs/task  submitter cpu µs/task");
        double baseline = 0;
        for (int r = -1; r <= rounds; r++) {
            // no tasks, first and last: what the JVM burns anyway (JIT, GC, timers) and what
            // the executor burns once it has gone idle after the rounds
            boolean idle = r == -1 || r == rounds;
            CountDownLatch last = new CountDownLatch(1);
            long wall0 = System.nanoTime();
            long proc0 = os.getProcessCpuTime();
            long self0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < tasks; i++) {
                if (!idle) {
                    Runnable body = i == tasks - 1 ? () -> last.countDown() : ran::incrementAndGet;
                    submit.accept(body);
                }
                LockSupport.parkNanos(gapNanos);
            }
            if (!idle && !last.await(60, TimeUnit.SECONDS)) {
                throw new AssertionError("the round's last task did not run within 60 s");
            }
            long wall = System.nanoTime() - wall0;
            long self = mx.getCurrentThreadCpuTime() - self0;
            long others = os.getProcessCpuTime() - proc0 - self;
            double othersPerTask = others / 1e3 / tasks;
            if (idle && r == -1) {
                baseline = othersPerTask;
            }
            System.out.printf(
                    "%5s  %12.1f  %19.2f  %21.2f%s%n",
                    idle ? (r == -1 ? "idle" : "after") : r == 0 ? "warm" : Integer.toString(r),
                    wall / 1e3 / tasks,
                    othersPerTask,
                    self / 1e3 / tasks,
                    idle ? "   (no tasks)" : "");
        }
        close.close();
        if (ran.get() != (long) rounds * (tasks - 1)) {
            throw new AssertionError("tasks lost: ran " + ran.get());
        }
        System.out.printf("baseline others' cpu µs per gap: %.2f%n", baseline);
    }
}
