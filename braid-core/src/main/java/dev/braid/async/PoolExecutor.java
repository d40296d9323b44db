package dev.braid.async;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.Deadline;
import dev.braid.internal.util.Args;
import dev.braid.pool.PoolHooks;
import dev.braid.pool.WorkStealingPool;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

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
     * refuses up front. Entries the pool had queued when shutdownNow() cancelled them, that a
     * stopping worker left behind, or whose submit raced shutdownNow(): RawTask is CancelAware,
     * so the pool calls entryCancelled() for each, on the cancelling thread, and the task is
     * orphaned() at once (issue 13: its joiners learn it without waiting for close(), even on a
     * shared pool). reapQueued() stays as the backstop ADR 0062 made it: once the pool has
     * terminated no entry can run, so every task still queued (NOTIFIED, not RUNNING) is cancelled
     * with the pool-naming cause and its drop run; it runs when the last worker of an owned pool
     * stops (a pool hook) and, for a shared pool, from close(), which looks every
     * SHARED_POOL_CHECK whether the pool terminated.
     * Of the sweep and orphaned() threads, exactly one claims a task (runIfQueued's CAS). A
     * poll that never returns keeps close() waiting (poll must not block), as for every executor.
     *
     * Tradeoffs. One pool handle (an allocation) per schedule: the price of not teaching the pool
     * about tasks. The pool's FIFO injector gives outside wakes no LIFO benefit.
     *
     * References. tokio's multi-threaded scheduler (LIFO slot, injector, stealing); ADR 0028.
     */

    /** How often close() on a shared pool looks whether the pool stopped under queued tasks. */
    private static final Duration SHARED_POOL_CHECK = Duration.ofMillis(20);

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
                                    // a submit that raced shutdownNow() comes back cancelled:
                                    // the pool then calls entryCancelled (task is CancelAware)
                                    PoolExecutor.this.pool.submit((Runnable) task);
                                } catch (RejectedExecutionException e) {
                                    orphaned(task);
                                }
                            }

                            @Override
                            public boolean linksAtSpawn() {
                                // reapQueued() finds entries an exiting pool worker left behind
                                // only through the live set (ADR 0140)
                                return true;
                            }

                            @Override
                            public void entryCancelled(RawTask<?> task) {
                                orphaned(task); // at once: the joiners need not wait for close()
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
        LastWorkerStops reaper = new LastWorkerStops(parallelism);
        WorkStealingPool p =
                WorkStealingPool.builder()
                        .parallelism(parallelism)
                        .namePrefix(name + "-worker")
                        .daemon(true)
                        .hooks(reaper)
                        .build();
        PoolExecutor ex = new PoolExecutor(name, p, true);
        reaper.executor = ex;
        return ex;
    }

    /**
     * The hook on an owned pool that tells the executor when the last worker has stopped: from then
     * on no queue entry of the pool can run, so every task still queued is reaped at once (its
     * joiners learn the cancellation without waiting for close()).
     */
    private static final class LastWorkerStops implements PoolHooks {
        private final AtomicInteger running;
        volatile PoolExecutor executor; // set right after the pool is built, before any use

        LastWorkerStops(int workers) {
            running = new AtomicInteger(workers);
        }

        @Override
        public void onWorkerStop(Thread worker, int index) {
            PoolExecutor ex = executor;
            if (running.decrementAndGet() == 0 && ex != null) {
                ex.reapQueued();
            }
        }
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
        task.cancel(orphanCause(task));
        // through ThreadBuilder: a drop's ThreadLocalKey destructors run as the thread exits
        Threads.builder().name(name + "-orphaned-" + task.id()).virtual().spawn(task::runIfQueued);
    }

    /**
     * Once no pool worker can run anything again (the pool terminated): every task still queued
     * sits in a pool entry that shutdownNow() cancelled, or that a worker left behind as it exited;
     * nobody would ever run it. Cancel each with the cause naming the pool and run its cancellation
     * here (each task's entry passes to whoever claims it first: this sweep or an orphaned()
     * thread). Idle tasks are not touched: a wake orphans them.
     */
    private void reapQueued() {
        for (RawTask<?> t : tasks.live()) {
            if (t.isQueued()) {
                t.cancel(orphanCause(t));
                t.runIfQueued();
            }
        }
    }

    private dev.braid.cancel.CancellationToken orphanCause(RawTask<?> task) {
        return Interop.cancelledToken(
                "task '"
                        + task.name()
                        + "' could not run: pool "
                        + pool
                        + " was shut down while executor '"
                        + name
                        + "' still had live tasks (close the executor before its pool)");
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
     * it would wait for itself). A task whose queued poll the pool dropped ({@link
     * WorkStealingPool#shutdownNow()}) was already cancelled when the pool dropped it, its cause
     * naming the pool; as a backstop, on a shared pool that was shut down close() first waits for
     * the pool to terminate and cancels any task still queued (an owned pool does that as its last
     * worker stops).
     *
     * @throws IllegalStateException if called inside a poll, or by a task of its pool (its tasks
     *     end on that pool's workers, one of which the caller holds; ADR 0104), unless the executor
     *     has already terminated; or from the {@link Async#spawnBlocking} body of one of its tasks
     *     (that task's outcome waits for the body)
     */
    @Override
    public void close() {
        if (Interop.polling() != null) {
            throw new IllegalStateException(
                    "close() of "
                            + this
                            + " inside a poll would block the thread polling (and wait for"
                            + " itself if that is a worker of it): close from outside a poll");
        }
        Interop.refuseCloseFromBody(tasks, this);
        if (pool.isCallerInTask() && !terminated.isDone()) {
            throw new IllegalStateException(
                    "close() of "
                            + this
                            + " called by a task of its pool would wait for tasks that need that"
                            + " pool's workers, one of which it holds: close from outside the pool");
        }
        boolean interrupted = false;
        if (!ownsPool && pool.isShutdown()) { // reap first, so the cause names the pool
            while (!pool.isTerminated()) {
                try {
                    pool.awaitTermination(SHARED_POOL_CHECK);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            reapQueued();
        }
        tasks.close();
        checkTerminated();
        while (true) {
            try {
                if (ownsPool) { // the pool's hook reaps tasks its stop strands
                    terminated.await(Deadline.never(), false, this);
                    break;
                }
                // a shared pool gives no signal when it stops: look now and then
                if (terminated.await(Deadline.after(SHARED_POOL_CHECK), false, this) != null) {
                    break;
                }
                if (pool.isTerminated()) {
                    reapQueued();
                }
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
                + (isClosed() ? ", closed" : "")
                + "]";
    }
}
