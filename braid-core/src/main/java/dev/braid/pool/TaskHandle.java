package dev.braid.pool;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancellationRegistration;
import dev.braid.cancel.CancellationSource;
import dev.braid.cancel.CancelledException;
import dev.braid.cancel.Deadline;
import dev.braid.internal.rt.Op;
import dev.braid.internal.rt.Rt;
import dev.braid.internal.rt.SimWait;
import dev.braid.internal.util.Args;
import dev.braid.thread.JoinOutcome;
import dev.braid.thread.PanicException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A task submitted to a {@link WorkStealingPool}, and the handle that joins it. It has the
 * semantics of {@link dev.braid.thread.JoinHandle}: {@link #join()} returns the task's value or
 * throws {@link PanicException} whose cause is the exception that escaped the task (type, message
 * and stack intact) and whose thread name is the worker's; a handle may be joined any number of
 * times by any threads, and all see the same outcome. Everything the task did happens-before the
 * return of a join that observes it finished.
 *
 * <p>A join called on one of the pool's workers <em>helps</em>: while the task is unfinished it
 * runs other tasks of the pool (its own queue first, then stolen ones), so fork/join recursion does
 * not tie up workers; it parks only when there is nothing to help with. An untimed join elsewhere
 * runs the task on the calling thread if no worker has taken it yet and every worker is busy
 * running a task (never any other task; not inside an active {@link CancelScope}, nor once the pool
 * is shut down; ADR 0084), and otherwise waits, looking again while the task stays queued (a free
 * worker may block in another task first). A task its joiner runs sees the caller's thread, as
 * {@code ForkJoinTask.join} does (ADR 0049), but it still runs in the pool: {@link
 * WorkStealingPool#shutdownNow()} interrupts the caller's thread for it, and the pool does not
 * terminate before it ends (ADR 0071). Joins honour the ambient {@link CancelScope} and interrupts,
 * as braid waits do.
 *
 * <p>{@link #cancel()} stops a task that has not started; a running task is not interrupted (the
 * futures of {@link WorkStealingPool#asExecutorService()} differ: they follow {@link
 * java.util.concurrent.FutureTask}'s contract, ADR 0071). A joiner of a cancelled task gets a
 * {@link CancelledException}. The handle is also a {@link Future} for code written against {@code
 * java.util.concurrent}: {@link #get()} wraps a failure in {@link ExecutionException} instead.
 *
 * <p>A {@link PoolTask} is a task that is its own handle, for fork/join with no allocation beyond
 * the task (ADR 0078).
 *
 * @param <T> the task's result type
 */
public abstract sealed class TaskHandle<T> implements Future<T> permits PoolTask, SubmittedTask {
    /*
     * Implementation notes
     *
     * State. `status` decides who runs the task: NEW -> RUNNING (a worker claimed it) or NEW ->
     * CANCELLED, each by one CAS, so a task that sits in two queues at once (a drained slot racing
     * its owner) still runs at most once. For the ExecutorService view only, a running task may
     * also go RUNNING -> CANCELLING or INTERRUPTING -> CANCELLED or INTERRUPTED (cancelRunning,
     * ADR 0071). `waiters` decides who waits and holds the outcome: null or a Waiter stack while
     * unfinished, then the outcome itself (the value, NIL for null, or a Failure; none of these
     * can be a Waiter, a private type), swapped in by one volatile getAndSet that publishes it and
     * hands the swapper the stack to unpark (ADR 0078: one field for both keeps a PoolTask with
     * one int field at 32 bytes, as a RecursiveTask). Joiners read it with an acquire load.
     *
     * Helping. A join on a worker of the same pool runs Worker.helpUntil, which pops and steals
     * while the task is unfinished and then falls back to the parking wait below.
     *
     * Two subclasses (ADR 0078): SubmittedTask holds a body (Callable, Runnable, LongSupplier),
     * and its InScope subclass the PoolScope it was spawned in (ADR 0094: a submission is 32
     * bytes); PoolTask is a user's task object that is its own
     * handle, its compute() the body. A PoolTask's pool is bound when it is forked or submitted
     * (a plain write before the push that publishes it), so `pool` is not final. The fields here
     * are the ones both need: 16 bytes.
     *
     * Simulation. Every claim, completion and wait announces a yield point; the park blocker is
     * the handle, which the testkit names in its wait-for graph.
     */

    static final int NEW = 0;
    static final int RUNNING = 1;
    static final int CANCELLED = 2;
    // cancelling a running task, for the ExecutorService view only (ADR 0071): CANCELLING and
    // INTERRUPTING are held while the canceller works, then end in CANCELLED or INTERRUPTED
    static final int CANCELLING = 3;
    static final int INTERRUPTING = 4;
    static final int INTERRUPTED = 5;

    private static final Object NIL = new Object(); // the outcome of a task that returned null
    // an outside joiner's spins before it parks, where a core is free of the pool's workers
    // (ADR 0166); -Dbraid.pool.joinSpins sets them
    private static final int SPINS = Math.max(0, Integer.getInteger("braid.pool.joinSpins", 128));
    private static final int CORES = Runtime.getRuntime().availableProcessors();
    private static final VarHandle STATUS;
    private static final VarHandle WAITERS;
    private static final VarHandle RUNNER;
    private static final CancellationSource CANCELLED_SOURCE = new CancellationSource();

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATUS = l.findVarHandle(TaskHandle.class, "status", int.class);
            WAITERS = l.findVarHandle(TaskHandle.class, "waiters", Object.class);
            RUNNER = l.findVarHandle(TaskHandle.class, "runner", Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        CANCELLED_SOURCE.cancel("the task was cancelled before it started");
    }

    private static final class Waiter {
        volatile Thread thread;
        Waiter next;

        Waiter(Thread thread) {
            this.thread = thread;
        }
    }

    WorkStealingPool pool; // final but for a PoolTask, bound when forked (ADR 0078)

    @SuppressWarnings("unused") // accessed through STATUS
    private volatile int status;

    /**
     * Null or a {@code Waiter} stack while unfinished; then the outcome: the task's value, {@code
     * NIL} for null, or a {@code Failure} if it threw (no value can be a Waiter or a Failure: the
     * types are private here).
     */
    @SuppressWarnings("unused") // accessed through WAITERS
    private volatile Object waiters;

    /**
     * The thread that runs or ran the task (written opaque; read plainly only by the thread that
     * wrote it, and opaque by a canceller that interrupts it).
     */
    private Thread runner;

    /** What escaped a task, and the thread that ran it. */
    private record Failure(Throwable cause, String workerName) {}

    TaskHandle(WorkStealingPool pool) {
        this.pool = pool;
    }

    /** The body as submitted (a Callable, a Runnable or a LongSupplier), for shutdownNow views. */
    abstract Object body();

    /** The scope the task was spawned in, or null. */
    PoolScope scope() {
        return null;
    }

    // ---- running ----

    /** Claims the task for running: true for exactly one caller, and only if not cancelled. */
    boolean claim() {
        Rt.yieldPoint(Op.RMW, this);
        // a plain look first: a stale queue copy (its joiner ran it) then costs no failed CAS
        return (int) STATUS.getOpaque(this) == NEW && STATUS.compareAndSet(this, NEW, RUNNING);
    }

    /** Whether no thread has claimed the task yet (a racy snapshot): it may still be queued. */
    boolean isUnclaimed() {
        return (int) STATUS.getOpaque(this) == NEW;
    }

    /**
     * Records {@code runner}, the thread that claimed the task, before {@link PoolHooks#beforeTask}
     * runs there: a join of the task from that hook is then a self-join.
     */
    final void runBy(Thread runner) {
        RUNNER.setOpaque(this, runner);
    }

    /** Runs the claimed task on the calling worker and completes the handle. */
    @SuppressWarnings("unchecked")
    void runClaimed(String worker) {
        RUNNER.setOpaque(this, Thread.currentThread());
        T v = null;
        Throwable failure = null;
        try {
            v = this instanceof SubmittedTask<T> st ? st.call() : ((PoolTask<T>) this).compute();
        } catch (Throwable t) {
            failure = t;
        }
        complete(v, failure, worker);
        int s = (int) STATUS.getVolatile(this); // after the outcome swap: see cancelRunning
        if (s != RUNNING) {
            afterCancelledWhileRunning(s);
        }
    }

    /**
     * The runner's side of {@link #cancelRunning}: waits out a canceller still at work, so that its
     * interrupt lands before this thread leaves the task, then clears that interrupt: it was meant
     * for the task, not for what the thread does next.
     */
    private void afterCancelledWhileRunning(int s) {
        while (s == CANCELLING || s == INTERRUPTING) {
            Rt.spinWait();
            s = (int) STATUS.getVolatile(this);
        }
        if (s == INTERRUPTED) {
            Thread.interrupted();
        }
    }

    /**
     * Cancels the task even if it runs (the {@link java.util.concurrent.FutureTask} contract, for
     * the {@code ExecutorService} view only; ADR 0071): a task not started is cancelled as by
     * {@link #tryCancel}; a running one is marked cancelled, its thread interrupted if {@code
     * interrupt}, and its joiners released at once with a cancellation (the body's outcome is then
     * dropped). Returns false if the task had finished.
     */
    boolean cancelRunning(boolean interrupt) {
        Rt.yieldPoint(Op.RMW, this);
        while (true) {
            int s = (int) STATUS.getVolatile(this);
            if (s == NEW) {
                if (tryCancel()) {
                    return true;
                }
                continue; // claimed meanwhile
            }
            if (s != RUNNING || finished()) {
                return false;
            }
            if (!STATUS.compareAndSet(this, RUNNING, interrupt ? INTERRUPTING : CANCELLING)) {
                continue;
            }
            // Dekker with runClaimed: it swaps the outcome in, then reads the status; this wrote
            // the status, now reads the outcome. If it finished first, back out: its outcome
            // stands.
            if (isOutcome(WAITERS.getVolatile(this))) {
                STATUS.setVolatile(this, RUNNING);
                return false;
            }
            if (interrupt) {
                Thread t;
                while ((t = (Thread) RUNNER.getOpaque(this)) == null) {
                    Rt.spinWait(); // claimed, runClaimed not yet entered
                }
                Rt.interrupt(t); // the runner waits for the end of INTERRUPTING to leave the task
            }
            STATUS.setVolatile(this, interrupt ? INTERRUPTED : CANCELLED);
            releaseWaiters(NIL); // the runner's later swap replaces it: the status decides
            return true;
        }
    }

    /** Cancels the task unless it started; returns whether it was cancelled by this call. */
    boolean tryCancel() {
        Rt.yieldPoint(Op.RMW, this);
        if (!STATUS.compareAndSet(this, NEW, CANCELLED)) {
            return false;
        }
        complete(null, null, null);
        return true;
    }

    /**
     * Cancels the task on the pool's behalf (shutdown, a stopping worker, a submission that raced
     * shutdownNow): as {@link #tryCancel}, and tells a {@link CancelAware} body. Returns whether
     * this call cancelled it.
     */
    boolean cancelByPool() {
        if (!tryCancel()) {
            return false;
        }
        if ((this instanceof SubmittedTask<?> st ? st.body() : this) instanceof CancelAware c) {
            try {
                c.cancelledBeforeStart();
            } catch (Throwable t) {
                pool.hookFailed("CancelAware.cancelledBeforeStart", t);
            }
        }
        return true;
    }

    private void complete(T v, Throwable failure, String worker) {
        Object out = v;
        if (failure != null) {
            out = new Failure(failure, worker);
            PoolScope scope = scope();
            if (scope != null) {
                scope.childFailed(this, failure); // before the swap: a closer that sees it, sees it
            } else if (Rt.simulating()) { // the testkit reports it unless someone joins (ADR 0150)
                Rt.taskFailed(this, "pool task " + this, failure);
            }
        } else if (v == null) {
            out = NIL;
        }
        Rt.yieldPoint(Op.RMW, this);
        releaseWaiters(out);
    }

    /** Whether {@code w}, read from {@code waiters}, is an outcome (the task finished). */
    private static boolean isOutcome(Object w) {
        return w != null && !(w instanceof Waiter);
    }

    private void releaseWaiters(Object outcome) {
        Object head = WAITERS.getAndSet(this, outcome); // volatile: publishes the outcome
        if (Rt.simulating()) { // the testkit: the swap read every push; joiners after it see them
            for (Waiter w = head instanceof Waiter h ? h : null; w != null; w = w.next) {
                Rt.passOn(w, this); // before the first unpark, which may be the next step
            }
        }
        for (Waiter w = head instanceof Waiter h ? h : null; w != null; w = w.next) {
            Thread t = w.thread;
            if (t != null) {
                Rt.unpark(t);
            }
        }
    }

    // ---- public API ----

    /**
     * Whether the task has finished: run to the end, failed, or been cancelled.
     *
     * @return {@code true} once the outcome is fixed
     */
    public boolean isFinished() {
        if (!finished()) {
            return false;
        }
        joined(); // the testkit: an acquire read of the outcome, as a join's (ADR 0134)
        return true;
    }

    private boolean finished() {
        return isOutcome(WAITERS.getAcquire(this));
    }

    /**
     * Whether the task was cancelled before it started.
     *
     * @return {@code true} if {@link #cancel()} (or a pool shutdown) stopped it
     */
    @Override
    public boolean isCancelled() {
        int s = (int) STATUS.getAcquire(this);
        if (s != CANCELLED && s != INTERRUPTED) {
            return false;
        }
        Rt.acquireFrom(this); // the testkit: tryCancel()'s announced RMW released into the handle
        return true;
    }

    /**
     * Cancels the task if it has not started; a running or finished task is not affected.
     *
     * @return {@code true} if this call cancelled it
     */
    public boolean cancel() {
        return tryCancel();
    }

    /**
     * As {@link #cancel()}: a running task is never interrupted, whatever {@code
     * mayInterruptIfRunning} says (as {@code ForkJoinTask}).
     *
     * @param mayInterruptIfRunning ignored
     * @return {@code true} if this call cancelled the task
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        return tryCancel();
    }

    /**
     * Waits for the task to finish and returns its value; on a worker of the pool, helps while it
     * waits.
     *
     * @return the task's value ({@code null} for a {@link Runnable})
     * @throws PanicException if the task threw (the exception is the cause)
     * @throws CancelledException if the task was cancelled, or if the caller has to wait inside a
     *     {@link CancelScope} that is cancelled (or whose deadline passes)
     * @throws InterruptedException if the caller is interrupted while waiting
     * @throws IllegalStateException if called by the task itself (it would wait for itself)
     */
    public T join() throws InterruptedException {
        Rt.yieldPoint(Op.JOIN, this);
        checkNotSelf();
        awaitOrRunHere();
        return result();
    }

    /**
     * Waits at most {@code timeout} for the task to finish; a timeout of zero or less does not
     * wait.
     *
     * @param timeout how long to wait
     * @return {@link JoinOutcome.Finished} with the value, or {@link JoinOutcome.TimedOut}
     * @throws PanicException if the task threw
     * @throws CancelledException as for {@link #join()}
     * @throws InterruptedException if the caller is interrupted while waiting
     * @throws IllegalStateException if called by the task itself (it would wait for itself)
     * @throws NullPointerException if {@code timeout} is null
     */
    public JoinOutcome<T> join(Duration timeout) throws InterruptedException {
        Args.notNull(timeout, "timeout");
        return join(timeout.isNegative() ? Deadline.after(Duration.ZERO) : Deadline.after(timeout));
    }

    /**
     * Waits until {@code deadline} at the latest for the task to finish.
     *
     * @param deadline when to stop waiting
     * @return {@link JoinOutcome.Finished} with the value, or {@link JoinOutcome.TimedOut}
     * @throws PanicException if the task threw
     * @throws CancelledException as for {@link #join()}
     * @throws InterruptedException if the caller is interrupted while waiting
     * @throws IllegalStateException if called by the task itself (it would wait for itself)
     * @throws NullPointerException if {@code deadline} is null
     */
    public JoinOutcome<T> join(Deadline deadline) throws InterruptedException {
        Args.notNull(deadline, "deadline");
        Rt.yieldPoint(Op.JOIN, this);
        checkNotSelf();
        if (!finished() && !awaitDone(deadline, true)) {
            return new JoinOutcome.TimedOut<>();
        }
        return new JoinOutcome.Finished<>(result());
    }

    /**
     * Waits for the task and returns its value, {@code java.util.concurrent} style.
     *
     * @return the task's value
     * @throws ExecutionException if the task threw (the exception is the cause)
     * @throws CancellationException if the task was cancelled
     * @throws InterruptedException if the caller is interrupted while waiting
     * @throws IllegalStateException if called by the task itself (it would wait for itself)
     */
    @Override
    public T get() throws InterruptedException, ExecutionException {
        Rt.yieldPoint(Op.JOIN, this);
        checkNotSelf();
        awaitOrRunHere();
        return futureResult();
    }

    /**
     * Waits at most the given time for the task and returns its value.
     *
     * @param timeout how long to wait
     * @param unit the unit of {@code timeout}
     * @return the task's value
     * @throws ExecutionException if the task threw (the exception is the cause)
     * @throws CancellationException if the task was cancelled
     * @throws TimeoutException if the task did not finish in time
     * @throws InterruptedException if the caller is interrupted while waiting
     * @throws IllegalStateException if called by the task itself (it would wait for itself)
     * @throws NullPointerException if {@code unit} is null
     */
    @Override
    public T get(long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        Args.notNull(unit, "unit");
        Rt.yieldPoint(Op.JOIN, this);
        checkNotSelf();
        if (!finished()
                && !awaitDone(
                        Deadline.after(Duration.ofNanos(Math.max(0, unit.toNanos(timeout)))),
                        true)) {
            throw new TimeoutException("task did not finish within " + timeout + " " + unit);
        }
        return futureResult();
    }

    /**
     * Whether the task has finished (the {@link Future} name for {@link #isFinished()}).
     *
     * @return {@code true} once the outcome is fixed
     */
    @Override
    public boolean isDone() {
        return isFinished();
    }

    /**
     * The handle's state, for debugging: its pool, and queued, running (on which thread), finished
     * or failed (on which thread, with the exception's type), or cancelled.
     *
     * @return a description with the status
     */
    @Override
    public String toString() {
        String s =
                switch (displayStatus()) {
                    case NEW -> "queued";
                    case RUNNING -> {
                        Thread r = runner; // racy read, for display only
                        String on = r != null ? " on '" + r.getName() + "'" : "";
                        if (finished()) { // acquire: the result fields are visible
                            Failure f = WAITERS.getAcquire(this) instanceof Failure x ? x : null;
                            yield (f != null
                                            ? "failed ("
                                                    + f.cause().getClass().getSimpleName()
                                                    + ")"
                                            : "finished")
                                    + on;
                        }
                        yield "running" + on;
                    }
                    default -> "cancelled";
                };
        return (this instanceof PoolTask ? "PoolTask" : "TaskHandle")
                + (pool == null ? "[not forked, " : "[pool '" + pool.name() + "', ")
                + s
                + "]";
    }

    // ---- waiting ----

    /**
     * A {@link PoolTask} that was never forked has nobody to run it: its join fails at once rather
     * than wait for ever. A task that joins its own handle, directly or from a task run inside its
     * own join (helping), would wait for a frame below it on the same stack: it can never finish.
     * {@code runner} is written by the thread that runs the task, so it equals the current thread
     * only on that thread, and only while the task's frame is live if the task is unfinished (ADR
     * 0065).
     */
    final void checkNotSelf() {
        if (pool == null && (int) STATUS.getOpaque(this) == NEW) {
            throw new IllegalStateException(
                    "join of a PoolTask that was never forked: fork() it first, or run it with"
                            + " invoke() or pool.invoke(task)");
        }
        if (runner == Thread.currentThread() && !finished()) {
            throw new IllegalStateException(
                    "a task of pool '"
                            + pool.name()
                            + "' joins its own handle on thread '"
                            + Thread.currentThread().getName()
                            + "': it would wait for itself for ever; return the value instead, or"
                            + " join only tasks it forked");
        }
    }

    /** First re-check of an untimed outside join that left its queued task to a free worker. */
    private static final long RECHECK_FIRST_NANOS = 50_000;

    /** The longest wait between two such re-checks. */
    private static final long RECHECK_MAX_NANOS = 10_000_000;

    /**
     * The untimed join's wait (ADR 0084, amended). A joiner that finds a worker free leaves the
     * queued task to the workers; but the free worker may take another task and block in it before
     * it reaches this one (a pool of one worker, whose next task waits on a latch). So while the
     * task stays queued and this thread may run it, the joiner waits in slices (50 µs, doubling up
     * to 10 ms) and looks again; once a worker has claimed the task, or this thread may not run it,
     * it waits untimed. Without the re-check such a join waited behind the blocked worker, which
     * ADR 0049's inline run exists to avoid.
     */
    private void awaitOrRunHere() throws InterruptedException {
        long slice = RECHECK_FIRST_NANOS;
        while (!finished() && !tryRunHere()) {
            if (!mayRunHere()) {
                awaitDone(Deadline.never(), true);
                return;
            }
            if (awaitDone(Deadline.after(Duration.ofNanos(slice)), true)) {
                return;
            }
            slice = Math.min(slice * 2, RECHECK_MAX_NANOS);
        }
    }

    /**
     * Whether this outside thread may run the task itself, busy workers aside: it is still queued
     * (unclaimed), not a {@link PoolTask}, the pool runs, and the caller is an outside thread, not
     * already running a task inline, not interrupted and not inside an active cancel scope.
     */
    private boolean mayRunHere() {
        return (int) STATUS.getOpaque(this) == NEW
                && !(this instanceof PoolTask) // its forker may run it unclaimed (ADR 0078)
                && pool.lifecycle.isRunning()
                && Worker.current() == null
                && Worker.RUN_BY_JOINER.get() == null // not nested: see tryRunHere
                && !Thread.currentThread().isInterrupted()
                && !CancelScope.current().isActive();
    }

    /**
     * An untimed join outside the pool runs the task it waits for on the calling thread if no
     * worker has claimed it yet and every worker is inside an unfinished task (ADR 0049, ADR 0084):
     * the claim CAS is the one a worker uses, so the task still runs once. While some worker is
     * free (idle, or between two tasks) the joiner leaves the task to the workers and waits, as
     * {@code ForkJoinPool}'s external {@code get()} does: a joiner that took tasks from workers
     * draining the same queue raced them for its head and left them idle at the end of each burst,
     * so that the next burst began with parked workers to wake (ADR 0084 has the counts). Only this
     * task, never another one; not inside an active cancel scope (the task would see the joiner's
     * scope), not when interrupted, not once the pool shuts down (tasks then submit as they would
     * on a worker). Not nested either: inside a task that an outside joiner runs here, forks are
     * outside submissions, and running their joins inline as well turned a recursive fork/join tree
     * into a mostly sequential walk on this thread (2x slower on PoolFib.braidFork); those joins
     * park and leave the subtrees to the workers. Returns whether it ran the task here.
     */
    private boolean tryRunHere() {
        if (!mayRunHere() || !pool.everyWorkerBusy()) { // a worker is free to take it (ADR 0084)
            return false;
        }
        // run in the pool, not beside it (ADR 0071): take an inline slot, so that shutdownNow()
        // interrupts this thread and the pool does not terminate before the task ends, then
        // re-check the run state: a shutdown that this read misses sees the slot
        Thread me = Thread.currentThread();
        int slot = pool.inline.enter(me);
        if (slot < 0) {
            return false; // every slot taken: park, a worker runs it
        }
        try {
            if (!pool.lifecycle.isRunningSeqCst()) {
                return false; // the task is still queued: the shutting-down workers run it
            }
            // take it out of the injector if it is a shard's oldest element (the usual case for a
            // joiner that joins in submission order), so that no worker later takes a stale copy
            // (ADR 0070): a backlog of stale copies kept the workers busy while fresh submissions
            // waited behind it
            pool.injector.removeIfOldest(this);
            if (!claim()) {
                return false;
            }
            boolean hooked = pool.hasHooks();
            if (hooked) {
                pool.hookBefore(me, this);
            }
            WorkStealingPool outer = Worker.RUN_BY_JOINER.get();
            Worker.RUN_BY_JOINER.set(pool); // so that close() inside the task still fails fast
            try {
                runClaimed(me.getName());
            } finally {
                Worker.RUN_BY_JOINER.set(outer);
            }
            pool.inline.countRun(slot);
            if (hooked) {
                pool.hookAfter(me, this);
            }
            return true;
        } finally {
            pool.inline.exit(slot, me);
        }
    }

    /**
     * The join of fork/join ({@link PoolTask#join()}, {@code join(a, b)}'s stolen half): not
     * interruptible (an interrupt is kept for later), honours the ambient {@link CancelScope} only
     * if it has to wait, and rethrows a nested panic as it is, so that the exception names the
     * worker the original failure escaped on, not every level it crossed.
     */
    T joinForkJoin() {
        if (!finished()) {
            boolean interrupted = false;
            try {
                while (!finished()) {
                    try {
                        awaitDone(Deadline.never(), true);
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        try {
            return result();
        } catch (PanicException p) {
            throw p.getCause() instanceof PanicException inner ? inner : p;
        }
    }

    /**
     * Runs a {@link PoolTask} in place, without the claim CAS (ADR 0078): its forker popped it back
     * from its own deque, or {@code invoke()} runs it before it was queued anywhere, so no worker
     * can claim it and no outside joiner runs a PoolTask inline. Only {@link #cancel()} can race,
     * as with {@code ForkJoinTask}: a task not yet started is skipped; one cancelled while it runs
     * ends cancelled (its status says so) and its value is dropped. The status stays NEW, which a
     * finished task reads as "ran". Hooks need the claimed path: callers check.
     */
    @SuppressWarnings("unchecked") // only PoolTasks come here
    final void runInPlace(Thread me) {
        if ((int) STATUS.getOpaque(this) != NEW) {
            return; // cancelled before it started
        }
        RUNNER.setOpaque(this, me);
        T v = null;
        Throwable failure = null;
        try {
            v = ((PoolTask<T>) this).compute();
        } catch (Throwable t) {
            failure = t;
        }
        complete(v, failure, failure == null ? null : me.getName());
    }

    /** The status as toString shows it: a PoolTask run in place reads as having run. */
    private int displayStatus() {
        int s = (int) STATUS.getOpaque(this);
        return s == NEW && finished() ? RUNNING : s;
    }

    /** Uninterruptible join for fork/join: returns the value or throws PanicException. */
    T joinQuietly() {
        boolean interrupted = false;
        while (!finished()) {
            try {
                awaitDone(Deadline.never(), false);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return result();
    }

    /** Returns true when finished, false when the deadline passed first. */
    boolean awaitDone(Deadline deadline, boolean cancellable) throws InterruptedException {
        Worker w = Worker.current();
        if (w != null && w.pool == pool) {
            if (w.helpUntil(this, deadline, cancellable)) {
                return true;
            }
            if (deadline.isExpired()) {
                return finished();
            }
        }
        return park(deadline, cancellable);
    }

    private boolean park(Deadline deadline, boolean cancellable) throws InterruptedException {
        // spin only where a core is free of the pool's workers: with every core a worker's, a
        // spinning joiner takes a core from the workers running what it waits for (ADR 0166:
        // PoolSubmit on 2 cores, 0.55-0.66x FJP spinning, 0.95-0.97x parking at once)
        int spins = Rt.sim() != null || pool != null && pool.parallelism() >= CORES ? 0 : SPINS;
        for (int i = spins; i > 0; i--) {
            if (finished()) {
                return true; // short tasks finish within a park/unpark's cost
            }
            Rt.spinWait();
        }
        Waiter node = new Waiter(Thread.currentThread());
        while (true) {
            Object head = WAITERS.getAcquire(this);
            if (isOutcome(head)) {
                return true;
            }
            node.next = (Waiter) head;
            if (WAITERS.compareAndSet(this, head, node)) {
                Rt.releaseTo(node); // the testkit: releaseWaiters' swap reads it (ADR 0134)
                break;
            }
        }
        CancelScope ambient = cancellable ? CancelScope.current() : null;
        boolean scoped = ambient != null && ambient.isActive();
        CancellationRegistration wake =
                scoped ? ambient.wakeOnCancel(Thread.currentThread()) : null;
        long since = scoped ? Rt.nanoTime() : 0L; // for the message of a stop by the scope
        try {
            Deadline bound = scoped ? deadline.min(ambient.deadline()) : deadline;
            while (true) {
                if (Thread.interrupted()) {
                    abandon(node);
                    throw new InterruptedException();
                }
                if (finished()) {
                    return true;
                }
                if (scoped && ambient.isCancelled()) {
                    abandon(node);
                    ambient.checkWaiting("join", this, since); // throws (Deadline)CancelledEx.
                }
                if (deadline.isExpired()) {
                    abandon(node);
                    return finished();
                }
                Rt.yieldPoint(Op.PARK, this);
                Object blocker = Rt.simulating() ? new JoinWait(this) : this;
                if (bound.isNever()) {
                    Rt.park(blocker);
                } else {
                    Rt.parkUntil(blocker, bound.nanoTime());
                }
            }
        } finally {
            if (wake != null) {
                wake.deregister();
            }
        }
    }

    /**
     * Under the testkit, what a joiner parks on: the wait on this task, which the thread running it
     * can end, so that the deadlock report draws the edge from the joiner to the runner (a cycle
     * through a pool task is reported as one cycle). Its text names the task's state.
     */
    private record JoinWait(TaskHandle<?> task) implements SimWait.Delegate {
        @Override
        public Object waitsOn() {
            return RUNNER.getOpaque(task); // null while queued: no one holds it yet
        }

        @Override
        public String toString() {
            return "join of " + task;
        }
    }

    /** Clears {@code node} and unlinks every cleared node still on the stack. */
    private void abandon(Waiter node) {
        node.thread = null;
        retry:
        while (true) {
            Waiter pred = null;
            Object h = WAITERS.getAcquire(this);
            for (Waiter q = h instanceof Waiter w ? w : null; q != null; q = q.next) {
                if (q.thread != null) {
                    pred = q;
                } else if (pred != null) {
                    pred.next = q.next;
                    if (pred.thread == null) {
                        continue retry;
                    }
                } else if (!WAITERS.compareAndSet(this, q, q.next)) {
                    continue retry;
                }
            }
            return;
        }
    }

    /**
     * Under the testkit, the joiner of a finished task acquires what the task's completion released
     * into this handle (ADR 0130: the completion is announced on the handle), so what the task
     * wrote with plain accesses happens before the joiner's reads, as the real completion's
     * volatile write and the joiner's acquire read order them. Acquire only (ADR 0134): a joiner
     * that only read the outcome publishes nothing to later joiners, as in production; one that
     * pushed a waiter released into its node, which the completion passes on to this handle when
     * its swap reads the stack. Outside a simulation: nothing.
     */
    void joined() {
        Rt.acquireFrom(this);
    }

    @SuppressWarnings("unchecked") // the outcome is a T unless it is NIL or a Failure
    private T result() {
        joined();
        int s = settledStatus();
        if (s != RUNNING && s != NEW) { // NEW and finished: a PoolTask run in place (ADR 0078)
            throw CANCELLED_SOURCE.token().toException();
        }
        Object outcome = WAITERS.getAcquire(this);
        if (outcome instanceof Failure f) {
            PoolScope scope = scope();
            if (scope != null) {
                scope.observed(this);
            }
            throw new PanicException(f.workerName(), f.cause());
        }
        return outcome == NIL ? null : (T) outcome;
    }

    @SuppressWarnings("unchecked") // the outcome is a T unless it is NIL or a Failure
    private T futureResult() throws ExecutionException {
        joined();
        int s = settledStatus();
        if (s != RUNNING && s != NEW) { // NEW and finished: a PoolTask run in place (ADR 0078)
            throw new CancellationException(
                    s == CANCELLED && runnerUnset()
                            ? "the task was cancelled before it started"
                            : "the task was cancelled");
        }
        Object outcome = WAITERS.getAcquire(this);
        if (outcome instanceof Failure f) {
            throw new ExecutionException(f.cause());
        }
        return outcome == NIL ? null : (T) outcome;
    }

    /**
     * The status of a finished task: RUNNING (it ran), CANCELLED or INTERRUPTED. A reader that saw
     * the outcome from the runner while a canceller is between its two steps waits for its verdict,
     * so every joiner sees the same outcome.
     */
    private int settledStatus() {
        int s = (int) STATUS.getAcquire(this);
        while (s == CANCELLING || s == INTERRUPTING) {
            Rt.spinWait();
            s = (int) STATUS.getAcquire(this);
        }
        return s;
    }

    private boolean runnerUnset() {
        return RUNNER.getOpaque(this) == null;
    }

    /** The failure, valid once finished; null if none. */
    Throwable failure() {
        return WAITERS.getAcquire(this) instanceof Failure f ? f.cause() : null;
    }
}
