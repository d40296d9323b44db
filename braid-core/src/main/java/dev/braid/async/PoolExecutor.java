package dev.braid.async;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.Deadline;
import dev.braid.internal.util.Args;
import dev.braid.pool.WorkStealingPool;
import java.util.List;

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
     * closed pool while a task is live. A poll that never returns keeps close() waiting (poll must
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
                                PoolExecutor.this.pool.submit((Runnable) task::run);
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

    @Override
    public <T> TaskHandle<T> spawn(Async<T> future) {
        return tasks.spawn(null, future, null);
    }

    @Override
    public <T> TaskHandle<T> spawn(String name, Async<T> future) {
        return tasks.spawn(Args.notBlank(name, "name"), future, null);
    }

    <T> TaskHandle<T> spawnScoped(String name, Async<T> future, CancelScope s) {
        return tasks.spawn(name, future, s);
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

    @Override
    public boolean isClosed() {
        return tasks.isClosed();
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
