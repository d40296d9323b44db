package dev.braid.async;

import dev.braid.internal.rt.Op;
import dev.braid.internal.rt.Rt;
import dev.braid.internal.sched.RunQueue;
import dev.braid.internal.util.WorkerStarts;
import dev.braid.thread.Threads;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * {@link ThreadedExecutor}'s work-stealing scheduler: per-worker bounded run queues, a shared
 * injector for tasks scheduled from outside, a LIFO slot for the task the running task just woke,
 * and workers that park only after a steal sweep found nothing (ADR 0050).
 */
final class StealingScheduler implements TaskScheduler {
    /*
     * Implementation notes
     *
     * Algorithm. tokio's multi-threaded scheduler, reduced to what braid's tasks need.
     * - Where a schedule goes. From a thread that is not one of this scheduler's workers: the
     *   injector (a lock-free FIFO of array segments, one reference per task, ADR 0080), then notify. From a worker: a task
     *   re-queued by RawTask as its own poll ends (it was woken during that poll: a yield,
     *   requeue()) goes to the back of the worker's local queue, so a yielding task lets every
     *   other runnable task go first. Any other into the worker's LIFO slot: the worker
     *   runs it as soon as the current poll returns (the task just woken is likely to use what the
     *   waker just wrote, and a ping-pong or a chain of spawns never leaves the worker). A task
     *   displaced from the LIFO slot goes to the local queue. A push to the local queue notifies
     *   only when the queue then holds more than one task (tokio's should_notify_others: the
     *   worker itself takes the next one, so only surplus needs another worker). A full local
     *   queue overflows into the injector (and notifies).
     * - What a worker runs next. The LIFO slot, but at most MAX_LIFO_RUNS times in a row (then the
     *   slot is moved to the back of the local queue, so two tasks waking each other cannot starve
     *   the queue; when nothing would run before it there, no injector turn, no kept batch and an
     *   empty local queue, the worker runs it at once instead, in the same order without the
     *   queue's two atomics: a chain of spawns costs no queue round trip every fourth hop); every INJECTOR_INTERVAL ticks the injector first (so a busy local queue cannot
     *   starve tasks woken from outside); then the local queue; then the injector; then a steal
     *   sweep over the other workers' queues (taking half of the first non-empty one) and the
     *   injector once more; then, still counted as searching, SPIN_TRIES more looks with
     *   spin-wait pauses between them (ADR 0072; while it spins, pushes wake nobody, as for any
     *   searcher, and the spinner parks through the same re-check). SPIN_TRIES is 0 by default
     *   (ADR 0126, tokio's choice: a worker that found nothing parks): measured on a vCPU each,
     *   a worker spinning on the injector's lines slowed the thread spawning into it more than
     *   the unparks it saved (spawn_many about 2x faster without the looks); a look now reads
     *   the injector's oldest slot, not its producers' index (ADR 0133), which makes
     *   -Dbraid.async.spinTries=N worth measuring again; under the testkit a
     *   worker still takes one look, one yield point, so schedules are unchanged. Having
     *   published itself idle and re-checked, a worker then watches only its own idle flag for
     *   up to IDLE_SPIN_NANOS before it blocks (ADR 0167): a notify meanwhile is a CAS and an
     *   unpark of a thread not blocked (no futex wake), and no queue line is read. After
     *   IDLE_SPIN_MISSES watches in a row that no notify ended it blocks at once, until a block
     *   ends within twice the watch (ADR 0195): sparse tasks do not pay a watch each. A
     *   worker that takes from the injector with an empty local queue takes a small batch (one
     *   claim of the injector's indices) and moves all but the first into its local queue with
     *   one publishing write (ADR 0087), so outside spawns take turns with the tasks they wake
     *   and cost the worker no atomic each. A sole worker (no thief can exist) keeps the batch in
     *   its own buffer instead and runs it before its local queue: no head CAS per task (ADR
     *   0099). Only when all that found nothing does the worker park.
     * - Notify. Wakes one parked worker, unless some worker is already searching (it will find the
     *   work); a searcher that finds work, was the last one searching and has surplus (it stole
     *   more than one task, or the injector is not empty) notifies once more, so work spreads one
     *   worker at a time instead of waking every sleeper on every push. Notifies are only for
     *   parallelism, never for liveness: a non-empty local queue always has an awake owner, and
     *   an injector push notifies unless a searcher (which re-checks before parking) is out.
     *
     * State. `searching`: workers between "found nothing locally" and "found work or parked",
     * plus workers just woken (a notifier counts the worker it wakes, so a burst of pushes wakes
     * one worker, not one per push). Each worker's `idle` flag: set by the worker before it
     * parks; whoever CASes it true -> false owns the wake-up and adds the worker to `searching`.
     * `sleepers`: workers that counted themselves before setting `idle` and have not yet left
     * the park path; notify reads it first and scans the idle flags only when it is not 0 (ADR
     * 0120): a flag's reference lives in its Worker, on the line the worker writes per task, so
     * a scan per outside spawn cost the spawning thread a cache miss on a line the busy worker
     * takes back right after.
     * The LIFO slot and the tick are touched only by their worker. What it runs is not stored
     * per task (ADR 0153): under G1 each store of a new task into a long-lived object costs a
     * StoreLoad fence (the post-barrier's slow path), so the dump reads the running task from
     * the worker's polling cell, which RawTask writes anyway. `byThread`: the
     * workers by thread (ADR 0098), so schedule() tells a worker of this scheduler from any other
     * thread without a thread-local lookup; its keys are the threads, in an array written only as
     * workers start, so an outside spawn's lookup reads no Worker (whose line its worker writes
     * per task) even when its probe starts at a worker's key (ADR 0132). (Task ids are not the scheduler's business: a task
     * draws one when first asked for, ADR 0109, which replaced ADR 0098's per-worker id blocks.)
     *
     * Memory ordering (lost wake-up). Dekker between a pusher and a parking worker, all through
     * volatile accesses (sequentially consistent): the pusher writes the queue (volatile tail or
     * the injector's CAS), then reads `searching`, `sleepers` and the idle flags; the worker
     * decrements `searching`, increments `sleepers`, sets `idle`, then re-reads every queue.
     * Either the pusher sees the worker searching, or counted and idle (and the searcher re-check
     * or the unpark covers the task), or the worker's re-read sees the task. A pusher that reads
     * `sleepers` 0 read it before the worker's increment, so its push precedes the re-read; the
     * increment must come before the re-read (after it, a push in between would be read by
     * nobody). A task in a LIFO slot needs no notify: its worker is awake and runs it
     * next (a poll never blocks).
     *
     * Testkit. Workers are spawned, parked and unparked through the runtime seam, so under the
     * deterministic scheduler they are simulated threads; pushes and the park decision are yield
     * points. The steal victim order comes from a per-worker xorshift seeded by the worker index,
     * so a replay takes the same path.
     *
     * Dump. Tasks never polled are not in the executor's live set (ADR 0140); queued() names them
     * from where they wait: a racy look through the injector and, per worker, the hand-off held
     * by the task it polls, its LIFO slot, local queue, kept batch and the polled task itself,
     * upstream places first, de-duplicated, for the dump
     * only (it reads worker-only fields plainly and costs the workers nothing).
     *
     * Shutdown. A worker exits when the executor is closed and no task is live; `completed()` of
     * the last task wakes all parked workers to see that. With count lanes (ADR 0141) an exiting
     * worker stores its lane again (volatile) and wakes them too: one may have parked on a stale
     * read of its lane.
     *
     * LIFO hand-off (ADR 0153). While a worker polls a task's first poll, what that poll wakes or
     * spawns is held in the polled task's unused live-set link (a young object) instead of the
     * slot (under G1 a store of a young task into a long-lived object takes the post-barrier's
     * StoreLoad fence); the run returns it and the loop takes it as the slot's. A task held there
     * by its own spawn is claimed for the worker at once with plain stores (ADR 0173: nobody else
     * can see it yet), so its run takes no claim CAS; every queue insertion gives such a claim
     * back first (RawTask.unclaimHandedOff), so no queue ever holds a claimed task.
     *
     * Young cell (ADR 0165). The worker's other places that take a new task per hop, the polling
     * cell's `task` (every poll), the LIFO slot and the injector batch, live in one WorkerCell,
     * which the worker replaces by a fresh one every CELL_RUNS runs, between two runs and only
     * when it holds no task (so nothing moves): the cell never lives long enough to be promoted,
     * so those stores take the barrier's young-card exit. The thread-local is switched first, then
     * the field (release; the dump reads it with acquire).
     *
     * Tradeoffs. The LIFO slot is not stealable: a task in it waits for its worker's current poll
     * (tokio's choice; polls are short by contract). The injector is one shared queue: spawns from
     * outside the executor contend on it.
     *
     * References. Carl Lerche, "Making the Tokio scheduler 10x faster" (tokio blog, 2019) and
     * tokio runtime/scheduler/multi_thread (worker.rs, idle.rs, queue.rs); R. D. Blumofe, C. E.
     * Leiserson, "Scheduling multithreaded computations by work stealing" (JACM 1999).
     */

    /** Local queue slots per worker (tokio's is 256). */
    static final int LOCAL_CAPACITY = 256;

    /** Most LIFO-slot runs in a row before the slot goes to the back of the queue (tokio: 3). */
    static final int MAX_LIFO_RUNS = 3;

    /** Every this many ticks, a worker looks at the injector first (tokio's default: 61). */
    static final int INJECTOR_INTERVAL = 61;

    /** Tasks a worker moves from the injector into its empty local queue at once. */
    static final int INJECTOR_BATCH = 16;

    /**
     * Looks a worker takes for work after a fruitless sweep, before it parks (ADR 0072): none by
     * default (ADR 0126); {@code -Dbraid.async.spinTries=8} restores ADR 0072's spin (A/B lever).
     */
    static final int SPIN_TRIES = Math.max(0, Integer.getInteger("braid.async.spinTries", 0));

    /**
     * Whether each worker counts its spawns and first runs in a lane of its own with plain stores
     * instead of atomic adds (ADR 0141; on by default, read once): {@code
     * -Dbraid.async.countLanes=false} turns the lanes off (every count an atomic add).
     */
    static final boolean COUNT_LANES =
            Boolean.parseBoolean(System.getProperty("braid.async.countLanes", "true"));

    /**
     * How long a worker that found no work and published itself idle watches its idle flag before
     * it blocks (ADR 0167), in nanoseconds; {@code -Dbraid.async.idleSpinMicros=N} (read once; 0:
     * block at once, as before). Not under the testkit (no spin, no clock read: schedules are
     * unchanged).
     */
    static final long IDLE_SPIN_NANOS =
            Math.max(0L, Long.getLong("braid.async.idleSpinMicros", 50L)) * 1_000L;

    /** Spin-wait hints between two of those looks (a few hundred ns each look on x86). */
    static final int SPIN_PAUSES = 64;

    /**
     * Watches in a row that ended with no notify after which a worker blocks at once (ADR 0195):
     * tasks that come further apart than the watch lasts would cost it a whole watch of CPU each.
     * It watches again once a block ends sooner than twice the watch would have lasted.
     */
    static final int IDLE_SPIN_MISSES = 8;

    /**
     * Runs a worker makes on one polling cell before it takes a fresh one, so the cell stays young
     * (ADR 0165); {@code -Dbraid.async.cellRuns=0} keeps the first cell for good (A/B lever).
     */
    static final int CELL_RUNS = Math.max(0, Integer.getInteger("braid.async.cellRuns", 4096));

    private static final VarHandle KEY = MethodHandles.arrayElementVarHandle(Thread[].class);
    private static final VarHandle CELL;

    static {
        try {
            CELL = MethodHandles.lookup().findVarHandle(Worker.class, "cell", WorkerCell.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * A worker's polling cell (what its thread polls now, Interop.Polling) with the worker's two
     * places a hop stores a new task into: the LIFO slot and the injector batch. Worker-only but
     * for the dump's racy look. The worker replaces it every CELL_RUNS runs (ADR 0165).
     */
    static final class WorkerCell extends Interop.Polling {
        RawTask<?> lifo;
        // a batch taken from the injector, the first to run, the others to `local` (or, for a
        // sole worker, kept here and run from batchNext up to batchEnd, ADR 0099)
        final RawTask<?>[] batch = new RawTask<?>[INJECTOR_BATCH + 1];
    }

    private final TaskRegistry tasks;
    private final Worker[] workers;
    // the workers by thread, for "is the caller one of ours" without a thread-local (ADR 0098):
    // open addressing with linear probing from a Fibonacci hash of the thread id, at most half
    // full; each worker enters itself (CAS of its thread into a null key) as its loop starts;
    // never cleared. The keys are an array of their own, written only then (ADR 0132): a probe
    // compares threads there and reads no Worker, whose line its worker writes per task
    private final Thread[] byThreadKey;
    private final Worker[] byThread; // byThread[i] is written by, and read only by, key i's thread
    private final int byThreadShift; // 64 - log2(byThread.length)
    private final InjectorQueue<RawTask<?>>
            injector = // (under the testkit an offer's store is never late: no yield point)
            new InjectorQueue<>(
                            InjectorQueue.SEGMENT, Rt.simulating() ? 1 : InjectorQueue.STORE_WAIT);
    private final AtomicInteger searching = new AtomicInteger();
    // workers parked or about to park (their idle flag set or being set): a notifier reads this
    // one word, written only on the park path, instead of every worker's idle flag, which sits on
    // the line its worker writes per task (ADR 0120)
    private final AtomicInteger sleepers = new AtomicInteger();
    private final AtomicInteger running;
    private final Runnable onTerminated;
    private final int cellLimit; // runs per polling cell (ADR 0165); MAX_VALUE: in effect never

    final class Worker {
        final int index;
        final RunQueue<RawTask<?>> local = new RunQueue<>(LOCAL_CAPACITY);
        final AtomicBoolean idle = new AtomicBoolean();
        volatile Thread thread;
        private int batchNext; // the kept batch in cell.batch (worker-only)
        private int batchEnd;
        // the worker's polling cell, its thread's from the loop's start: its task is what this
        // worker polls now, its lifo and batch the worker's slot and injector batch. Written by
        // the worker (a release store as it takes a fresh one, ADR 0165); the LIFO hand-off reads
        // it on the worker, the dump's racy look with an acquire load
        private WorkerCell cell = new WorkerCell();
        private int cellRuns; // runs since the cell was made (worker-only)
        private int spinMisses; // watches in a row that no notify ended (worker-only, ADR 0195)
        private long cellsMade; // cells replaced so far (worker-only; tests)
        private int lifoRuns;
        private int tick;
        private boolean isSearching; // worker-only mirror of its share of `searching`
        private int seed;

        Worker(int index) {
            this.index = index;
            this.seed = index * 0x9E3779B9 + 1;
        }

        /** Enters this worker in byThread under its own thread (once, as its loop starts). */
        private void enter() {
            Thread me = thread;
            Thread[] keys = byThreadKey;
            int mask = keys.length - 1;
            for (int i = slotOf(me); ; i = (i + 1) & mask) {
                if (KEY.compareAndSet(keys, i, null, me)) { // volatile: others may probe now
                    byThread[i] = this; // plain: only this thread's probe ends at key i
                    return;
                }
            }
        }

        void loop() {
            thread = Thread.currentThread();
            enter();
            Interop.usePollingCell(cell); // kept: no thread-local lookup per poll
            if (tasks.lanes > 0) { // this thread counts in lane `index` (ADR 0141)
                cell.laneOwner = tasks;
                cell.lane = index;
            }
            try {
                RawTask<?> handedOff = null; // what the last run's first poll woke or spawned last
                while (true) {
                    RawTask<?> t = next(handedOff);
                    handedOff = null;
                    if (t == null) {
                        t = search();
                    }
                    if (t == null) {
                        t = spin();
                    }
                    if (t != null) {
                        if (isSearching) {
                            stopSearching();
                        }
                        if (++cellRuns >= cellLimit && cellEmpty()) {
                            renewCell();
                        }
                        // not stored in a field: one G1 fence less per task (ADR 0153)
                        try {
                            handedOff = t.run(cell);
                        } finally {
                            Thread.interrupted(); // a poll's leftover interrupt: not the next
                            // poll's, and it would turn this thread's parks into spins
                        }
                        continue;
                    }
                    if (!parkOrExit()) {
                        return;
                    }
                }
            } finally {
                if (running.decrementAndGet() == 0) {
                    // a spawn counted after the exit check queued its task in the injector:
                    // the last worker runs its cancellation (spawnedAfterClose: the other side)
                    for (RawTask<?> t; (t = injector.poll()) != null; ) {
                        t.runIfQueued();
                    }
                    onTerminated.run();
                }
            }
        }

        /**
         * The next task to run: {@code handedOff} (the LIFO slot's task as a first poll handed it
         * back, ADR 0153) or the slot's, under the same rules; a slot filled after the hand-off (a
         * joiner woken as the task finished) displaces it to the local queue, as a store into the
         * slot would have.
         */
        private RawTask<?> next(RawTask<?> handedOff) {
            tick++;
            WorkerCell c = cell;
            RawTask<?> t = c.lifo;
            if (t != null) {
                c.lifo = null;
                if (handedOff != null) {
                    pushBack(handedOff);
                }
            } else {
                t = handedOff;
            }
            if (t != null) {
                if (lifoRuns < MAX_LIFO_RUNS) {
                    lifoRuns++;
                    return t;
                }
                if (tick % INJECTOR_INTERVAL != 0 && batchNext >= batchEnd && local.isEmpty()) {
                    // nothing would run before it: the round trip through the local queue (a
                    // push's volatile store, a poll's CAS) would hand the same task straight back
                    lifoRuns = 0;
                    return t;
                }
                pushBack(t); // two tasks waking each other must not starve the queue
            }
            lifoRuns = 0;
            if (tick % INJECTOR_INTERVAL == 0) {
                t = injector.poll();
                if (t != null) {
                    return t;
                }
            }
            if (batchNext < batchEnd) { // a sole worker's kept batch: ahead of later local pushes
                RawTask<?>[] batch = c.batch;
                t = batch[batchNext];
                batch[batchNext++] = null; // the buffer keeps no task alive
                return t;
            }
            t = local.poll();
            return t != null ? t : fromInjector();
        }

        /**
         * Takes one task from the injector to run and moves up to INJECTOR_BATCH more into the
         * (empty) local queue, so tasks spawned from outside take turns with the ones they wake and
         * idle workers can steal them from here.
         */
        private RawTask<?> fromInjector() {
            RawTask<?>[] b = cell.batch; // young (ADR 0165): its stores take no G1 fence
            int got = injector.poll(b); // one claim for the whole batch (ADR 0087)
            if (got == 0) {
                return null;
            }
            RawTask<?> t = b[0];
            if (got > 1 && workers.length == 1) {
                // no thief can exist: keep the rest here instead of a local-queue push and a
                // head CAS per task (ADR 0099); next() runs them before the local queue
                b[0] = null;
                batchNext = 1;
                batchEnd = got;
                return t;
            }
            if (got > 1) {
                int pushed = local.pushAll(b, 1, got - 1); // one publishing write for all
                for (int i = 1 + pushed; i < got; i++) {
                    injector.offer(b[i]); // no room here: back to the injector
                }
                if (local.size() > 1) {
                    notifyOne();
                }
            }
            for (int i = 0; i < got; i++) {
                b[i] = null; // the buffer keeps no task alive
            }
            return t;
        }

        /** The steal sweep: other workers' queues from a random start, then the injector. */
        private RawTask<?> search() {
            if (!isSearching) {
                isSearching = true;
                searching.incrementAndGet();
            }
            int n = workers.length;
            int start = nextRandom(n);
            RawTask<?> t = null;
            for (int i = 0; i < n && t == null; i++) {
                Worker victim = workers[(start + i) % n];
                if (victim != this) {
                    t = victim.local.stealHalfInto(local);
                }
            }
            if (t == null) {
                t = fromInjector();
            }
            return t;
        }

        /**
         * After a sweep found nothing: looks again a few times, pausing in between, while still
         * counted as searching (so pushes meanwhile wake nobody else: this worker will take them),
         * before it goes to park. A burst of spawns from outside then meets an awake worker instead
         * of paying a park and an unpark per gap (ADR 0072). Under the testkit a spin is one look,
         * each a yield point, so schedules stay short and every interleaving is explored.
         */
        private RawTask<?> spin() {
            boolean sim = Rt.simulating();
            int tries = sim ? 1 : SPIN_TRIES;
            int pauses = sim ? 0 : SPIN_PAUSES; // under the testkit the yield point is the wait
            for (int i = 0; i < tries; i++) {
                Rt.yieldPoint(Op.SPIN, StealingScheduler.this);
                for (int k = 0; k < pauses; k++) {
                    Rt.spinWait();
                }
                if (tasks.isClosed()) {
                    return null; // shutting down: go and see whether to exit
                }
                if (anyWorkLooked()) {
                    RawTask<?> t = next(null);
                    return t != null ? t : search();
                }
            }
            return null;
        }

        /**
         * Leaves the searching state once a task was found (by the sweep, or by a worker just
         * woken); the last searcher to leave wakes another worker if it has surplus.
         */
        private void stopSearching() {
            isSearching = false;
            if (searching.decrementAndGet() == 0 && (!local.isEmpty() || !injector.isEmpty())) {
                notifyOne(); // the last searcher found more than it runs now: spread it
            }
        }

        /** Parks until notified; false if the worker must exit instead. */
        private boolean parkOrExit() {
            if (isSearching) {
                isSearching = false;
                searching.decrementAndGet();
            }
            if (tasks.isClosed() && tasks.isEmpty()) {
                if (tasks.lanes > 0) {
                    // ADR 0141: a worker that parked may have read this worker's lane before its
                    // last count (a release store) landed. Volatile stores of the lane, then the
                    // idle CASes: either a CAS finds that worker idle and wakes it (it re-checks
                    // after the CAS), or its volatile idle write comes later in the total order
                    // and its re-check's volatile read of the lane sees these stores
                    tasks.republishLane(index);
                    wakeAll();
                }
                return false;
            }
            Rt.yieldPoint(Op.PARK, StealingScheduler.this);
            // volatile, before the idle flag and the re-check (ADR 0120): a notifier that reads
            // no sleeper read it before this, so after its push, and the re-check below sees it
            sleepers.incrementAndGet();
            idle.set(true); // volatile: Dekker with notifyOne()
            if (anyWork() || (tasks.isClosed() && tasks.isEmpty())) {
                if (!idle.compareAndSet(true, false)) {
                    isSearching = true; // a notifier claimed us first and counted us
                }
                sleepers.decrementAndGet();
                return true;
            }
            // ADR 0167: before blocking, watch the idle flag (this worker's own line, which a
            // notifier writes once) for up to IDLE_SPIN_NANOS: a notify meanwhile costs the
            // notifier a CAS and an unpark of a thread that is not blocked (no futex wake) and
            // this worker no wake-up latency. The queues are not read while it watches, so a
            // thread spawning into them is not slowed (ADRs 0125, 0126)
            long blockedAt = 0;
            if (IDLE_SPIN_NANOS > 0 && !Rt.simulating() && idle.get()) {
                if (spinMisses < IDLE_SPIN_MISSES) {
                    spinMisses = idleSpin() ? 0 : spinMisses + 1;
                } else {
                    blockedAt = Rt.nanoTime(); // ADR 0195: would a watch have caught the wake?
                }
            }
            while (idle.get()) {
                Rt.park(StealingScheduler.this);
            }
            if (blockedAt != 0 && Rt.nanoTime() - blockedAt < 2 * IDLE_SPIN_NANOS) {
                spinMisses = 0; // work comes close together again: watch again
            }
            sleepers.decrementAndGet(); // late is harmless: a notifier then scans in vain
            isSearching = true; // whoever cleared `idle` counted us as searching
            return true;
        }

        /**
         * Spin-waits until notified ({@code idle} cleared) or IDLE_SPIN_NANOS have passed; whether
         * a notify ended it.
         */
        private boolean idleSpin() {
            long start = Rt.nanoTime();
            do {
                for (int k = 0; k < SPIN_PAUSES && idle.get(); k++) {
                    Rt.spinWait();
                }
            } while (idle.get() && Rt.nanoTime() - start < IDLE_SPIN_NANOS);
            return !idle.get();
        }

        /**
         * Whether the cell holds no task (no kept batch; the slot is empty after next() anyway,
         * which took or displaced it): it may then be replaced.
         */
        private boolean cellEmpty() {
            return cell.lifo == null && batchNext >= batchEnd;
        }

        /**
         * Replaces the polling cell with a fresh (young) one, between two runs and with the cell
         * holding no task, so nothing moves (ADR 0165). Under G1 a store of a young task into an
         * old object takes a StoreLoad fence (ADR 0153): a cell that lived long enough to be old
         * would cost one per hop, a fresh one none; this costs two (the thread-local's entry, the
         * field) per CELL_RUNS runs. The thread's cell first: the worker's own reads go through the
         * field, and other threads only look (the dump), through the release store.
         */
        private void renewCell() {
            cellRuns = 0;
            WorkerCell old = cell;
            WorkerCell fresh = new WorkerCell();
            fresh.laneOwner = old.laneOwner;
            fresh.lane = old.lane;
            Interop.usePollingCell(fresh);
            CELL.setRelease(this, fresh); // release: the dump sees its lane fields and batch set
            cellsMade++;
        }

        void pushBack(RawTask<?> t) {
            pushBackOn(this, t);
        }

        /**
         * The task of this scheduler that this worker is polling now, or null (the dump: a racy
         * read of the cell RawTask writes around each poll; a first run between its claim and its
         * poll, or after it, is not seen here, ADR 0153).
         */
        RawTask<?> polling() {
            return polling(lookedCell());
        }

        private RawTask<?> polling(WorkerCell c) {
            return c.task instanceof RawTask<?> t && t.ownedBy(tasks) ? t : null;
        }

        /**
         * The cell as another thread looks at it (the dump): acquire, after a renewal's release.
         */
        private WorkerCell lookedCell() {
            return (WorkerCell) CELL.getAcquire(this);
        }

        private int nextRandom(int bound) {
            int x = seed;
            x ^= x << 13;
            x ^= x >>> 17;
            x ^= x << 5;
            seed = x;
            return Math.floorMod(x, bound);
        }
    }

    /**
     * A scheduler whose workers take a fresh polling cell every {@code cellRuns} runs (0: never).
     */
    StealingScheduler(
            String name,
            int threads,
            Function<TaskScheduler, TaskRegistry> registry,
            Runnable done,
            int cellRuns) {
        this.cellLimit = cellRuns > 0 ? cellRuns : Integer.MAX_VALUE;
        this.tasks = registry.apply(this);
        this.onTerminated = done;
        this.workers = new Worker[threads];
        int bits = 32 - Integer.numberOfLeadingZeros(Math.max(1, threads) * 2 - 1); // >= 2n slots
        this.byThreadKey = new Thread[1 << bits];
        this.byThread = new Worker[1 << bits];
        this.byThreadShift = 64 - bits;
        this.running = new AtomicInteger(threads);
        for (int i = 0; i < threads; i++) {
            workers[i] = new Worker(i);
        }
    }

    /**
     * Starts one worker thread per worker, named {@code name-worker-i}, through {@code starter} (a
     * test's may fail the k-th). If one fails to start, the ones started keep running and those
     * never started are taken off the running count, so closing the registry ends the executor as
     * usual: the caller closes it (ADR 0162).
     *
     * @throws IllegalStateException naming how many started and the cause
     */
    void start(String name, BiConsumer<String, Runnable> starter) {
        int i = 0;
        try {
            for (; i < workers.length; i++) {
                starter.accept(name + "-worker-" + i, workers[i]::loop);
            }
        } catch (RuntimeException | OutOfMemoryError e) { // "unable to create native thread"
            if (running.addAndGet(i - workers.length) == 0) {
                onTerminated.run(); // none started: no worker will
            }
            throw WorkerStarts.failed("executor '" + name + "'", i, workers.length, e);
        }
    }

    TaskRegistry tasks() {
        return tasks;
    }

    int threads() {
        return workers.length;
    }

    /** Tasks in the workers' local queues (tests). */
    int locallyQueued() {
        int n = 0;
        for (Worker w : workers) {
            n += w.local.size();
        }
        return n;
    }

    /** Polling cells the workers replaced so far (tests; racy reads of worker-only counts). */
    long cellsMade() {
        long n = 0;
        for (Worker w : workers) {
            n += w.cellsMade;
        }
        return n;
    }

    /** Workers counted as sleepers: parked, or between counting themselves and parking (tests). */
    int sleepers() {
        return sleepers.get();
    }

    /** Workers parked or about to park, waiting for a notify (tests). */
    int idleWorkers() {
        int n = 0;
        for (Worker w : workers) {
            n += w.idle.get() ? 1 : 0;
        }
        return n;
    }

    /** Where {@code t}'s probe of byThread starts (Fibonacci hashing of its id). */
    private int slotOf(Thread t) {
        return (int) ((t.threadId() * 0x9E3779B97F4A7C15L) >>> byThreadShift);
    }

    /**
     * The calling thread's worker, or null if it is not one of this scheduler's: a probe of
     * byThread's keys (a final-field read of the thread id, then one or two keys), no thread-local,
     * and no read of a Worker unless the caller is its thread (ADR 0132). Only a worker's own
     * thread finds it, so a stale null slot can only mean "not ours".
     */
    private Worker current() {
        Thread me = Thread.currentThread();
        Thread[] keys = byThreadKey;
        int mask = keys.length - 1;
        for (int i = slotOf(me); ; i = (i + 1) & mask) {
            Thread k = (Thread) KEY.getAcquire(keys, i);
            if (k == null) {
                return null;
            }
            if (k == me) {
                return byThread[i]; // written by this very thread before it could get here
            }
        }
    }

    /**
     * The never-polled live tasks in this scheduler's places, each once, for the live-task dump
     * (ADR 0140: they are not in the live set until a poll leaves them pending). A racy look that
     * never blocks, throws or writes: the injector from its head segment to its tail segment, then
     * each worker's LIFO slot, local queue, kept batch and the task it is running (in its first
     * poll). Places are read upstream first (a task moves from the injector to a worker, and from a
     * slot or queue to running), so a task that moves during the look is seen twice (and kept once)
     * rather than missed. Tasks polled at least once, or finished, are dropped. What it cannot see:
     * a task in hand-off for a few instructions, between its producer's index claim and its store
     * in the injector, in a thief's queue before the steal publishes it, leaving a LIFO slot for a
     * local queue, or between its first poll's end and its link; and one that moved against the
     * look's order (stolen from a worker not read yet by one read already). The dump counts those
     * in its "not listed" line. Allocation: the result and a set of the same size, at most the
     * injector's tasks up to the tail segment read at the start plus LOCAL_CAPACITY +
     * INJECTOR_BATCH + 3 per worker.
     */
    @Override
    public List<RawTask<?>> queued() {
        Unlisted found = new Unlisted();
        injector.forEachQueued(found);
        for (Worker w : workers) {
            Rt.yieldPoint(Op.LOAD, this); // under the testkit the look races pushes and runs
            WorkerCell c = w.lookedCell(); // one cell for the look: replaced only when it is empty
            RawTask<?> running = w.polling(c);
            if (running != null) {
                found.test(running.handedOffOrLink()); // a first poll's hand-off (ADR 0153)
            }
            found.test(c.lifo); // plain reads of worker-only fields: racy by design
            w.local.forEachQueued(found);
            RawTask<?>[] b = c.batch;
            for (int i = 0; i < b.length; i++) {
                found.test(b[i]);
            }
            found.test(w.polling(w.lookedCell())); // the cell again: the running task moves last
        }
        return found.tasks;
    }

    /** The dump's look (queued()): never-polled live tasks, each once, in the order seen. */
    private static final class Unlisted implements Predicate<RawTask<?>> {
        final List<RawTask<?>> tasks = new ArrayList<>();
        private final Set<RawTask<?>> seen = Collections.newSetFromMap(new IdentityHashMap<>());

        @Override
        public boolean test(RawTask<?> t) {
            if (t != null && t.polls() == 0 && !t.isDoneVolatile() && seen.add(t)) {
                tasks.add(t);
            }
            return true; // the look goes on: its places are bounded (queued())
        }
    }

    /** Whether the calling thread's probe of byThread starts at a worker's key (tests). */
    boolean probeStartsAtAWorker() {
        return KEY.getAcquire(byThreadKey, slotOf(Thread.currentThread())) != null;
    }

    /** The index of the calling thread's worker, or -1 if it is not one of ours (tests). */
    int workerIndex() {
        Worker w = current();
        return w == null ? -1 : w.index;
    }

    /**
     * A spawn that queued {@code task} and then saw the executor closed (probe14): if every worker
     * has exited, none will take the entry; run the cancellation on a new virtual thread (the
     * caller may be inside a poll). Dekker with the last worker's exit: the spawner stored the
     * entry, fences, reads `running`; the last worker decrements `running`, then drains the
     * injector. One of them sees the other; if both do, runIfQueued lets one run it.
     */
    @Override
    public void spawnedAfterClose(RawTask<?> task) {
        VarHandle.fullFence(); // the entry's store (a release) before the read of running
        if (running.get() == 0) {
            // through ThreadBuilder: a drop's ThreadLocalKey destructors run as the thread exits
            Threads.builder().name("orphaned-" + task.name()).virtual().spawn(task::runIfQueued);
        }
    }

    @Override
    public void schedule(RawTask<?> task) {
        Rt.yieldPoint(Op.UNPARK, this);
        scheduleOn(current(), task, false);
    }

    /**
     * Counts the new task in the spawning worker's lane if lanes are on (ADR 0141), then queues.
     */
    @Override
    public void scheduleSpawned(RawTask<?> task, TaskRegistry counts) {
        Worker w = current(); // one lookup for the count and the queue
        counts.countSpawned(task, w != null && counts.lanes > 0 ? w.index : -1);
        Rt.yieldPoint(Op.UNPARK, this);
        scheduleOn(w, task, true);
    }

    /**
     * A task woken during its own poll, re-queued as that poll ends (a yield): behind the others,
     * on the worker that polled it (RawTask calls this from that worker).
     */
    @Override
    public void requeue(RawTask<?> task) {
        Rt.yieldPoint(Op.UNPARK, this);
        Worker w = current();
        if (w == null) {
            scheduleOn(null, task, false);
        } else {
            w.pushBack(task);
        }
    }

    /**
     * Queues {@code task} from worker {@code w}'s thread, or from outside if {@code w} is null;
     * {@code spawned}: a task not yet published (its spawn has not returned).
     */
    private void scheduleOn(Worker w, RawTask<?> task, boolean spawned) {
        if (w == null) {
            injector.offer(task);
            notifyOne();
            return;
        }
        WorkerCell c = w.cell;
        if (c.task instanceof RawTask<?> running && running.takesHandOffs(tasks)) {
            // woken or spawned by a first poll of this worker's: held in that (young) task, not
            // stored into the (long-lived) Worker, whose G1 barrier takes a StoreLoad fence; the
            // run hands it back to the loop, which takes it as from the slot (ADR 0153)
            if (spawned) {
                task.claimHandedOff(); // its run needs no claim CAS (ADR 0173)
            }
            RawTask<?> prev = running.handOff(task);
            if (prev != null) {
                w.pushBack(prev);
            }
            return;
        }
        RawTask<?> prev = c.lifo;
        c.lifo = task; // into the young cell: no G1 fence (ADR 0165)
        if (prev != null) {
            w.pushBack(prev);
        }
    }

    @Override
    public void completed(RawTask<?> task) {
        tasks.removed(task);
        if (tasks.isClosed() && tasks.isEmpty()) {
            wakeAll();
        }
    }

    private void notifyOne() {
        if (searching.get() != 0) {
            return; // a searcher will find it (it re-checks every queue before it parks)
        }
        if (sleepers.get() == 0) {
            return; // every worker is awake and will re-check before it parks (ADR 0120)
        }
        for (Worker w : workers) {
            if (w.idle.get() && w.idle.compareAndSet(true, false)) {
                searching.incrementAndGet(); // on its behalf: the next push need not wake another
                Rt.unpark(w.thread);
                return;
            }
        }
    }

    void wakeAll() {
        for (Worker w : workers) {
            if (w.idle.compareAndSet(true, false)) {
                searching.incrementAndGet();
                Rt.unpark(w.thread);
            }
        }
    }

    /**
     * A spin look (ADR 0133): the injector's oldest slot, not its indices, so a spinning worker
     * reads the line the spawner stores into and not the one its every offer's getAndAdd needs. A
     * hint: an offer between its claim and its store is missed here and caught by the park path's
     * re-check, which reads the indices.
     */
    private boolean anyWorkLooked() {
        if (injector.looksNonEmpty()) {
            return true;
        }
        for (Worker w : workers) {
            if (!w.local.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private boolean anyWork() {
        if (!injector.isEmpty()) {
            return true;
        }
        for (Worker w : workers) {
            if (!w.local.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Appends to worker {@code w}'s queue (overflowing to the injector); notifies only when the
     * queue holds more than the one task {@code w} (awake: it is running a task) takes next.
     */
    private void pushBackOn(Worker w, RawTask<?> t) {
        t.unclaimHandedOff(); // a hand-off queued instead of run next (ADR 0173)
        if (!w.local.push(t)) {
            injector.offer(t);
            notifyOne();
        } else if (w.local.size() > 1) {
            notifyOne();
        }
    }
}
