package dev.braid.pool;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancelledException;
import dev.braid.internal.rt.Op;
import dev.braid.internal.rt.Rt;
import dev.braid.internal.util.Args;
import dev.braid.thread.PanicException;

/**
 * A task of a {@link WorkStealingPool} that is its own handle, for recursive fork/join in the
 * manner of {@code RecursiveTask}: subclass it, put the work in {@link #compute()}, and inside the
 * pool {@link #fork()} the parts to run in parallel and {@link #join()} them. Forking and joining
 * allocate nothing beyond the task object (ADR 0078): no wrapper per join, no record of results, no
 * boxing beyond what {@code T} is.
 *
 * <pre>{@code
 * final class Fib extends PoolTask<Long> {
 *     final int n;
 *     Fib(int n) { this.n = n; }
 *
 *     @Override
 *     protected Long compute() {
 *         if (n < 2) return (long) n;
 *         Fib f = new Fib(n - 2);
 *         f.fork();                             // stealable by other workers
 *         return new Fib(n - 1).compute() + f.join();
 *     }
 * }
 *
 * try (var pool = new WorkStealingPool()) {
 *     long r = pool.invoke(new Fib(30));      // from outside: submits, waits
 * }
 * }</pre>
 *
 * <p>A task runs at most once: it may be forked, submitted or invoked once (a second time throws
 * {@link IllegalStateException}), and a copy that two queues hold still runs once. It is a {@link
 * TaskHandle}, with the same contract (a panic rethrown with the original exception as cause and
 * the worker named, {@link #cancel()}, timed joins, hooks and metrics, {@link CancelAware} on
 * {@link WorkStealingPool#shutdownNow()}), except in three points, all as {@code ForkJoinTask}:
 * {@link #join()} is not interruptible; a task that its forker runs in place (popped back by its
 * join, or run by {@link #invoke()}) can still be cancelled while it runs, and then ends cancelled
 * with its value dropped; and no outside thread's join or {@code get} runs the task itself: it
 * waits for the workers, which keeps a recursive tree on the workers.
 *
 * <p>Everything a task did happens-before the return of a join that observes it finished, and
 * everything before {@link #fork()} happens-before the task runs.
 *
 * @param <T> the task's result type
 */
public abstract non-sealed class PoolTask<T> extends TaskHandle<T> {
    /*
     * Implementation notes
     *
     * The task is the handle (ADR 0078): TaskHandle's state machine (status NEW -> RUNNING or
     * CANCELLED by CAS, waiters -> the outcome by a swap that publishes it), with no body field:
     * runClaimed calls compute(). No field is added: a subclass with one int field is 32 bytes,
     * as a RecursiveTask with one. The pool is bound by fork/submit/invoke (a plain write
     * before the push that publishes the task; binding twice fails fast).
     *
     * join() inside the pool pops the worker's own deque first: in fork/compute/join order the
     * top is the task joined, not stolen, and it runs right here, like ForkJoinTask's tryUnpush.
     * The pop made this worker its only runner, so it runs in place (TaskHandle.runInPlace): no
     * claim CAS, only the completion swap, one read-modify-write per task as in ForkJoinTask; a
     * racing cancel() wins or loses as ForkJoinTask's does. invoke() runs in place too. With hooks
     * both take Worker.runTask (claim, hooks). Anything else popped is work of this worker's and
     * runs as help. If the task was stolen the join helps and then
     * parks (TaskHandle.awaitDone), as every join on a worker does. The deque push, pop and steal
     * and the park stay yield points of the testkit's seam.
     *
     * Follows the work-first fork/join of Lea, "A Java Fork/Join Framework" (Java Grande 2000)
     * and Frigo, Leiserson and Randall, "The Implementation of the Cilk-5 Multithreaded
     * Language" (PLDI 1998).
     */

    /** A task not yet forked; its pool is bound when it is forked, submitted or invoked. */
    protected PoolTask() {
        super(null);
    }

    /** For {@code asExecutorService().shutdownNow()}: what would run this task's work. */
    @Override
    final Object body() {
        return (Runnable) this::compute;
    }

    /**
     * The task's work, run once, by a worker of the pool (or by {@link #invoke()} on the caller).
     * It may fork and join other tasks. What it throws is the task's failure: joiners get a {@link
     * PanicException} whose cause it is.
     *
     * @return the task's value
     */
    protected abstract T compute();

    /**
     * Makes this task runnable in the pool of the calling task, where other workers may steal it;
     * if nobody does, the caller's {@link #join()} runs it. A thief runs it without the caller's
     * {@link CancelScope} (unlike the halves of {@code pool.join}, ADR 0131): enter a captured
     * scope in {@code compute()} to bound it by one.
     *
     * @return this task, for {@code t.fork().join()} chains
     * @throws IllegalStateException if called outside a task of a pool (submit it with {@link
     *     WorkStealingPool#submit(PoolTask)} or {@link WorkStealingPool#invoke(PoolTask)} then), or
     *     if this task was already forked, submitted or invoked
     */
    public final PoolTask<T> fork() {
        Worker w = Worker.current();
        if (w != null) {
            bind(w.pool);
            w.pushStealable(this);
            return this;
        }
        WorkStealingPool joinerRun = Worker.RUN_BY_JOINER.get();
        if (joinerRun != null) { // a task its outside joiner runs (ADR 0049): an outside submission
            joinerRun.submit(this);
            return this;
        }
        throw new IllegalStateException(
                "fork() called on thread '"
                        + Thread.currentThread().getName()
                        + "', which runs no task of a pool: submit the task with pool.submit(task)"
                        + " or pool.invoke(task)");
    }

    /**
     * Waits for this forked task and returns its value. Inside the pool it runs the task right here
     * if nobody stole it, and otherwise helps with other work while it waits; outside the pool it
     * parks. The wait is not interruptible (an interrupt is kept for later), as {@code
     * ForkJoinTask.join}; it does honour the ambient {@link CancelScope}.
     *
     * @return the task's value
     * @throws PanicException if the task threw (the exception is the cause; a panic of a task it
     *     joined is rethrown as it is)
     * @throws CancelledException if the task was cancelled, or if the caller has to wait inside a
     *     {@link CancelScope} that is cancelled
     * @throws IllegalStateException if this task was never forked, submitted or invoked (it would
     *     wait for ever), or if the task joins itself
     */
    @Override
    public final T join() {
        if (!isFinished()) {
            Rt.yieldPoint(Op.JOIN, this);
            checkNotSelf();
            Worker w = Worker.current();
            if (w != null && w.pool == pool) {
                TaskHandle<?> top = w.deque.pop(); // usually this task, not stolen
                if (top == this && !w.pool.hasHooks()) {
                    w.runInPlace(this);
                } else if (top != null) {
                    w.runTask(top);
                }
            }
        }
        return joinForkJoin();
    }

    /**
     * Runs this task on the calling thread, inside a task of a pool, and returns its value: {@code
     * compute()} with the pool's bookkeeping (hooks, counters, cancellation), without the queue.
     *
     * @return the task's value
     * @throws PanicException if the task threw (the exception is the cause)
     * @throws CancelledException if the task was cancelled before it ran
     * @throws IllegalStateException if called outside a task of a pool (use {@link
     *     WorkStealingPool#invoke(PoolTask)} there), or if this task was already forked, submitted
     *     or invoked
     */
    public final T invoke() {
        Worker w = Worker.current();
        if (w == null) {
            WorkStealingPool joinerRun = Worker.RUN_BY_JOINER.get();
            if (joinerRun == null) {
                throw new IllegalStateException(
                        "invoke() called on thread '"
                                + Thread.currentThread().getName()
                                + "', which runs no task of a pool: run the task with"
                                + " pool.invoke(task)");
            }
            return joinerRun.invoke(this);
        }
        bind(w.pool);
        if (w.pool.hasHooks()) {
            w.runTask(this); // hooks see every task: the claimed path
        } else {
            w.runInPlace(this);
        }
        return joinForkJoin();
    }

    /**
     * Runs two tasks, possibly in parallel, inside a task of a pool: forks {@code b}, invokes
     * {@code a}, joins {@code b}. If {@code a} throws, {@code b} is cancelled if it has not started
     * (or awaited if it has) and {@code a}'s failure is thrown. Their values are then read with
     * {@link #join()}, which returns at once.
     *
     * @param a the task run on the caller
     * @param b the task offered to thieves
     * @throws PanicException if {@code a} or {@code b} threw (the exception is the cause)
     * @throws NullPointerException if {@code a} or {@code b} is null
     * @throws IllegalArgumentException if {@code a} and {@code b} are the same task
     * @throws IllegalStateException if called outside a task of a pool, or if either task was
     *     already forked, submitted or invoked
     */
    public static void invokeAll(PoolTask<?> a, PoolTask<?> b) {
        Args.notNull(a, "a");
        Args.notNull(b, "b");
        if (a == b) {
            throw new IllegalArgumentException("a and b are the same task: a task runs once");
        }
        a.checkUnbound();
        b.checkUnbound();
        try {
            b.fork();
        } catch (IllegalStateException e) {
            if (Worker.current() == null && Worker.RUN_BY_JOINER.get() == null) {
                throw new IllegalStateException( // fork()'s own message names fork()
                        "invokeAll(a, b) called on thread '"
                                + Thread.currentThread().getName()
                                + "', which runs no task of a pool: call it from a task's"
                                + " compute(), and start that task with pool.invoke(task)",
                        e);
            }
            throw e;
        }
        try {
            a.invoke();
        } catch (Throwable t) {
            if (!b.tryCancel()) {
                try {
                    b.joinForkJoin();
                } catch (RuntimeException ignored) {
                    // a's failure is the one reported
                }
            }
            throw t;
        }
        b.join();
    }

    /** Binds the pool that runs this task: once. */
    final void bind(WorkStealingPool p) {
        checkUnbound();
        pool = p;
    }

    private void checkUnbound() {
        WorkStealingPool p = pool;
        if (p != null) {
            throw new IllegalStateException(
                    "this PoolTask was already forked, submitted or invoked (pool '"
                            + p.name()
                            + "'): a task runs once; create a new one");
        }
    }
}
