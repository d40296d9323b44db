package dev.braid.pool;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancellationSource;
import dev.braid.cancel.CancelledException;
import dev.braid.internal.util.Args;
import dev.braid.internal.util.ChildQueue;
import dev.braid.thread.PanicException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Callable;

/**
 * A structured scope inside a {@link WorkStealingPool}, from {@link WorkStealingPool#scope}: every
 * task spawned in it finishes before the scope returns. The first task that fails cancels the
 * scope: tasks that have not started are cancelled, and running ones see their ambient {@link
 * CancelScope} cancelled (so braid waits in them stop and {@link CancelScope#checkpoint()} throws).
 * The scope then throws a {@link PanicException} for that first failure, unless it was already
 * received through the failed task's {@code join} (it then counts as handled).
 *
 * <p>Each task runs inside the {@link CancelScope} that was current where it was spawned (as a
 * child of a {@code Threads.scope} does), with the scope's own token added: a request's deadline or
 * token bounds the braid waits of the tasks working for it. A task stopped that way ends with the
 * {@link CancelledException} (or {@link dev.braid.cancel.DeadlineExceededException}); when that is
 * the first failure, the scope rethrows it as it is, not wrapped in a panic: it is a stop (ADR
 * 0124).
 */
public final class PoolScope {
    /*
     * Implementation notes
     *
     * State. `tasks` collects the spawned handles (spawns may come from any thread, including the
     * scope's own tasks); close() joins them in spawn order until none is left. `firstFailure` is
     * set once by CAS; the CancellationSource is cancelled by whoever set it; `firstObserved` says
     * a join received that failure (it then counts as handled). Joining helps when the closer is
     * a worker of the pool (TaskHandle.awaitDone).
     *
     * Pruning. A long-lived scope (a server loop spawning a task per request) must not keep every
     * task it ever had (probe15, ADR 0168): `tasks` is a ChildQueue, so a spawn that finds it
     * doubled since the last prune drops the finished handles (amortised O(1) per spawn; the first
     * failure stays in `firstFailure`). A pruned task's completion was read (acquire, isFinished)
     * by the pruner; close() calls awaitPrune() after its last drain, so under the testkit too it
     * happens-after every task. A prune that starts after that finds only tasks that are being
     * refused: a spawn that saw the scope open was drained by close(), one that saw it ended takes
     * its task out again.
     */

    private static final VarHandle FIRST_FAILURE;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            FIRST_FAILURE = l.findVarHandle(PoolScope.class, "firstFailure", TaskHandle.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final WorkStealingPool pool;
    private final CancellationSource cancel = new CancellationSource();
    private final CancelScope opener = CancelScope.current(); // where scope(...) was called
    private final ChildQueue<TaskHandle<?>> tasks = new ChildQueue<>(TaskHandle::isFinished);

    @SuppressWarnings("unused") // accessed through FIRST_FAILURE
    private volatile TaskHandle<?> firstFailure;

    private volatile boolean firstObserved; // a join received the first failure

    private volatile boolean closed; // set once the scope has joined every task (ADR 0065)

    PoolScope(WorkStealingPool pool) {
        this.pool = pool;
    }

    /**
     * The body of {@link WorkStealingPool#scope}.
     *
     * @param <X> what the body may throw
     */
    @FunctionalInterface
    public interface Body<X extends Exception> {
        /**
         * Runs with the scope.
         *
         * @param scope the scope to spawn tasks in
         * @throws X whatever the body throws
         */
        void run(PoolScope scope) throws X;
    }

    /**
     * Spawns {@code task} in the scope.
     *
     * @param task the task
     * @param <T> the task's result type
     * @return the task's handle
     * @throws NullPointerException if {@code task} is null
     * @throws IllegalStateException if the scope has ended (its {@code scope(...)} call returned):
     *     a task spawned then would outlive it
     */
    public <T> TaskHandle<T> spawn(Callable<T> task) {
        Args.notNull(task, "task");
        CancelScope spawner = CancelScope.current(); // deadlines and tokens flow into children
        Callable<T> inScope =
                () -> spawner.enter(() -> CancelScope.withToken(cancel.token(), task::call));
        TaskHandle<T> h = new SubmittedTask.InScope<>(pool, inScope, this);
        tasks.add(h); // volatile write, then read `closed`: Dekker with close(); may prune
        if (closed) {
            h.tryCancel(); // close() may have seen it: it must find it finished
            tasks.remove(h);
            throw new IllegalStateException(
                    "the scope of pool '"
                            + pool.name()
                            + "' has ended: spawn in it only while scope(...) runs (from its body or"
                            + " its tasks), or submit to the pool");
        }
        if (cancel.isCancelled()) {
            h.tryCancel();
        } else {
            try {
                pool.schedule(h);
            } catch (RuntimeException e) { // PoolClosedException: nothing to wait for
                h.tryCancel();
                throw e;
            }
        }
        return h;
    }

    /**
     * Spawns {@code task} in the scope.
     *
     * @param task the task
     * @return the task's handle
     * @throws NullPointerException if {@code task} is null
     * @throws IllegalStateException if the scope has ended
     */
    public TaskHandle<Void> spawn(Runnable task) {
        Args.notNull(task, "task");
        return spawn(
                () -> {
                    task.run();
                    return null;
                });
    }

    /**
     * Whether the scope was cancelled by a failure.
     *
     * @return {@code true} once a task failed
     */
    public boolean isCancelled() {
        return cancel.isCancelled();
    }

    /**
     * The scope's state, for debugging: its pool, open or ended, the tasks it still tracks (those
     * not known to have finished; finished ones are dropped from time to time), and whether a
     * failure cancelled it.
     *
     * @return a description of the scope
     */
    @Override
    public String toString() {
        return "PoolScope[pool '"
                + pool.name()
                + "', "
                + (closed ? "ended" : "open, " + tasks.size() + " tasks")
                + (isCancelled() ? ", cancelled" : "")
                + "]";
    }

    void childFailed(TaskHandle<?> h, Throwable failure) {
        if (failure instanceof java.util.concurrent.CancellationException && isCancelled()) {
            return; // a consequence of the first failure, not a failure of its own
        }
        if (FIRST_FAILURE.compareAndSet(this, null, h)) {
            cancel.cancel(failure);
            tasks.forEach(TaskHandle::tryCancel);
        }
    }

    void observed(TaskHandle<?> h) {
        // childFailed set firstFailure before the task's outcome was published, and a join sees
        // the failure only after that: a join of the first failure always finds it here
        if (h == FIRST_FAILURE.getVolatile(this) && !firstObserved) {
            firstObserved = true;
        }
    }

    /** Joins every task; returns the failure to throw (or null). */
    PanicException close(Throwable bodyFailure) {
        if (bodyFailure != null) {
            cancel.cancel(bodyFailure);
            tasks.forEach(TaskHandle::tryCancel);
        }
        TaskHandle<?> h;
        while ((h = tasks.poll()) != null) {
            waitQuietly(h);
        }
        closed = true; // volatile write, then read `tasks`: a racing spawn is seen or refused
        while ((h = tasks.poll()) != null) {
            waitQuietly(h);
        }
        tasks.awaitPrune(); // what the pruned tasks did (notes: Pruning)
        TaskHandle<?> first = (TaskHandle<?>) FIRST_FAILURE.getVolatile(this);
        if (first == null || firstObserved) {
            return null;
        }
        try {
            first.joinQuietly();
            return null;
        } catch (PanicException p) {
            if (bodyFailure == null
                    && p.getCause() instanceof CancelledException stop
                    && opener.isCancelled()) {
                throw stop; // stopped by the spawner's CancelScope: a stop, not a panic (ADR 0124)
            }
            return p;
        }
    }

    private static void waitQuietly(TaskHandle<?> h) {
        boolean interrupted = false;
        while (!h.isFinished()) {
            try {
                h.awaitDone(dev.braid.cancel.Deadline.never(), false);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        h.joined(); // the testkit's happens-before from the task's writes to the scope's caller
    }
}
