package dev.braid.pool;

import java.util.List;

/**
 * A snapshot of a pool's state and counters, from {@link WorkStealingPool#metrics()}. Values are
 * read one by one, without a common instant.
 *
 * @param parallelism the number of workers
 * @param activeWorkers workers not parked for lack of work and not exited (0 once terminated)
 * @param searchingWorkers workers looking for work to steal
 * @param injectorDepth tasks submitted from outside and not yet taken by a worker
 * @param tasksRun tasks run to the end, over all workers and by outside joiners that ran the task
 *     they waited for (ADR 0049)
 * @param steals successful steals, over all workers
 * @param workers the per-worker counters, by index
 */
public record PoolMetrics(
        int parallelism,
        int activeWorkers,
        int searchingWorkers,
        int injectorDepth,
        long tasksRun,
        long steals,
        List<WorkerMetrics> workers) {
    /** Copies {@code workers}. */
    public PoolMetrics {
        workers = List.copyOf(workers);
    }
}
