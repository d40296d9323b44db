package dev.braid.pool;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancelledException;
import dev.braid.cancel.Deadline;
import dev.braid.internal.rt.Rt;
import dev.braid.internal.util.Args;
import dev.braid.internal.util.WorkerStarts;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.PanicException;
import dev.braid.thread.ThreadBuilder;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.function.BiFunction;
import java.util.function.LongBinaryOperator;
import java.util.function.LongSupplier;

/**
 * A work-stealing thread pool: a fixed set of worker threads, each with its own deque of tasks,
 * that take work from each other when they run out.
 *
 * <pre>{@code
 * try (var pool = WorkStealingPool.builder().parallelism(8).namePrefix("render").build()) {
 *     TaskHandle<Image> h = pool.submit(() -> render(scene));   // from anywhere
 *     long n = pool.submit(() -> fib(pool, 30)).join();          // fork/join inside
 * }                                                              // close(): waits for the rest
 *
 * static long fib(WorkStealingPool pool, int n) {
 *     if (n < 2) return n;
 *     Joined<Long, Long> r = pool.join(() -> fib(pool, n - 1), () -> fib(pool, n - 2));
 *     return r.first() + r.second();
 * }
 * }</pre>
 *
 * <p><b>Scheduling.</b> A task submitted from outside goes to an injector queue (one of a few
 * shards, picked by the submitting thread); one submitted by a task goes to the submitting worker's
 * LIFO slot and runs next on that worker unless another steals it once it moved to the deque.
 * {@link #join} runs its first task on the caller, leaves the second stealable, and helps while it
 * waits. An idle worker steals from a randomly chosen victim, and parks when there is nothing to
 * steal; a producer wakes a parked worker only when nobody is already searching (a woken worker
 * counts as searching). An outside thread whose untimed {@link TaskHandle#join()} finds the task
 * still queued runs it itself if every worker is busy in a task, and otherwise leaves it to the
 * workers (ADR 0084; {@link TaskHandle} has the conditions). See {@code docs/pool.md}.
 *
 * <p><b>Blocking.</b> A task that blocks (on a lock, a channel, I/O) holds its worker: the pool
 * does not add compensating threads. Joins on the pool's own handles do not block a worker while
 * there is work to help with. Run blocking work on other threads (virtual threads suit I/O); see
 * {@code docs/adr/0025-pool-blocking-rule.md}.
 *
 * <p><b>Lifecycle.</b> {@link #shutdown()} stops outside submissions and lets queued and spawned
 * work finish; {@link #shutdownNow()} also cancels what has not started and interrupts what runs;
 * {@link #close()} shuts down and waits; after termination no worker thread is left and every
 * worker's thread-local destructors have run (workers are braid threads). A submission from outside
 * after shutdown throws {@link PoolClosedException} (a {@code RejectedExecutionException}); tasks
 * running in the pool may still submit until it stops.
 *
 * <p><b>Memory.</b> Submitting a task happens-before it runs; everything a task does happens-before
 * the return of a join that sees it finished.
 */
public final class WorkStealingPool implements AutoCloseable {
    /*
     * Implementation notes
     *
     * Split by concern: WorkDeque (the Chase-Lev deque), Worker (the steal loop, LIFO slot,
     * helping, injector runs), Injector (outside submissions), Idle (searching/sleeping and
     * wake-ups), Lifecycle (the run state, shutdownNow's drain, termination), WorkerStats
     * (counters), TaskHandle (a task and its join), PoolScope (structured scopes). This class is
     * the pool's face: the builder, where a submission goes, joins, the checks of the public
     * lifecycle calls (a task of the pool may not wait for it), metrics and hooks.
     *
     * Submission. From a worker of this pool a task goes to the worker's LIFO slot (or its deque,
     * when stealable); from elsewhere into the injector, under a shard lock that also reads the
     * run state (see Lifecycle), then a wake-up for a sleeper (Idle).
     */

    final Worker[] workers;
    final Injector injector;

    /**
     * The most tasks a worker claims from the injector at once (ADR 0118): 32 by default, a run
     * claimed with one CAS; {@code -Dbraid.pool.injectorRun=N} (read when a pool is built, clamped
     * to 1..256) changes it, and 1 is one task per claim (the rule before ADR 0118, kept for A/B).
     */
    final int injectorRun;

    /**
     * Whether an idle worker leaves the rest of another worker's injector run to its owner while
     * the owner keeps taking from it (ADR 0182): on by default (ADR 0184); {@code
     * -Dbraid.pool.runDefer=false} (read when a pool is built) turns it off for A/B runs.
     */
    final boolean runDefer;

    final Idle idle;
    final InlineRunners inline; // outside joiners running a task inline (ADR 0071)
    final Lifecycle lifecycle = new Lifecycle(this);
    private final String name;
    private static final PoolHooks NO_HOOKS = new PoolHooks() {};

    private final PoolHooks hooks;

    /** A pool with one worker per available processor and the default name prefix. */
    public WorkStealingPool() {
        this(builder());
    }

    private WorkStealingPool(Builder b) {
        this.name = b.namePrefix;
        this.hooks = b.hooks;
        this.injector = new Injector(b.parallelism);
        this.injectorRun = Math.clamp(Integer.getInteger("braid.pool.injectorRun", 32), 1, 256);
        this.runDefer = Boolean.parseBoolean(System.getProperty("braid.pool.runDefer", "true"));
        this.workers = new Worker[b.parallelism];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(this, i);
        }
        this.idle = new Idle(workers);
        this.inline = new InlineRunners(b.parallelism);
        try {
            for (Worker w : workers) {
                String n = name + "-worker-" + w.index;
                lifecycle.threads.add(
                        w.start(Threads.builder().name(n).daemon(b.daemon), b.starter));
            }
        } catch (RuntimeException | OutOfMemoryError e) { // "unable to create native thread"
            // the started workers exit at STOP (the unstarted never sleep, so a shutdown could
            // not end); close() waits for them: a failed build leaves no thread (ADR 0162)
            lifecycle.stopAfterFailedStart();
            close();
            throw WorkerStarts.failed(
                    "pool '" + name + "'", lifecycle.threads.size(), workers.length, e);
        }
    }

    /**
     * The largest parallelism a pool accepts (as {@link java.util.concurrent.ForkJoinPool}'s): each
     * worker is a platform thread with its own deque, so a larger number is a mistake, not a
     * configuration.
     */
    public static final int MAX_PARALLELISM = 0x7fff;

    /**
     * A builder for a pool.
     *
     * @return a builder with the defaults: parallelism = available processors, name prefix
     *     "braid-pool", daemon workers, no hooks
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Configures and builds a {@link WorkStealingPool}. */
    public static final class Builder {
        private int parallelism = Runtime.getRuntime().availableProcessors();
        private String namePrefix = "braid-pool";
        private boolean daemon = true;
        private PoolHooks hooks = NO_HOOKS;
        private BiFunction<ThreadBuilder, Runnable, JoinHandle<Void>> starter =
                (thread, run) -> thread.spawn(run);

        private Builder() {}

        /** Starts each worker thread through {@code starter} (tests: a start that fails). */
        Builder workerStarter(BiFunction<ThreadBuilder, Runnable, JoinHandle<Void>> starter) {
            this.starter = starter;
            return this;
        }

        /**
         * The number of worker threads.
         *
         * @param parallelism at least 1, at most {@link #MAX_PARALLELISM}
         * @return this builder
         * @throws IllegalArgumentException if {@code parallelism} is less than 1 or more than
         *     {@link #MAX_PARALLELISM}
         */
        public Builder parallelism(int parallelism) {
            if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
                throw new IllegalArgumentException(
                        "parallelism must be between 1 and "
                                + MAX_PARALLELISM
                                + " (WorkStealingPool.MAX_PARALLELISM), was "
                                + parallelism);
            }
            this.parallelism = parallelism;
            return this;
        }

        /**
         * The pool's name, used as the prefix of its worker threads' names.
         *
         * @param namePrefix a non-blank name
         * @return this builder
         * @throws NullPointerException if {@code namePrefix} is null
         * @throws IllegalArgumentException if {@code namePrefix} is blank
         */
        public Builder namePrefix(String namePrefix) {
            this.namePrefix = Args.notBlank(namePrefix, "namePrefix");
            return this;
        }

        /**
         * Whether worker threads are daemons (the default), so that an unclosed pool does not keep
         * the JVM alive.
         *
         * @param daemon whether workers are daemon threads
         * @return this builder
         */
        public Builder daemon(boolean daemon) {
            this.daemon = daemon;
            return this;
        }

        /**
         * Instrumentation callbacks.
         *
         * @param hooks the hooks
         * @return this builder
         * @throws NullPointerException if {@code hooks} is null
         */
        public Builder hooks(PoolHooks hooks) {
            this.hooks = Args.notNull(hooks, "hooks");
            return this;
        }

        /**
         * Builds the pool and starts its workers.
         *
         * @return a running pool
         * @throws IllegalStateException if a worker thread cannot be started (the JVM or the OS
         *     refuses another thread); the workers started before it are stopped and waited for,
         *     and the message names how many started and the cause
         */
        public WorkStealingPool build() {
            return new WorkStealingPool(this);
        }
    }

    // ---- submitting ----

    /**
     * Submits {@code task}.
     *
     * @param task the task
     * @param <T> the task's result type
     * @return the task's handle
     * @throws NullPointerException if {@code task} is null
     * @throws PoolClosedException if called from outside the pool after {@link #shutdown()}
     */
    public <T> TaskHandle<T> submit(Callable<T> task) {
        return scheduled(new SubmittedTask<>(this, Args.notNull(task, "task")), false);
    }

    /**
     * Submits {@code task}; its handle's value is {@code null}.
     *
     * @param task the task
     * @return the task's handle
     * @throws NullPointerException if {@code task} is null
     * @throws PoolClosedException if called from outside the pool after {@link #shutdown()}
     */
    public TaskHandle<Void> submit(Runnable task) {
        return scheduled(new SubmittedTask<>(this, Args.notNull(task, "task")), false);
    }

    /** {@link #submit(Callable)} for the {@code ExecutorService} view: stealable (ADR 0108). */
    <T> TaskHandle<T> submitStealable(Callable<T> task) {
        return scheduled(new SubmittedTask<>(this, Args.notNull(task, "task")), true);
    }

    /** {@link #submit(Runnable)} for the {@code ExecutorService} view: stealable (ADR 0108). */
    TaskHandle<Void> submitStealable(Runnable task) {
        return scheduled(new SubmittedTask<>(this, Args.notNull(task, "task")), true);
    }

    private <T> TaskHandle<T> scheduled(TaskHandle<T> h, boolean stealable) {
        schedule(h, stealable);
        return h;
    }

    /**
     * Submits a {@link PoolTask}, which is its own handle: from outside the pool it is queued for
     * the workers; inside it, it goes where {@link #submit(Callable)} puts a task (use {@link
     * PoolTask#fork()} there to leave it stealable).
     *
     * @param task the task, not yet forked, submitted or invoked
     * @param <T> the task's result type
     * @return {@code task}
     * @throws NullPointerException if {@code task} is null
     * @throws IllegalStateException if {@code task} was already forked, submitted or invoked
     * @throws PoolClosedException if called from outside the pool after {@link #shutdown()} (the
     *     task is then left unforked)
     */
    public <T> PoolTask<T> submit(PoolTask<T> task) {
        Args.notNull(task, "task");
        task.bind(this);
        try {
            schedule(task);
        } catch (PoolClosedException e) {
            task.pool = null; // state unchanged: it may be submitted elsewhere
            throw e;
        }
        return task;
    }

    /**
     * Runs a {@link PoolTask} in this pool and returns its value: inside a task of this pool, as
     * {@link PoolTask#invoke()}; elsewhere, submits it and waits (not interruptibly, as {@link
     * PoolTask#join()}) while the workers run it and what it forks.
     *
     * @param task the task, not yet forked, submitted or invoked
     * @param <T> the task's result type
     * @return the task's value
     * @throws NullPointerException if {@code task} is null
     * @throws IllegalStateException if {@code task} was already forked, submitted or invoked
     * @throws PanicException if the task threw (the exception is the cause)
     * @throws PoolClosedException if called from outside the pool after {@link #shutdown()}
     */
    public <T> T invoke(PoolTask<T> task) {
        Args.notNull(task, "task");
        Worker w = Worker.current();
        if (w != null && w.pool == this) {
            return task.invoke();
        }
        return submit(task).join();
    }

    void schedule(TaskHandle<?> h) {
        schedule(h, false);
    }

    /**
     * Queues {@code h}: from a worker of this pool into its LIFO slot, or with {@code stealable}
     * onto its deque, where another worker can take it while the submitting task blocks (the {@code
     * ExecutorService} view, whose callers wait by means the pool cannot see: ADR 0108); from
     * elsewhere into the injector.
     */
    void schedule(TaskHandle<?> h, boolean stealable) {
        Worker w = Worker.current();
        if (w != null && w.pool == this) {
            if (stealable) {
                w.pushStealable(h);
            } else {
                w.submitLocal(h);
            }
            return;
        }
        if (!injector.pushIfRunning(h, lifecycle.state)) { // read under the shard lock
            throw new PoolClosedException(name);
        }
        idle.notifyOne();
        if (lifecycle.isStoppingSeqCst()) {
            h.cancelByPool(); // raced with shutdownNow: nobody may be left to run it
        }
    }

    /**
     * Runs {@code a} and {@code b}, possibly in parallel, and returns both results: {@code a} runs
     * on the caller while {@code b} waits stealable in the caller's queue; if nobody stole it, the
     * caller runs it next, otherwise it helps with other work until the thief finishes it. Called
     * from outside the pool, the whole join is submitted and the caller waits.
     *
     * <p>Both halves run in the caller's {@link CancelScope}, wherever they run (a thief, or a
     * worker for a join called from outside the pool; ADR 0131): a deadline or token around the
     * join bounds their braid waits. The wait is not interruptible (an interrupt is kept for
     * later), as {@code ForkJoinTask.join}, and returns only when both halves are done. If {@code
     * a} throws, {@code b} is cancelled if it has not started (or awaited if it has) before the
     * failure is thrown.
     *
     * @param a the first task, run on the caller
     * @param b the second task, offered to thieves
     * @param <A> the first result type
     * @param <B> the second result type
     * @return both results
     * @throws PanicException if {@code a} or {@code b} threw (the exception is the cause)
     * @throws CancelledException if a half was stopped by the caller's cancelled scope (a {@link
     *     dev.braid.cancel.DeadlineExceededException} for its deadline): the half's exception
     *     itself
     * @throws NullPointerException if {@code a} or {@code b} is null
     * @throws PoolClosedException if called from outside the pool after {@link #shutdown()}
     */
    public <A, B> Joined<A, B> join(Callable<A> a, Callable<B> b) {
        Args.notNull(a, "a");
        Args.notNull(b, "b");
        Worker w = Worker.current();
        if (w == null || w.pool != this) {
            return joinFromOutside(() -> join(a, b));
        }
        TaskHandle<B> hb = new SubmittedTask<>(this, SubmittedTask.Scoped.inCallersScope(b));
        w.pushStealable(hb);
        A ra;
        try {
            ra = a.call();
        } catch (Throwable t) {
            throw JoinOutcomes.firstFailed(w, hb, t);
        }
        TaskHandle<?> last = w.deque.pop(); // usually hb itself, not stolen: run it here
        if (last == hb && !hasHooks()) {
            return new Joined<>(ra, w.runOwnForkInline(b));
        }
        return new Joined<>(ra, JoinOutcomes.secondResult(w, last, hb));
    }

    /**
     * As {@link #join}, for tasks that compute a {@code long}, with no allocation for the results:
     * runs {@code a} on the caller while {@code b} waits stealable, and returns {@code
     * combine.applyAsLong(a's value, b's value)}, computed on the caller. Recursive
     * divide-and-conquer over primitives (sums, counts) then allocates only the two suppliers and
     * the forked task per level, and nothing when the caller pops its own {@code b} back (ADR
     * 0059).
     *
     * <pre>{@code
     * static long fib(WorkStealingPool pool, int n) {
     *     return n < 2 ? n : pool.joinLong(() -> fib(pool, n - 1), () -> fib(pool, n - 2), Long::sum);
     * }
     * }</pre>
     *
     * @param a the first task, run on the caller
     * @param b the second task, offered to thieves
     * @param combine combines the two values, on the caller; what it throws propagates as it is
     * @return the combined value
     * @throws PanicException if {@code a} or {@code b} threw (the exception is the cause)
     * @throws CancelledException if a half was stopped by the caller's cancelled scope, as for
     *     {@link #join}
     * @throws NullPointerException if {@code a}, {@code b} or {@code combine} is null
     * @throws PoolClosedException if called from outside the pool after {@link #shutdown()}
     */
    public long joinLong(LongSupplier a, LongSupplier b, LongBinaryOperator combine) {
        Args.notNull(a, "a");
        Args.notNull(b, "b");
        Args.notNull(combine, "combine");
        Worker w = Worker.current();
        if (w == null || w.pool != this) {
            return joinFromOutside(() -> joinLong(a, b, combine));
        }
        TaskHandle<Long> hb = new SubmittedTask<>(this, SubmittedTask.Scoped.inCallersScope(b));
        w.pushStealable(hb);
        long ra;
        try {
            ra = a.getAsLong();
        } catch (Throwable t) {
            throw JoinOutcomes.firstFailed(w, hb, t);
        }
        TaskHandle<?> last = w.deque.pop(); // usually hb itself, not stolen: run it here
        long rb =
                last == hb && !hasHooks()
                        ? w.runOwnForkInline(b)
                        : JoinOutcomes.secondResult(w, last, hb); // unboxes what a thief stored
        return combine.applyAsLong(ra, rb);
    }

    /**
     * A join called outside the pool: the whole join is submitted, inside the caller's {@link
     * CancelScope} if one is active (ADR 0131), and the caller waits.
     */
    private <R> R joinFromOutside(Callable<R> whole) {
        CancelScope caller = CancelScope.current();
        TaskHandle<R> outer = submit(caller.isActive() ? () -> caller.enter(whole::call) : whole);
        try {
            return outer.joinQuietly();
        } catch (PanicException p) {
            throw JoinOutcomes.stopOrPanic(p.getCause(), caller, p);
        }
    }

    /**
     * Runs {@code body} with a {@link PoolScope} whose tasks all finish before this returns. The
     * first task failure cancels the others and is thrown; if the body throws, the scope's tasks
     * are cancelled, awaited, and the body's exception propagates. Waiting for the tasks ignores
     * interrupts (the status is kept) and helps when called on a worker of this pool.
     *
     * @param body the code that spawns tasks in the scope
     * @param <X> what the body may throw
     * @throws X if the body throws
     * @throws PanicException for the first task failure not already received through a join
     * @throws NullPointerException if {@code body} is null
     */
    public <X extends Exception> void scope(PoolScope.Body<X> body) throws X {
        Args.notNull(body, "body");
        PoolScope s = new PoolScope(this);
        try {
            body.run(s);
        } catch (Throwable t) {
            s.close(t);
            throw WorkStealingPool.<RuntimeException>sneaky(t);
        }
        PanicException p = s.close(null);
        if (p != null) {
            throw p;
        }
    }

    /**
     * Lets other work run: called in a task, runs one waiting task of the pool (outside submissions
     * first, then the oldest task of the worker's own queue, then a stolen one) before returning;
     * elsewhere, or when nothing waits, offers the processor as {@link Thread#yield()} does. A
     * running task cannot be put back in a queue on a platform thread, so this is how a long task
     * shares its worker (see {@code docs/pool.md}).
     */
    public static void yieldNow() {
        Worker w = Worker.current();
        TaskHandle<?> t = w == null ? null : w.takeForYield();
        if (t != null) {
            w.runTask(t);
        } else {
            Rt.yieldNow();
        }
    }

    /**
     * Whether the calling thread is a worker of a pool (of any {@code WorkStealingPool}): code on
     * it runs inside one of that pool's tasks, and a wait there holds the worker.
     *
     * @return {@code true} on a pool's worker thread
     */
    public static boolean isWorkerThread() {
        return Worker.current() != null;
    }

    /**
     * Help for a wait the pool cannot see: on a worker of a pool, runs one task waiting in that
     * pool (the worker's own newest task first, as a join's help does, then an outside submission,
     * then a stolen one) and returns {@code true}; returns {@code false}, without yielding, when
     * nothing waits or the caller is not a worker. braid's async waits on a worker ({@code
     * TaskHandle.join}, {@code Async.await}, {@code LocalExecutor.blockOn}, a task scope's join)
     * call it between short parks, so a pool task that waits for an async task running on the same
     * pool does not hold the only worker that could run it (ADR 0138).
     *
     * @return whether a task ran
     */
    public static boolean helpOnce() {
        Worker w = Worker.current();
        TaskHandle<?> t = w == null ? null : w.takeForHelp();
        if (t == null) {
            return false;
        }
        w.runTask(t);
        return true;
    }

    // ---- lifecycle ----

    /**
     * Stops accepting submissions from outside; queued tasks, and tasks they spawn, still run. Does
     * not wait: see {@link #awaitTermination} and {@link #close()}.
     */
    public void shutdown() {
        lifecycle.shutdown();
    }

    /**
     * Stops the pool: cancels every task that has not started (their joiners get a {@link
     * CancellationException}), interrupts the threads running tasks (workers, and outside joiners
     * running the task they join, see {@link TaskHandle#join()}), and lets workers exit once their
     * current task ends. Does not wait. A task body that implements {@link CancelAware} is told of
     * its cancellation.
     *
     * @return the tasks that never started, cancelled: each task queued before this call and not
     *     started is in it once (ADR 0119); one queued while the call runs may be cancelled without
     *     being listed
     */
    public List<TaskHandle<?>> shutdownNow() {
        return lifecycle.shutdownNow();
    }

    /**
     * Waits until every worker has exited and no task of the pool runs in an outside joiner (after
     * {@link #shutdown()} or {@link #shutdownNow()}), at most {@code timeout}; a timeout of zero or
     * less does not wait.
     *
     * @param timeout how long to wait
     * @return {@code true} if the pool terminated, {@code false} if the timeout passed first
     * @throws InterruptedException if interrupted while waiting
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalStateException if called with a positive timeout by a task of this pool (it
     *     would wait for itself); call {@link #shutdown()} there and wait from outside
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        Args.notNull(timeout, "timeout");
        if (calledByOwnTask()) {
            if (timeout.isNegative() || timeout.isZero()) {
                return false; // does not wait (ADR 0039), and a task of it still runs
            }
            throw new IllegalStateException(
                    "awaitTermination() called by a task of pool '"
                            + name
                            + "' would wait for itself; call shutdown() inside the pool and wait"
                            + " from outside");
        }
        return lifecycle.awaitTermination(
                Deadline.after(timeout.isNegative() ? Duration.ZERO : timeout));
    }

    /**
     * Whether the calling thread runs a task of this pool: a worker of it (inside a task or a
     * hook), or an outside joiner running its task inline. A wait that only this pool's tasks can
     * end (closing it, or an executor built on it) would wait for itself there; such calls check
     * this first and fail fast (ADR 0065, ADR 0104).
     *
     * @return {@code true} on a thread inside a task of this pool
     */
    public boolean isCallerInTask() {
        return calledByOwnTask();
    }

    /** Whether the caller is a task of this pool (on a worker, or run inline by its joiner). */
    private boolean calledByOwnTask() {
        Worker w = Worker.current();
        return w != null && w.pool == this || Worker.RUN_BY_JOINER.get() == this;
    }

    /**
     * Shuts the pool down and waits for every task and worker to finish. If interrupted while
     * waiting, calls {@link #shutdownNow()}, keeps waiting, and restores the interrupt status (as
     * {@link ExecutorService#close()}).
     *
     * @throws IllegalStateException if called by a task of this pool (it would wait for itself);
     *     call {@link #shutdown()} there and close from outside
     */
    @Override
    public void close() {
        if (calledByOwnTask()) {
            throw new IllegalStateException(
                    "close() called by a task of pool '"
                            + name
                            + "' would wait for itself; call shutdown() inside the pool and close()"
                            + " from outside");
        }
        shutdown();
        boolean interrupted = false;
        boolean stopped = false;
        // awaitTermination at least once, even if isTerminated() already holds: it joins every
        // worker thread, the happens-before edge from their tasks to the caller that the testkit's
        // memory model sees (isTerminated() reads the threads' state without one)
        while (true) {
            try {
                if (awaitTermination(Duration.ofDays(1))) {
                    break;
                }
            } catch (InterruptedException | CancellationException e) {
                interrupted |= e instanceof InterruptedException;
                if (!stopped) {
                    shutdownNow();
                    stopped = true;
                }
                Rt.yieldNow();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Whether {@link #shutdown()} or {@link #shutdownNow()} was called.
     *
     * @return {@code true} once the pool stopped accepting outside submissions
     */
    public boolean isShutdown() {
        return lifecycle.isShutdown();
    }

    /**
     * Whether every worker has exited and no task of the pool still runs in an outside joiner.
     *
     * @return {@code true} once the pool has terminated
     */
    public boolean isTerminated() {
        return lifecycle.isTerminated();
    }

    /**
     * The number of workers.
     *
     * @return the parallelism fixed at construction
     */
    public int parallelism() {
        return workers.length;
    }

    /**
     * A snapshot of the pool's counters and state.
     *
     * @return per-pool and per-worker metrics
     */
    public PoolMetrics metrics() {
        List<WorkerMetrics> ws = new ArrayList<>(workers.length);
        long run = inline.runs(); // tasks run by outside joiners
        long steals = 0;
        for (Worker w : workers) {
            WorkerMetrics m = w.metrics();
            ws.add(m);
            run += m.tasksRun();
            steals += m.steals();
        }
        int exited = lifecycle.exitedWorkers(); // an exited worker is not a sleeper either
        return new PoolMetrics(
                workers.length,
                Math.max(0, workers.length - idle.sleepers() - exited),
                idle.searching(),
                injector.size(),
                run,
                steals,
                ws);
    }

    /**
     * A view of this pool as an {@link ExecutorService}, for existing code and {@code
     * CompletableFuture.supplyAsync(supplier, executor)}; shutting the view down shuts the pool
     * down. A task submitted through it from a worker of this pool is stealable (on the worker's
     * deque, not its LIFO slot), so another worker runs it while the submitting task waits by other
     * means than a join, as a {@code CompletableFuture}'s join (ADR 0108). Its {@code submit}
     * futures follow {@link java.util.concurrent.FutureTask}'s contract, not {@link TaskHandle}'s:
     * {@code cancel(true)} on a running task returns {@code true}, marks it cancelled, interrupts
     * the thread running it, and makes every {@code get()} throw {@link CancellationException} at
     * once, dropping the body's result (ADR 0071).
     *
     * @return the view
     */
    public ExecutorService asExecutorService() {
        return new PoolExecutorService(this);
    }

    /**
     * The pool's name and state, for logs and debugging.
     *
     * @return a one-line description
     */
    @Override
    public String toString() {
        String state = lifecycle.describe();
        PoolMetrics m = metrics();
        int inlineNow = inline.running();
        return "WorkStealingPool["
                + name
                + ", "
                + state
                + ", parallelism="
                + m.parallelism()
                + ", active="
                + m.activeWorkers()
                + (inlineNow == 0 ? "" : ", inline=" + inlineNow)
                + ", searching="
                + m.searchingWorkers()
                + ", injector="
                + m.injectorDepth()
                + ", tasksRun="
                + m.tasksRun()
                + ", steals="
                + m.steals()
                + "]";
    }

    // ---- for workers ----

    String name() {
        return name;
    }

    /**
     * Whether every worker is inside an unfinished task (a racy snapshot): only then does an
     * outside joiner run its queued task itself (ADR 0084); otherwise a worker is free to take it.
     */
    boolean everyWorkerBusy() {
        for (Worker w : workers) {
            if (!w.isBusyWithUnfinishedTask()) {
                return false;
            }
        }
        return true;
    }

    /** Whether any queue a worker could take from holds a task (a peek, not a take). */
    boolean hasVisibleWork() {
        if (!injector.isEmpty()) {
            return true;
        }
        for (Worker w : workers) {
            if (!w.deque.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    boolean hasHooks() {
        return hooks != NO_HOOKS;
    }

    void hookWorkerStart(Worker w) {
        try {
            hooks.onWorkerStart(w.thread, w.index);
        } catch (Throwable t) {
            hookFailed("onWorkerStart", t);
        }
    }

    void hookWorkerStop(Worker w) {
        try {
            hooks.onWorkerStop(w.thread, w.index);
        } catch (Throwable t) {
            hookFailed("onWorkerStop", t);
        }
    }

    void hookBefore(Thread runner, TaskHandle<?> task) {
        // the runner is known before the hook runs, so that a hook that joins the task it is told
        // about fails fast as a self-join instead of waiting for a task only this thread can run
        task.runBy(runner);
        try {
            hooks.beforeTask(runner, task);
        } catch (Throwable t) {
            hookFailed("beforeTask", t);
        }
    }

    void hookAfter(Thread runner, TaskHandle<?> task) {
        Throwable failure = task.failure();
        if (failure != null) {
            try {
                hooks.onPanic(runner, failure);
            } catch (Throwable t) {
                hookFailed("onPanic", t);
            }
        }
        try {
            hooks.afterTask(runner, task, failure);
        } catch (Throwable t) {
            hookFailed("afterTask", t);
        }
    }

    void hookFailed(String hook, Throwable t) {
        System.err.print("braid: pool '" + name + "' hook " + hook + " threw: ");
        t.printStackTrace(System.err);
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E sneaky(Throwable t) throws E {
        throw (E) t;
    }
}
