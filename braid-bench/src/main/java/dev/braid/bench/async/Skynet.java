package dev.braid.bench.async;

import dev.braid.async.Async;
import dev.braid.async.AsyncExecutor;
import dev.braid.async.Context;
import dev.braid.async.Poll;
import dev.braid.async.TaskHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
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
 * The skynet benchmark: a 10-ary tree of tasks, 1,000,000 leaves, each inner task spawns its ten
 * children and sums their results. braid tasks on each {@link BraidExecutor} against one virtual
 * thread per node, and against {@link CompletableFuture}s on a {@link
 * java.util.concurrent.ForkJoinPool} with one worker per core (the worker count braid's executors
 * get; {@link AsyncWorkloads.CfPool}): every node, leaves included, is one {@code supplyAsync} on
 * that pool, as every braid node is one spawned task. Target (issue 13): braid ≤ 0.5× the
 * virtual-thread time; the perf suite also lists CF as a skynet peer.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@State(Scope.Benchmark)
public class Skynet {
    static final int LEAVES = 1_000_000;
    static final long EXPECTED = (long) LEAVES * (LEAVES - 1) / 2;

    static Async<Long> node(AsyncExecutor ex, long num, int size) {
        if (size == 1) {
            return Async.ready(num);
        }
        int sub = size / 10;
        return new Async<>() {
            Async<List<Long>> all;

            @Override
            public Poll<Long> poll(Context cx) {
                if (all == null) {
                    List<TaskHandle<Long>> kids = new ArrayList<>(10);
                    for (int i = 0; i < 10; i++) {
                        kids.add(ex.spawn(node(ex, num + (long) i * sub, sub)));
                    }
                    all = Async.joinAll(kids);
                }
                return all.poll(cx) instanceof Poll.Ready<List<Long>>(List<Long> xs)
                        ? Poll.ready(sum(xs))
                        : Poll.pending();
            }
        };
    }

    static long sum(List<Long> xs) {
        long s = 0;
        for (Long x : xs) {
            s += x;
        }
        return s;
    }

    @Benchmark
    public long braidTasks(BraidExecutor b) throws InterruptedException {
        long r = b.ex.spawn(node(b.ex, 0, LEAVES)).join();
        if (r != EXPECTED) {
            throw new AssertionError(r);
        }
        return r;
    }

    static long vtNode(long num, int size) throws InterruptedException {
        if (size == 1) {
            return num;
        }
        int sub = size / 10;
        long[] results = new long[10];
        Thread[] kids = new Thread[10];
        for (int i = 0; i < 10; i++) {
            int k = i;
            kids[i] =
                    Thread.ofVirtual()
                            .start(
                                    () -> {
                                        try {
                                            results[k] = vtNode(num + (long) k * sub, sub);
                                        } catch (InterruptedException e) {
                                            Thread.currentThread().interrupt();
                                        }
                                    });
        }
        long s = 0;
        for (int i = 0; i < 10; i++) {
            kids[i].join();
            s += results[i];
        }
        return s;
    }

    /** One node as a task of {@code ex}: its value once its ten children's values are summed. */
    static CompletableFuture<Long> cfSpawn(Executor ex, long num, int size) {
        return CompletableFuture.supplyAsync(() -> cfNode(ex, num, size), ex)
                .thenCompose(Function.identity());
    }

    static CompletableFuture<Long> cfNode(Executor ex, long num, int size) {
        if (size == 1) {
            return CompletableFuture.completedFuture(num);
        }
        int sub = size / 10;
        CompletableFuture<?>[] kids = new CompletableFuture<?>[10];
        for (int i = 0; i < 10; i++) {
            kids[i] = cfSpawn(ex, num + (long) i * sub, sub);
        }
        return CompletableFuture.allOf(kids)
                .thenApply(
                        v -> {
                            long s = 0;
                            for (CompletableFuture<?> k : kids) {
                                s += (Long) k.join(); // complete: allOf has fired
                            }
                            return s;
                        });
    }

    @Benchmark
    public long completableFutureFjp(AsyncWorkloads.CfPool p) {
        long r = cfSpawn(p.pool, 0, LEAVES).join();
        if (r != EXPECTED) {
            throw new AssertionError(r);
        }
        return r;
    }

    @Benchmark
    public long virtualThreads() throws InterruptedException {
        long r = vtNode(0, LEAVES);
        if (r != EXPECTED) {
            throw new AssertionError(r);
        }
        return r;
    }
}
