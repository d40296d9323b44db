/**
 * A work-stealing thread pool: {@link dev.braid.pool.WorkStealingPool} (fork/join with {@code
 * join}/{@code joinLong}, independent tasks with {@code submit}, structured {@code scope}s, an
 * {@link java.util.concurrent.ExecutorService} view), its task handles ({@link
 * dev.braid.pool.TaskHandle}, and {@link dev.braid.pool.PoolTask}, a task that is its own handle),
 * instrumentation ({@link dev.braid.pool.PoolHooks}, {@link dev.braid.pool.PoolMetrics}) and the
 * Chase-Lev {@link dev.braid.pool.WorkDeque} it is built on, usable on its own (its owner-only
 * operations are the caller's duty, not checked).
 *
 * <p>A join on a worker helps instead of blocking. A task that joins its own handle (also from a
 * task it helps with, or from the {@code beforeTask} hook run for it) or closes its own pool fails
 * fast with {@link IllegalStateException} rather than wait for itself. A task that blocks on
 * anything else holds its worker. See {@code docs/pool.md}.
 */
package dev.braid.pool;
