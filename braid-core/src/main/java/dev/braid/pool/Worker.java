package dev.braid.pool;

import dev.braid.atomic.AtomicI32;
import dev.braid.atomic.AtomicI64;
import dev.braid.atomic.AtomicRef;
import dev.braid.atomic.Ordering;
import dev.braid.cancel.CancelScope;
import dev.braid.cancel.Deadline;
import dev.braid.internal.rt.Rt;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.PanicException;
import dev.braid.thread.ThreadBuilder;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;

/**
 * One worker of a {@link WorkStealingPool}: its deque, its LIFO slot, its counters, and the loop
 * that finds and runs tasks.
 */
final class Worker {
    /*
     * Implementation notes
     *
     * Algorithm. The seed's steal loop: take the task in the LIFO slot, else pop the own deque,
     * else poll the injector, else search: steal from the other workers, starting at a random
     * victim (Rt.nextLong, so the testkit replays it), round after round while some steal lost a
     * race; then sleep through Idle. Every 61st task the injector is polled first so that outside
     * submissions are not starved by local fork/join work (tokio's global queue interval).
     *
     * LIFO slot. A task submitted on a worker goes to the slot, displacing the previous occupant
     * into the deque (tokio): message-passing patterns then run the newest task next, hot in cache.
     * The slot is not stealable; at most three slot tasks run in a row before the deque is served,
     * and a worker that waits in a join moves its slot to the deque so that others can take it.
     * Fork/join pushes straight to the deque, where the forked half is stealable.
     *
     * Helping. A join on an unfinished task of the same pool pops the own deque (which is where a
     * forked, not yet stolen, task is) and steals, running what it finds, until the task is done;
     * if that finds nothing while the joined task is still unclaimed, it takes outside work from
     * the injector (the task itself, or the oldest submission ahead of it: ADR 0103); when there
     * is nothing left to help with it parks on the task (TaskHandle.park).
     *
     * Injector runs (ADR 0118, on unless braid.pool.injectorRun = 1). Where the deque is empty,
     * a worker may claim a run of a shard's oldest tasks with one CAS: it runs the first and
     * pushes the rest onto its deque, oldest at the top (below `runEnd`), and takes them from the
     * top, in submission order, as thieves do. Before any outside claim it takes a task of an
     * earlier run still waiting on a deque (its own or another's), so no outside task starts before
     * an earlier one: between its look at head and its claim, a run claimed by another worker
     * moves head and fails the claim, and a run claimed before the look is visible (the CAS it read
     * published `moving` = 1, then the pushes, `runEnd` and `moving` = 0). shutdownNow waits for
     * `moving` = 0 before draining the deque; the claimer sets `moving` before it reads STOP
     * (store buffering with SEQ_CST), so no task of a run in transit escapes shutdownNow's list.
     * With braid.pool.runDefer (ADR 0182; on by default since ADR 0184) an idle worker takes from
     * another worker's run only when that run's top did not move between two of its looks, with a
     * yield between them: a run whose owner keeps up stays the owner's (no second taker on its top
     * line), and one whose owner blocks or is preempted is taken as before.
     *
     * State. `lifo`, `parkState`, `moving` and `runEnd` are braid atomics so that the testkit sees
     * them; the deque is the Chase-Lev deque; `current` (the running task) is read by shutdownNow
     * to interrupt.
     */

    static final ThreadLocal<Worker> CURRENT = new ThreadLocal<>();

    /** The pool whose task an outside joiner is running on this thread (ADR 0049), or null. */
    static final ThreadLocal<WorkStealingPool> RUN_BY_JOINER = new ThreadLocal<>();

    private static final VarHandle CURRENT_TASK;

    static {
        try {
            CURRENT_TASK =
                    MethodHandles.lookup().findVarHandle(Worker.class, "current", TaskHandle.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final int INJECTOR_INTERVAL = 61;
    private static final int LIFO_RUN_LIMIT = 3;

    final WorkStealingPool pool;
    final int index;
    final WorkDeque<TaskHandle<?>> deque = new WorkDeque<>(64);
    final AtomicRef<TaskHandle<?>> lifo = new AtomicRef<>();
    final AtomicI32 parkState = new AtomicI32(Idle.AWAKE);

    /**
     * 1 while this worker claims a run from the injector and moves it onto its deque (ADR 0118):
     * shutdownNow waits for 0 before it drains the deque, so no task of the run escapes its list,
     * and another worker about to claim outside work waits for 0 and takes from the run first.
     */
    final AtomicI32 moving = new AtomicI32();

    /** The deque index after the last run's rest: deque entries below it are that run's. */
    final AtomicI64 runEnd = new AtomicI64();

    final WorkerStats stats = new WorkerStats();
    volatile Thread thread;

    /** The running task: written by this worker only (opaque), read by shutdownNow. */
    private TaskHandle<?> current;

    private int tick;
    private int lifoRuns;

    /** Scratch for a run claimed from the injector (ADR 0118); null when runs are off. */
    private final TaskHandle<?>[] run;

    Worker(WorkStealingPool pool, int index) {
        this.pool = pool;
        this.index = index;
        this.run = pool.injectorRun > 1 ? new TaskHandle<?>[pool.injectorRun] : null;
    }

    /** The worker running on the calling thread, or null. */
    static Worker current() {
        return CURRENT.get();
    }

    /**
     * Starts this worker's thread: {@code starter} spawns {@code thread} running {@link #run()} (a
     * test's starter may fail, ADR 0162). The thread is recorded here unless run() did first.
     */
    JoinHandle<Void> start(
            ThreadBuilder thread, BiFunction<ThreadBuilder, Runnable, JoinHandle<Void>> starter) {
        JoinHandle<Void> h = starter.apply(thread, this::run);
        if (this.thread == null) {
            this.thread = h.thread();
        }
        return h;
    }

    /** The worker's main loop. */
    void run() {
        thread = Thread.currentThread();
        CURRENT.set(this);
        pool.hookWorkerStart(this);
        try {
            int woke = Idle.WOKEN;
            while (!pool.lifecycle.isStopping()) {
                TaskHandle<?> t = next(woke);
                if (t != null) {
                    runTask(t);
                    woke = Idle.WOKEN;
                    continue;
                }
                woke = pool.idle.sleep(this);
            }
            if (woke == Idle.WOKEN_SEARCHING) {
                pool.idle.stopSearching(false); // stopping: hand the searcher count back
            }
        } finally {
            pool.lifecycle.cancelLeftovers(this);
            pool.hookWorkerStop(this);
            CURRENT.remove();
        }
    }

    /** Makes {@code task} runnable on this worker: LIFO slot for submissions. */
    void submitLocal(TaskHandle<?> task) {
        TaskHandle<?> displaced = lifo.swap(task, Ordering.RELAXED); // only this worker writes
        if (displaced != null) {
            pushStealable(displaced);
        }
    }

    /** Pushes {@code task} where thieves can take it, and wakes a sleeper if needed. */
    void pushStealable(TaskHandle<?> task) {
        if (deque.pushWasEmpty(task)) {
            // a deque that already held work was announced when it became non-empty: the worker
            // woken then (or a searcher) finds this task too, or this worker runs it itself
            pool.idle.notifyOne();
        }
    }

    /**
     * Finds the next task to run, or null when none is visible. {@code woke} is what the last
     * {@link Idle#sleep} returned: a worker woken as a searcher already counts as one and must end
     * its search with {@link Idle#stopSearching}, wherever it finds work.
     */
    private TaskHandle<?> next(int woke) {
        boolean searching = woke == Idle.WOKEN_SEARCHING;
        TaskHandle<?> t = null;
        if (++tick % INJECTOR_INTERVAL == 0) {
            t = run == null ? pollInjector() : pollOutside(1);
        }
        if (t == null) {
            t = takeLocal();
        }
        if (t == null) {
            t = run == null ? pollInjector() : pollOutside(run.length); // the deque is empty
        }
        if (t != null) {
            if (searching) {
                pool.idle.stopSearching(true);
            }
            return t;
        }
        if (!searching && !pool.idle.tryStartSearching(woke == Idle.SAW_WORK)) {
            return null;
        }
        t = stealRounds();
        if (t == null) {
            t = run == null ? pollInjector() : pollOutside(run.length);
        }
        pool.idle.stopSearching(t != null);
        return t;
    }

    /**
     * One outside submission, and a wake-up for a sleeper when more are queued behind it: the task
     * taken may block, and a queued task must not wait behind it while another worker sleeps (the
     * propagation of Lea's ForkJoinPool; found by {@code PoolQueuedBehindBlockingSimulationTest}).
     * {@link Idle#notifyOne} costs two loads when nobody sleeps or someone searches.
     */
    private TaskHandle<?> pollInjector() {
        TaskHandle<?> t = pool.injector.poll(index);
        if (t != null && !pool.injector.isEmpty()) {
            pool.idle.notifyOne();
        }
        return t;
    }

    /**
     * {@link #pollInjector} with runs on (ADR 0118): the oldest waiting outside work, either a task
     * of another worker's earlier run still on its deque, or a run of up to {@code limit} of a
     * shard's oldest tasks claimed with one CAS. Returns the first; the rest goes onto the deque
     * (which must be empty when {@code limit} > 1), oldest at the top, where this worker takes it
     * in order ({@link #takeLocal}) and thieves take it oldest first. With more outside work left
     * it wakes a sleeper, as {@link #pollInjector} does (ADR 0107).
     */
    private TaskHandle<?> pollOutside(int limit) {
        boolean defer = limit > 1 && pool.runDefer; // the loop's look (ADR 0182); not a join's
        if (pool.injector.isEmpty()) {
            return takeOlderRunTask(defer); // a peek first: an idle worker's look costs no fence
        }
        Injector inj = pool.injector;
        for (int i = 0, n = inj.shardCount(); i < n; i++) {
            Injector.Shard s = inj.shard(index + i);
            for (long h; (h = s.headIfNonEmpty()) >= 0; Rt.spinWait()) {
                // between the look at head and the claim from it: an earlier run first. A run
                // claimed after this look moves head, so this claim fails and looks again
                TaskHandle<?> older = takeOlderRunTask(defer);
                if (older != null) {
                    return older;
                }
                int k = claimRun(s, h, limit);
                if (k < 0) {
                    return null; // stopping
                }
                if (k > 0) {
                    TaskHandle<?> t = run[0];
                    run[0] = null;
                    if (k > 1 || !inj.isEmpty()) {
                        pool.idle.notifyOne(); // the rest may wait behind a task that blocks
                    }
                    return t;
                }
            }
        }
        return null;
    }

    /**
     * Claims up to {@code limit} tasks of shard {@code s} from index {@code h} into {@code run} and
     * pushes all but the first onto the deque: how many, 0 if head moved, -1 if the pool stops.
     */
    private int claimRun(Injector.Shard s, long h, int limit) {
        moving.store(1, Ordering.SEQ_CST); // before the claim; see the field
        try {
            if (pool.lifecycle.isStoppingSeqCst()) {
                return -1; // shutdownNow drains the injector: leave the tasks to its list
            }
            int k = s.takeRunFrom(h, run, limit, pool.workers.length);
            if (k > 1) {
                long b = deque.bottomIndex();
                for (int i = 1; i < k; i++) {
                    deque.push(run[i]);
                    run[i] = null;
                }
                runEnd.store(b + k - 1, Ordering.RELEASE); // with the pushes, before moving = 0
            }
            return k;
        } finally {
            moving.store(0, Ordering.RELEASE); // after the pushes: shutdownNow's drain sees them
        }
    }

    /**
     * A task of an injector run (another worker's, or this one's) that still waits on a deque,
     * oldest first, or null (ADR 0118): outside work claimed earlier starts before any claimed
     * later. A worker in the middle of claiming a run is waited for (a few loads and pushes; it
     * yields the processor after a while, the holder may be preempted). Wakes a sleeper when more
     * of the run is left (ADR 0107). With {@code defer} (a worker's loop looking for work, ADR
     * 0182) another worker's run is taken from only once its top did not move between two looks of
     * this worker, with a yield of the processor between them: while its owner keeps taking from
     * it, the run stays the owner's.
     */
    TaskHandle<?> takeOlderRunTask(boolean defer) {
        for (Worker v : pool.workers) { // this one too: its own run, at tick or yield time
            for (int spins = 0; v.moving.load(Ordering.SEQ_CST) != 0; spins++) {
                if (spins < 64) {
                    Rt.spinWait();
                } else {
                    spins = 0;
                    Rt.yieldNow();
                }
            }
            // runEnd 0: v never claimed a run of two or more (read after moving = 0), so no
            // read of its deque's top
            long seen = -1; // v's top at this worker's last look (ADR 0182)
            for (long end, top;
                    (end = v.runEnd.load(Ordering.ACQUIRE)) != 0
                            && end > (top = v.deque.topIndex()); ) {
                if (defer && v != this && top != seen) {
                    // v took from its run since the last look (or this is the first look): it
                    // keeps up, and a second taker would only fight it for the run's top line.
                    // Give the processor away (an outside submitter may be waiting for it) and
                    // look again; a top that did not move means v is busy in a task (or
                    // preempted), and the run's oldest task is taken below
                    seen = top;
                    Rt.yieldNow();
                    continue;
                }
                Object x = v.deque.stealOrSignal();
                if (x == WorkDeque.EMPTY) {
                    break;
                }
                if (x != WorkDeque.RETRY && x != null) {
                    if (v != this) {
                        stats.steal();
                    }
                    if (!v.deque.isEmpty()) {
                        pool.idle.notifyOne();
                    }
                    return (TaskHandle<?>) x;
                }
            }
        }
        return null;
    }

    /**
     * The LIFO slot (at most a few in a row), then the own deque: the rest of an injector run from
     * its top (oldest first), anything else from its bottom.
     */
    private TaskHandle<?> takeLocal() {
        TaskHandle<?> t = lifo.load(Ordering.RELAXED);
        if (t != null) {
            if (lifoRuns < LIFO_RUN_LIMIT) {
                lifo.store(null, Ordering.RELAXED);
                lifoRuns++;
                return t;
            }
            lifo.store(null, Ordering.RELAXED);
            pushStealable(t); // let the deque (and thieves) have a turn
        }
        lifoRuns = 0;
        // runEnd stays 0 until this worker claims a run of two or more: no read of the deque's
        // top (a line thieves write) per task in fork/join work
        for (long end;
                run != null
                        && (end = runEnd.load(Ordering.RELAXED)) != 0
                        && end > deque.topIndex(); ) {
            Object x = deque.stealOrSignal(); // the run's oldest: FIFO here as for thieves
            if (x == WorkDeque.EMPTY) {
                break;
            }
            if (x != WorkDeque.RETRY && x != null) {
                return (TaskHandle<?>) x;
            }
        }
        return deque.pop();
    }

    /** Steals from other workers, starting at a random victim, until a round finds no race. */
    private TaskHandle<?> stealRounds() {
        Worker[] all = pool.workers;
        int n = all.length;
        if (n <= 1) {
            return null;
        }
        while (true) {
            boolean raced = false;
            int start = (int) ((Rt.nextLong() >>> 1) % n);
            for (int i = 0; i < n; i++) {
                Worker victim = all[(start + i) % n];
                if (victim == this) {
                    continue;
                }
                stats.stealAttempt();
                Object x = victim.deque.stealOrSignal();
                if (x == WorkDeque.RETRY) {
                    raced = true;
                } else if (x != WorkDeque.EMPTY && x != null) {
                    stats.steal();
                    return (TaskHandle<?>) x;
                }
            }
            if (!raced || pool.lifecycle.isStopping()) {
                return null;
            }
        }
    }

    /** Runs {@code t} if it can still be claimed, with hooks and counters. */
    void runTask(TaskHandle<?> t) {
        if (!t.claim()) {
            return; // cancelled, or taken from another copy
        }
        TaskHandle<?> outer = current;
        // A task run inside another's join (helpUntil) starts without the joiner's interrupt
        // status, which is the joiner's to see, and its own leftover status is dropped after it
        // (audit 9): only the joiner's own status, or a stop, is set again afterwards.
        boolean joinerInterrupted = outer != null && Thread.interrupted();
        CURRENT_TASK.setOpaque(this, t); // no fence per task: shutdownNow's read is best effort
        boolean hooked = pool.hasHooks();
        if (hooked) {
            pool.hookBefore(thread, t);
        }
        t.runClaimed(thread.getName());
        stats.taskRun();
        if (hooked) {
            pool.hookAfter(thread, t);
        }
        CURRENT_TASK.setOpaque(this, outer);
        if (outer == null) {
            if (!pool.lifecycle.isStopping()) { // after shutdown() queued tasks still run
                Thread.interrupted(); // an interrupt meant for this task must not hit the next one
            }
        } else {
            Thread.interrupted(); // the joined task's leftover status is its own
            if (joinerInterrupted || pool.lifecycle.isStopping()) {
                Thread.currentThread().interrupt(); // the joiner's own status, or a stop's, stays
            }
        }
    }

    /**
     * Runs the second half of a {@code join} that this worker popped back from its own deque: the
     * pop gave it to this worker alone (no thief, no other queue, no handle outside join holds it),
     * so it runs as a plain call, with no claim CAS, no completion and no join (rayon's join, ADR
     * 0059). Only without hooks: hooks see every task.
     */
    <B> B runOwnForkInline(Callable<B> b) {
        stats.taskRun();
        try {
            return b.call();
        } catch (Throwable t) {
            throw panic(t);
        }
    }

    /** As {@link #runOwnForkInline(Callable)} for {@link WorkStealingPool#joinLong}. */
    long runOwnForkInline(LongSupplier b) {
        stats.taskRun();
        try {
            return b.getAsLong();
        } catch (Throwable t) {
            throw panic(t);
        }
    }

    /** Runs a PoolTask in place (ADR 0078): no claim, no hooks; counted as a task run. */
    void runInPlace(PoolTask<?> t) {
        t.runInPlace(thread);
        stats.taskRun();
    }

    private PanicException panic(Throwable t) {
        return t instanceof PanicException p ? p : new PanicException(thread.getName(), t);
    }

    /**
     * Helps until {@code task} is finished or there is nothing to help with; returns whether the
     * task finished.
     */
    boolean helpUntil(TaskHandle<?> task, Deadline deadline, boolean cancellable)
            throws InterruptedException {
        TaskHandle<?> slot = lifo.load(Ordering.RELAXED);
        if (slot != null) {
            lifo.store(null, Ordering.RELAXED);
            if (slot == task) {
                runTask(slot);
                return task.isFinished();
            }
            pushStealable(slot);
        }
        CancelScope ambient = null; // looked up only if the first round of help did not do
        while (!task.isFinished()) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            if (cancellable) {
                if (ambient == null) {
                    ambient = CancelScope.current();
                } else if (ambient.isActive()) {
                    ambient.check();
                }
            }
            if (deadline.isExpired()) {
                return false;
            }
            TaskHandle<?> t = deque.pop();
            if (t == null) {
                t = stealRounds();
            }
            if (t == null && task.isUnclaimed()) {
                t = fromInjector(task);
            }
            if (t == null) {
                return task.isFinished();
            }
            runTask(t);
        }
        return true;
    }

    /**
     * Outside work for a join that found nothing to pop or steal while the task it joins is still
     * unclaimed, so most likely queued in the injector (ADR 0103): the task itself if it is a
     * shard's oldest entry, else the oldest outside submission, which moves it forward. Parking
     * instead waited for ever when every worker was inside such a join (one worker: always).
     */
    private TaskHandle<?> fromInjector(TaskHandle<?> task) {
        if (pool.injector.removeIfOldest(task)) {
            return task;
        }
        return run == null ? pool.injector.poll(index) : pollOutside(1);
    }

    /**
     * Takes one waiting task for {@link WorkStealingPool#helpOnce()}, for a wait the pool cannot
     * see: the LIFO slot first (a task spawned just before the wait is there), then the newest of
     * the worker's own queue, outside work, then a stolen task.
     */
    TaskHandle<?> takeForHelp() {
        TaskHandle<?> slot = lifo.load(Ordering.RELAXED);
        if (slot != null) {
            lifo.store(null, Ordering.RELAXED);
            return slot;
        }
        TaskHandle<?> t = deque.pop();
        if (t != null) {
            return t;
        }
        t = run == null ? pool.injector.poll(index) : pollOutside(1);
        return t != null ? t : stealRounds();
    }

    /** Takes one waiting task for {@link WorkStealingPool#yieldNow()}: oldest work first. */
    TaskHandle<?> takeForYield() {
        TaskHandle<?> t = run == null ? pool.injector.poll(index) : pollOutside(1);
        if (t != null) {
            return t;
        }
        Object x = deque.stealOrSignal(); // the oldest local task, not the newest
        if (x != WorkDeque.EMPTY && x != WorkDeque.RETRY && x != null) {
            return (TaskHandle<?>) x;
        }
        return stealRounds();
    }

    /**
     * Whether this worker is inside a task that has not finished (a racy snapshot): false between
     * two tasks, including the moment after a task completed and before the worker left it.
     */
    boolean isBusyWithUnfinishedTask() {
        TaskHandle<?> t = (TaskHandle<?>) CURRENT_TASK.getOpaque(this);
        return t != null && !t.isFinished();
    }

    /** Whether this worker is running a task (a racy snapshot). */
    boolean isRunningTask() {
        return CURRENT_TASK.getOpaque(this) != null;
    }

    WorkerMetrics metrics() {
        Thread t = thread;
        return new WorkerMetrics(
                index,
                t == null ? "(starting)" : t.getName(),
                stats.tasksRun(),
                stats.steals(),
                stats.stealAttempts(),
                stats.parks(),
                deque.size() + (lifo.load(Ordering.RELAXED) != null ? 1 : 0));
    }
}
