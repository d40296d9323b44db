package dev.braid.async;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.Deadline;
import dev.braid.internal.rt.Rt;
import dev.braid.internal.rt.ThreadSpec;
import dev.braid.internal.util.Args;
import dev.braid.pool.WorkStealingPool;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

/**
 * A multi-threaded executor on braid's {@link WorkStealingPool}: a task woken by a pool worker goes
 * to that worker's LIFO slot and deque (so ping-pong and chained spawns stay on one worker, and
 * idle workers steal the rest); a task woken from outside the pool goes to the pool's injector.
 *
 * <pre>{@code
 * try (PoolExecutor ex = PoolExecutor.create("io", 4)) {
 *     TaskHandle<String> h = ex.spawn("fetch", fetch(url));
 *     String body = h.join();
 * }
 * }</pre>
 *
 * <p>The executor either owns its pool ({@link #create}: closing the executor closes the pool) or
 * shares one the caller owns ({@link #on}: closing the executor ends its tasks and leaves the pool
 * running, so tasks and fork/join work can share one set of threads). A task is polled by one
 * worker at a time; everything a poll wrote happens-before the task's next poll.
 */
public final class PoolExecutor implements AsyncExecutor {
    /*
     * Implementation notes
     *
     * Algorithm. ADR 0028 step 4: the TaskScheduler seam maps schedule(task) to pool.submit(
     * task::run). RawTask's state word already guarantees one queue entry per wake and one poller
     * at a time, so the pool needs no knowledge of tasks. The pool's submit from a worker of the
     * same pool pushes to the worker's LIFO slot (tokio's LIFO slot for the task just woken), from
     * elsewhere to the injector, with the pool's own idle/park protocol.
     *
     * State. The registry's live set; `terminated` completes once the registry is closed and
     * empty (whichever of close() and the last completed() sees that last).
     *
     * Memory ordering. The registry's closed flag and live set are volatile/concurrent; a task
     * that completes after close() sees closed and checks emptiness after removing itself, close()
     * checks emptiness after setting closed: one of them sees the other, so `terminated` fires.
     *
     * Liveness. close() cancels every live task (each is scheduled once more, to drop its
     * future); the pool is only shut down after the last task left, so schedule() never meets a
     * closed pool while a task is live, unless the caller shut down a pool it shares (on()) or
     * ours (pool().close()) first. Then the pool rejects the schedule, and orphaned() cancels the
     * task and runs its drop on a new virtual thread instead of losing it (ADR 0053); spawn()
     * refuses up front. Not covered: entries the pool had queued when shutdownNow() cancelled them
     * (the pool gives no callback); its graceful shutdown() runs queued entries. A poll that never returns keeps close() waiting (poll must
     * not block), as for every executor.
     *
     * Tradeoffs. One pool handle (an allocation) per schedule: the price of not teaching the pool
     * about tasks. The pool's FIFO injector gives outside wakes no LIFO benefit.
     *
     * References. tokio's multi-threaded scheduler (LIFO slot, injector, stealing); ADR 0028.
     */

    private final String name;
    private final WorkStealingPool pool;
    private final boolean ownsPool;
    private final TaskRegistry tasks;
    private final Completion<Void> terminated = new Completion<>();

    private PoolExecutor(String name, WorkStealingPool pool, boolean ownsPool) {
        this.name = name;
        this.pool = pool;
        this.ownsPool = ownsPool;
        this.tasks =
                new TaskRegistry(
                        name,
                        new TaskScheduler() {
                            @Override
                            public void schedule(RawTask<?> task) {
                                try {
                                    PoolExecutor.this.pool.submit((Runnable) task);
                                } catch (RejectedExecutionException e) {
                                    orphaned(task);
                                }
                            }

                            @Override
                            public void completed(RawTask<?> task) {
                                tasks.removed(task);
                                checkTerminated();
                            }
                        });
    }

    /**
     * A new executor on a new pool of {@code parallelism} workers that it owns.
     *
     * @param name its name (worker and task names derive from it)
     * @param parallelism the number of pool workers
     * @return the executor
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank or {@code parallelism} is not
     *     positive
     */
    public static PoolExecutor create(String name, int parallelism) {
        Args.notBlank(name, "name");
        if (parallelism <= 0) {
            throw new IllegalArgumentException("parallelism must be > 0, was " + parallelism);
        }
        WorkStealingPool p =
                WorkStealingPool.builder()
                        .parallelism(parallelism)
                        .namePrefix(name + "-worker")
                        .daemon(true)
                        .build();
        return new PoolExecutor(name, p, true);
    }

    /**
     * A new executor on {@code pool}, which the caller keeps owning: {@link #close()} ends this
     * executor's tasks but does not shut the pool down.
     *
     * @param name its name (task names derive from it)
     * @param pool the pool to run tasks on; it must be running while tasks are live
     * @return the executor
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code name} is blank
     * @throws IllegalStateException if {@code pool} is shut down
     */
    public static PoolExecutor on(String name, WorkStealingPool pool) {
        Args.notBlank(name, "name");
        Args.notNull(pool, "pool");
        if (pool.isShutdown()) {
            throw new IllegalStateException(
                    "pool " + pool + " is shut down: give the executor a running pool");
        }
        return new PoolExecutor(name, pool, false);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException if the executor is closed, or its pool is shut down
     */
    @Override
    public <T> TaskHandle<T> spawn(Async<T> future) {
        return spawnScoped(null, future, null);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException if the executor is closed, or its pool is shut down
     */
    @Override
    public <T> TaskHandle<T> spawn(String name, Async<T> future) {
        return spawnScoped(Args.notBlank(name, "name"), future, null);
    }

    <T> TaskHandle<T> spawnScoped(String name, Async<T> future, CancelScope s) {
        if (pool.isShutdown() && !tasks.isClosed()) {
            Args.notNull(future, "future");
            throw poolShutDown();
        }
        return tasks.spawn(name, future, s);
    }

    /**
     * A task the pool refused (it was shut down under a live task): cancel it, naming the pool, and
     * run the cancellation (its drop and cleanups) on a new virtual thread, since the caller may be
     * a waker that must neither block nor run the future. The task's queue entry passes to that
     * thread, so the task finishes and leaves the live set: no joiner waits forever, and close()
     * does not hang.
     */
    private void orphaned(RawTask<?> task) {
        task.cancel(
                Interop.cancelledToken(
                        "task '"
                                + task.name()
                                + "' could not run: pool "
                                + pool
                                + " was shut down while executor '"
                                + name
                                + "' still had live tasks (close the executor before its pool)"));
        Rt.spawn(new ThreadSpec(name + "-orphaned-" + task.id, true, true, 0), task::run);
    }

    private IllegalStateException poolShutDown() {
        return new IllegalStateException(
                "executor '"
                        + name
                        + "' cannot spawn: its pool "
                        + pool
                        + " is shut down (close the executor before its pool, or use a running"
                        + " pool)");
    }

    private void checkTerminated() {
        if (tasks.isClosed() && tasks.isEmpty()) {
            terminated.complete(new Completion.Success<>(null));
        }
    }

    /**
     * The pool the tasks run on.
     *
     * @return the pool
     */
    public WorkStealingPool pool() {
        return pool;
    }

    /**
     * Whether {@link #close()} was called, or the pool the tasks run on was shut down (the executor
     * can then run no task: a spawn throws, and a live task that is woken is cancelled, its cause
     * naming the pool).
     *
     * @return true once closed or without a running pool
     */
    @Override
    public boolean isClosed() {
        return tasks.isClosed() || pool.isShutdown();
    }

    @Override
    public List<String> dumpTasks() {
        return tasks.dump();
    }

    /**
     * Cancels every live task and waits until all have finished; then, if this executor owns its
     * pool, closes the pool. Idempotent; call it from outside the pool's tasks (from inside a poll
     * it would wait for itself).
     *
     * @throws IllegalStateException if called inside a poll
     */
    @Override
    public void close() {
        if (Interop.POLLING.get() != null) {
            throw new IllegalStateException(
                    "close() inside a poll would wait for its own worker: close from outside");
        }
        tasks.close();
        checkTerminated();
        boolean interrupted = false;
        while (true) {
            try {
                terminated.await(Deadline.never(), false, this);
                break;
            } catch (InterruptedException e) {
                interrupted = true; // shutdown must finish: no task outlives its executor
            }
        }
        if (ownsPool) {
            pool.close();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "PoolExecutor["
                + name
                + ", parallelism="
                + pool.parallelism()
                + ", live="
                + tasks.size()
                + "]";
    }
}
