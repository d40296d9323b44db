package dev.braid.examples;

import dev.braid.pool.PoolMetrics;
import dev.braid.pool.WorkStealingPool;
import dev.braid.pool.WorkerMetrics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The showcase's pool step: a parallel merge sort with {@code WorkStealingPool.join}, then the
 * pool's metrics (tasks run and stolen per worker).
 */
public final class PoolShowcase {
    private PoolShowcase() {}

    /** Below this many elements a slice is sorted sequentially. */
    static final int CUTOFF = 2048;

    /**
     * Sorts {@code a} in place on {@code pool}.
     *
     * @param pool the pool
     * @param a the array to sort
     */
    static void sort(WorkStealingPool pool, int[] a) {
        int[] tmp = new int[a.length];
        pool.join(
                () -> {
                    mergeSort(pool, a, tmp, 0, a.length);
                    return null;
                },
                () -> null);
    }

    private static void mergeSort(WorkStealingPool pool, int[] a, int[] tmp, int lo, int hi) {
        if (hi - lo <= CUTOFF) {
            Arrays.sort(a, lo, hi);
            return;
        }
        int mid = (lo + hi) >>> 1;
        pool.join(
                () -> {
                    mergeSort(pool, a, tmp, lo, mid);
                    return null;
                },
                () -> {
                    mergeSort(pool, a, tmp, mid, hi);
                    return null;
                });
        System.arraycopy(a, lo, tmp, lo, hi - lo);
        int i = lo;
        int j = mid;
        for (int k = lo; k < hi; k++) {
            a[k] = j >= hi || (i < mid && tmp[i] <= tmp[j]) ? tmp[i++] : tmp[j++];
        }
    }

    /** The result of the step: whether the array came out sorted, and the metrics. */
    record Result(boolean sorted, PoolMetrics metrics) {}

    /**
     * Sorts {@code n} random ints on a pool of {@code parallelism} workers.
     *
     * @param n the number of elements
     * @param parallelism the number of workers
     * @return whether the result is sorted, and the pool's metrics after close
     */
    static Result run(int n, int parallelism) {
        int[] a = new SplittableRandom(12).ints(n).toArray();
        int[] expected = a.clone();
        Arrays.sort(expected);
        WorkStealingPool pool =
                WorkStealingPool.builder().parallelism(parallelism).namePrefix("sort").build();
        try (pool) {
            sort(pool, a);
        }
        return new Result(Arrays.equals(a, expected), pool.metrics());
    }

    /**
     * The step's output lines.
     *
     * @return lines to print
     */
    static List<String> lines() {
        Result r = run(1_000_000, Math.max(2, Runtime.getRuntime().availableProcessors()));
        List<String> out = new ArrayList<>();
        out.add("  1,000,000 ints merge-sorted with join(a, b): sorted = " + r.sorted());
        PoolMetrics m = r.metrics();
        out.add(
                "  pool: "
                        + m.parallelism()
                        + " workers, "
                        + m.tasksRun()
                        + " tasks run, "
                        + m.steals()
                        + " stolen");
        for (WorkerMetrics w : m.workers()) {
            out.add(
                    "    "
                            + w.name()
                            + ": ran "
                            + w.tasksRun()
                            + ", stole "
                            + w.steals()
                            + " in "
                            + w.stealAttempts()
                            + " attempts, parked "
                            + w.parks()
                            + " times");
        }
        return out;
    }
}
