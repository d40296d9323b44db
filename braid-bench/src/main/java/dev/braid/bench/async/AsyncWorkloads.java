package dev.braid.bench.async;

import dev.braid.async.Async;
import dev.braid.async.AsyncExecutor;
import dev.braid.async.Context;
import dev.braid.async.Poll;
import dev.braid.async.TaskHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * tokio's runtime benchmarks (benches/rt_multi_threaded.rs) on braid's executors ({@link
 * BraidExecutor}: the threaded one and the pool-backed one), against one virtual thread per task
 * and against {@link CompletableFuture} on the common pool: spawn_many (10,000 tiny tasks),
 * yield_many (200 tasks × 200 yields), chained_spawn (each task spawns the next, depth 1,000),
 * ping_pong (1,000 spawn-and-await round trips). Time per whole workload. Meaningful numbers need a
 * quiet machine.
 *
 * <p>Two {@code CompletableFuture} columns: {@code ...CompletableFuture} runs on the common pool,
 * whose parallelism is one less than the cores (one worker on a 2-vCPU box, so no hand-off between
 * workers and a core left for the benchmark thread), and {@code ...CompletableFutureFjp} runs on a
 * {@link ForkJoinPool} with one worker per core, the worker count braid's executors get ({@link
 * BraidExecutor}): the like-for-like peer (docs/perf/async.md).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
// the suite's heap (perf-suite.md): without it G1 grows the heap during measurement and a fork
// pays first-touch page faults (bimodal14: braid forks 63 or 97 us/op, by faults per fork)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@State(Scope.Benchmark)
public class AsyncWorkloads {
    static final int SPAWN_MANY = 10_000;
    static final int YIELD_TASKS = 200;
    static final int YIELDS = 200;
    static final int CHAIN = 1_000;
    static final int PING_PONGS = 1_000;

    /** A ForkJoinPool with one worker per core, as many as braid's executors have. */
    @State(Scope.Benchmark)
    public static class CfPool {
        /** The pool, open for the trial. */
        public ForkJoinPool pool;

        /** Opens the pool. */
        @Setup
        public void setup() {
            pool = new ForkJoinPool(Runtime.getRuntime().availableProcessors());
        }

        /** Closes it. */
        @TearDown
        public void tearDown() {
            pool.close();
        }
    }

    /** A countdown whose last decrement completes a future. */
    static final class Countdown {
        final AtomicInteger left;
        final CompletableFuture<Void> done = new CompletableFuture<>();

        Countdown(int n) {
            left = new AtomicInteger(n);
        }

        void down() {
            if (left.decrementAndGet() == 0) {
                done.complete(null);
            }
        }
    }

    // ---- spawn_many ----

    @Benchmark
    public Object spawnManyBraid(BraidExecutor b) {
        AsyncExecutor ex = b.ex;
        Countdown c = new Countdown(SPAWN_MANY);
        Async<Void> task =
                cx -> {
                    c.down();
                    return Poll.ready(null);
                };
        for (int i = 0; i < SPAWN_MANY; i++) {
            ex.spawn(task);
        }
        return c.done.join();
    }

    @Benchmark
    public Object spawnManyVirtualThreads() {
        Countdown c = new Countdown(SPAWN_MANY);
        for (int i = 0; i < SPAWN_MANY; i++) {
            Thread.ofVirtual().start(c::down);
        }
        return c.done.join();
    }

    @Benchmark
    public Object spawnManyCompletableFuture() {
        return cfSpawnMany(ForkJoinPool.commonPool());
    }

    @Benchmark
    public Object spawnManyCompletableFutureFjp(CfPool p) {
        return cfSpawnMany(p.pool);
    }

    static Object cfSpawnMany(Executor ex) {
        Countdown c = new Countdown(SPAWN_MANY);
        for (int i = 0; i < SPAWN_MANY; i++) {
            CompletableFuture.runAsync(c::down, ex);
        }
        return c.done.join();
    }

    // ---- yield_many ----

    /** A task that yields {@code n} times, then counts down. */
    static Async<Void> yielder(int n, Countdown c) {
        return new Async<>() {
            int left = n;

            @Override
            public Poll<Void> poll(Context cx) {
                if (left-- > 0) {
                    cx.waker().wake();
                    return Poll.pending();
                }
                c.down();
                return Poll.ready(null);
            }
        };
    }

    @Benchmark
    public Object yieldManyBraid(BraidExecutor b) {
        AsyncExecutor ex = b.ex;
        Countdown c = new Countdown(YIELD_TASKS);
        for (int i = 0; i < YIELD_TASKS; i++) {
            ex.spawn(yielder(YIELDS, c));
        }
        return c.done.join();
    }

    @Benchmark
    public Object yieldManyVirtualThreads() {
        Countdown c = new Countdown(YIELD_TASKS);
        for (int i = 0; i < YIELD_TASKS; i++) {
            Thread.ofVirtual()
                    .start(
                            () -> {
                                for (int k = 0; k < YIELDS; k++) {
                                    Thread.yield();
                                }
                                c.down();
                            });
        }
        return c.done.join();
    }

    // ---- chained_spawn ----

    static Async<Void> chain(AsyncExecutor ex, int n, CompletableFuture<Void> done) {
        return cx -> {
            if (n == 0) {
                done.complete(null);
            } else {
                ex.spawn(chain(ex, n - 1, done));
            }
            return Poll.ready(null);
        };
    }

    @Benchmark
    public Object chainedSpawnBraid(BraidExecutor b) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        b.ex.spawn(chain(b.ex, CHAIN, done));
        return done.join();
    }

    static void vtChain(int n, CompletableFuture<Void> done) {
        if (n == 0) {
            done.complete(null);
        } else {
            Thread.ofVirtual().start(() -> vtChain(n - 1, done));
        }
    }

    @Benchmark
    public Object chainedSpawnVirtualThreads() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        vtChain(CHAIN, done);
        return done.join();
    }

    static void cfChain(int n, CompletableFuture<Void> done, Executor ex) {
        if (n == 0) {
            done.complete(null);
        } else {
            CompletableFuture.runAsync(() -> cfChain(n - 1, done, ex), ex);
        }
    }

    @Benchmark
    public Object chainedSpawnCompletableFuture() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        cfChain(CHAIN, done, ForkJoinPool.commonPool());
        return done.join();
    }

    @Benchmark
    public Object chainedSpawnCompletableFutureFjp(CfPool p) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        cfChain(CHAIN, done, p.pool);
        return done.join();
    }

    // ---- ping_pong: a driver task spawns a task and awaits its handle, 1,000 times ----

    @Benchmark
    public Object pingPongBraid(BraidExecutor b) throws InterruptedException {
        AsyncExecutor ex = b.ex;
        Async<Integer> driver =
                new Async<>() {
                    int round;
                    TaskHandle<Integer> pong;

                    @Override
                    public Poll<Integer> poll(Context cx) {
                        while (true) {
                            if (pong == null) {
                                if (round == PING_PONGS) {
                                    return Poll.ready(round);
                                }
                                pong = ex.spawn(Async.ready(round));
                            }
                            if (!pong.poll(cx).isReady()) {
                                return Poll.pending();
                            }
                            pong = null;
                            round++;
                        }
                    }
                };
        return ex.spawn(driver).join();
    }

    @Benchmark
    public Object pingPongVirtualThreads() throws InterruptedException {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        Thread.ofVirtual()
                .start(
                        () -> {
                            int round = 0;
                            for (; round < PING_PONGS; round++) {
                                int r = round;
                                Thread t =
                                        Thread.ofVirtual()
                                                .start(() -> Integer.valueOf(r).hashCode());
                                try {
                                    t.join();
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                    return;
                                }
                            }
                            done.complete(round);
                        });
        return done.join();
    }

    @Benchmark
    public Object pingPongCompletableFuture() {
        return cfPingPong(ForkJoinPool.commonPool());
    }

    @Benchmark
    public Object pingPongCompletableFutureFjp(CfPool p) {
        return cfPingPong(p.pool);
    }

    /** Each round: an async stage (the driver's turn) spawns the pong and composes on it. */
    static Object cfPingPong(Executor ex) {
        CompletableFuture<Integer> f = CompletableFuture.completedFuture(0);
        for (int i = 0; i < PING_PONGS; i++) {
            f = f.thenComposeAsync(r -> CompletableFuture.supplyAsync(() -> r + 1, ex), ex);
        }
        return f.join();
    }
}
