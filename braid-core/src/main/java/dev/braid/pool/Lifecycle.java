package dev.braid.pool;

import dev.braid.atomic.AtomicI32;
import dev.braid.atomic.Ordering;
import dev.braid.cancel.Deadline;
import dev.braid.internal.rt.Rt;
import dev.braid.thread.JoinHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * How a {@link WorkStealingPool} stops: its run state (RUNNING, SHUTDOWN, STOP), the steps between
 * them, shutdownNow's drain, the check that ends a shutdown once nothing can produce work, what an
 * exiting worker cancels, and termination (every worker thread exited, no task of the pool run by
 * an outside joiner). The pool's public lifecycle methods check their caller and call these.
 */
final class Lifecycle {
    /*
     * Implementation notes
     *
     * Algorithm. `state` goes RUNNING -> SHUTDOWN -> STOP, each step by CAS (shutdownNow and a
     * failed build store STOP). An outside submitter checks `state` and enqueues while holding its
     * injector shard's lock (ADR 0060; it used to count itself in a `submitting` counter, two
     * read-modify-writes per submission): a worker that sees SHUTDOWN, every worker registered as
     * a sleeper, no visible work, and then every shard empty with its lock held knows that nothing
     * can produce work any more (a push that saw RUNNING has landed; a later one sees SHUTDOWN,
     * ordered by the lock; workers' re-checks only peek, see Idle) and moves to STOP, waking all
     * (tryTerminate). In STOP each worker finishes its current task, cancels what is left in its
     * own queues, and exits; an outside submission that raced shutdownNow cancels itself after the
     * fact.
     *
     * shutdownNow. `draining` counts the drains in progress, raised before the STOP store: an
     * exiting worker waits for it to fall to 0 before it cancels its leftovers, so every task
     * queued before the call comes back in the drain's list instead of being cancelled silently
     * (ADR 0119). The drain waits for a worker's `moving` = 0 before it drains that deque: a run
     * claimed before STOP is on its way there (ADR 0118).
     *
     * Liveness. Sleeping follows Idle's no-lost-wake-up protocol; a join helps before it parks;
     * termination needs every worker asleep, so a worker parked in a join delays it until the task
     * it waits for is done.
     *
     * Inline runs. A task that an outside joiner runs on its own thread (ADR 0049) holds a slot
     * of InlineRunners meanwhile: shutdownNow interrupts it and termination waits for it (ADR
     * 0071). `terminated` is sticky: a joiner that registers after the shutdown backs out without
     * running, and its transient slot must not make isTerminated flip back.
     */

    static final int RUNNING = 0;
    static final int SHUTDOWN = 1;
    static final int STOP = 2;

    private final WorkStealingPool pool;

    /** The run state; an outside submitter reads it under its injector shard's lock (ADR 0060). */
    final AtomicI32 state = new AtomicI32(RUNNING);

    private final AtomicI32 draining = new AtomicI32(); // shutdownNow calls draining the queues

    /** The workers' threads, added as they start. */
    final List<JoinHandle<Void>> threads = new ArrayList<>();

    private volatile boolean terminated; // sticky: see isTerminated()

    Lifecycle(WorkStealingPool pool) {
        this.pool = pool;
    }

    // ---- reads ----

    boolean isStopping() {
        return state.load(Ordering.ACQUIRE) == STOP;
    }

    boolean isRunning() {
        return state.load(Ordering.RELAXED) == RUNNING;
    }

    /** As {@link #isStopping} with a SEQ_CST read: pairs with shutdownNow's store (ADR 0118). */
    boolean isStoppingSeqCst() {
        return state.load(Ordering.SEQ_CST) == STOP;
    }

    /** As {@link #isRunning()}, sequentially consistent: read after taking an inline slot. */
    boolean isRunningSeqCst() {
        return state.load(Ordering.SEQ_CST) == RUNNING;
    }

    /** Whether shutdown or shutdownNow was called. */
    boolean isShutdown() {
        return state.load(Ordering.SEQ_CST) != RUNNING;
    }

    /** The state's name for {@link WorkStealingPool#toString()}. */
    String describe() {
        int s = state.load(Ordering.RELAXED);
        return isTerminated()
                ? "TERMINATED"
                : s == RUNNING ? "RUNNING" : s == SHUTDOWN ? "SHUTDOWN" : "STOPPING";
    }

    // ---- steps ----

    /** A build that could not start every worker: the started ones exit (ADR 0162). */
    void stopAfterFailedStart() {
        state.store(STOP, Ordering.SEQ_CST);
    }

    /** RUNNING -> SHUTDOWN; sleepers re-check, and the last one terminates the pool. */
    void shutdown() {
        state.compareExchange(RUNNING, SHUTDOWN, Ordering.SEQ_CST, Ordering.SEQ_CST);
        pool.idle.wakeAll();
    }

    /** Moves to STOP and returns the tasks that never started, cancelled (ADR 0119). */
    List<TaskHandle<?>> shutdownNow() {
        draining.fetchAdd(
                1, Ordering.SEQ_CST); // before STOP: an exiting worker waits for the drain
        try {
            return drain();
        } finally {
            draining.fetchSub(1, Ordering.SEQ_CST);
        }
    }

    private List<TaskHandle<?>> drain() {
        state.store(STOP, Ordering.SEQ_CST);
        List<TaskHandle<?>> dropped = new ArrayList<>();
        for (TaskHandle<?> t; (t = pool.injector.poll()) != null; ) {
            cancelInto(t, dropped);
        }
        for (Worker w : pool.workers) {
            cancelInto(w.lifo.swap(null, Ordering.SEQ_CST), dropped);
            while (w.moving.load(Ordering.SEQ_CST) != 0) {
                Rt.spinWait(); // a run claimed before STOP is on its way to the deque (ADR 0118)
            }
            while (true) {
                Object x = w.deque.stealOrSignal();
                if (x == WorkDeque.EMPTY) {
                    break;
                }
                if (x != WorkDeque.RETRY) {
                    cancelInto((TaskHandle<?>) x, dropped);
                }
            }
            Thread t = w.thread;
            if (t != null && w.isRunningTask()) {
                Rt.interrupt(t);
            }
        }
        pool.inline.interruptAll(); // after the STOP store: a joiner that saw RUNNING is in a slot
        pool.idle.wakeAll();
        return dropped;
    }

    private static void cancelInto(TaskHandle<?> t, List<TaskHandle<?>> into) {
        if (t != null && t.cancelByPool()) {
            into.add(t);
        }
    }

    /** Called by a registered sleeper: moves a quiescent, shut-down pool to STOP. */
    void tryTerminate(int sleepers) {
        if (sleepers < pool.workers.length
                || state.load(Ordering.SEQ_CST) != SHUTDOWN
                || pool.hasVisibleWork()
                || !pool.injector.isEmptyLocked()) { // waits out a push that saw RUNNING
            return;
        }
        if (state.compareExchange(SHUTDOWN, STOP, Ordering.SEQ_CST, Ordering.SEQ_CST) == SHUTDOWN) {
            pool.idle.wakeAll();
        }
    }

    /**
     * On worker exit: cancels what is left in its own queues and in the injector: tasks queued
     * after a shutdownNow's drain. It waits for a drain in progress first, so that every task
     * queued before shutdownNow comes back in its list instead of being cancelled here.
     */
    void cancelLeftovers(Worker w) {
        for (int spins = 0; draining.load(Ordering.SEQ_CST) != 0; spins++) {
            if (spins < 64) {
                Rt.spinWait();
            } else {
                spins = 0;
                Rt.yieldNow(); // the drainer may be preempted
            }
        }
        TaskHandle<?> slot = w.lifo.swap(null, Ordering.SEQ_CST);
        if (slot != null) {
            slot.cancelByPool();
        }
        for (TaskHandle<?> t; (t = w.deque.pop()) != null; ) {
            t.cancelByPool();
        }
        for (TaskHandle<?> t; (t = pool.injector.poll()) != null; ) {
            t.cancelByPool();
        }
    }

    // ---- termination ----

    /**
     * Waits until the pool has terminated or {@code d} expires; returns whether it terminated. The
     * caller has checked that it is not a task of the pool.
     */
    boolean awaitTermination(Deadline d) throws InterruptedException {
        for (JoinHandle<Void> h : threads) {
            if (!h.join(d).isFinished()) {
                return false;
            }
        }
        // a task run inline by its joiner (rare at shutdown): poll, backing off to 1 ms
        for (long pause = 1_000; !isTerminated(); pause = Math.min(1_000_000, pause * 2)) {
            if (d.isExpired()) {
                return false;
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            Rt.parkUntil(pool, Math.min(d.nanoTime(), Rt.nanoTime() + pause));
        }
        return true;
    }

    /** Whether every worker has exited and no task of the pool runs in an outside joiner. */
    boolean isTerminated() {
        if (terminated) {
            Rt.acquireFrom(threads); // the testkit: what the caller that set the flag released
            return true;
        }
        for (JoinHandle<Void> h : threads) {
            if (!h.isFinished()) {
                return false;
            }
        }
        // workers first, then the inline slots: a joiner that saw RUNNING registered before the
        // shutdown, so it is visible here; one that registers later backs out without running,
        // hence the sticky flag (its transient slot must not make the answer flip back)
        if (pool.inline.running() != 0) {
            return false;
        }
        Rt.releaseTo(threads); // the testkit: a later sticky answer is ordered after this one
        terminated = true;
        return true;
    }

    /** How many workers have exited (neither parked nor active). */
    int exitedWorkers() {
        int exited = 0;
        for (JoinHandle<Void> h : threads) {
            exited += h.isFinished() ? 1 : 0;
        }
        return exited;
    }
}
