package dev.braid.bench.async;

import dev.braid.async.AsyncExecutor;
import dev.braid.async.Poll;
import dev.braid.async.PoolExecutor;
import dev.braid.async.ThreadedExecutor;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The braid executor a benchmark's tasks run on, one worker per core: {@code threaded} is {@link
 * ThreadedExecutor} (its own work-stealing scheduler, ADR 0050), {@code pool} is {@link
 * PoolExecutor} on braid's work-stealing pool. Only the braid benchmarks take this state, so the
 * peers (virtual threads, {@code CompletableFuture}, jox) run once, not once per executor.
 */
@State(Scope.Benchmark)
public class BraidExecutor {
    /** Which braid executor. */
    @Param({"threaded", "pool"})
    public String executor;

    /**
     * Worker threads: 0 = available processors (the default); {@code -p workers=1} matches the
     * common pool's one worker on a 2-vCPU machine, for a like-for-like comparison with the
     * common-pool {@code CompletableFuture} variants.
     */
    @Param({"0"})
    public int workers;

    /**
     * Whether setup ends with a {@code System.gc()}: {@code -p gc=true} makes the executor's
     * long-lived objects (workers, their queues and polling cells) old before the first iteration,
     * as they become anyway after enough young collections in a long run. Under G1 a store of a
     * young reference into an old object takes a StoreLoad fence (ADR 0153), so this shows the
     * executor's steady state instead of its first seconds.
     */
    @Param({"false"})
    public boolean gc;

    /** The executor, open for the trial. */
    public AsyncExecutor ex;

    /** Opens the executor. */
    @Setup
    public void setup() {
        int cores = workers > 0 ? workers : Runtime.getRuntime().availableProcessors();
        ex =
                switch (executor) {
                    case "threaded" -> ThreadedExecutor.create("bench", cores);
                    case "pool" -> PoolExecutor.create("bench", cores);
                    default -> throw new IllegalArgumentException("executor: " + executor);
                };
        if (gc) {
            // a task first, so every worker that runs one has set its polling cell up (one
            // worker for sure; more may still be starting); then G1's full collection, after
            // which every live object is old
            ex.spawn(cx -> Poll.ready(null)).toCompletableFuture().join();
            System.gc();
        }
    }

    /** Closes it. */
    @TearDown
    public void tearDown() {
        ex.close();
    }
}
