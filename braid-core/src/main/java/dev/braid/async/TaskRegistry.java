package dev.braid.async;

import dev.braid.cancel.CancelScope;
import dev.braid.internal.rt.Op;
import dev.braid.internal.rt.Rt;
import dev.braid.internal.rt.SimWait;
import dev.braid.internal.util.Args;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live tasks of one executor (tokio's OwnedTasks): spawning, the closed flag, cancel-all on
 * close, the live-task dump.
 */
final class TaskRegistry {
    /*
     * Implementation notes
     *
     * Algorithm. A live set with lock-free registration (ADR 0072; it replaces ADR 0061's locked
     * intrusive lists). The set is 16 shards; each shard is a singly linked list threaded through
     * the tasks' own `next` field (no node, no identity hash). A task goes to the shard of its
     * spawning thread (thread id & MASK), so one spawner keeps pushing to one cache line and
     * spawners on different threads mostly to different ones; on an observed executor (the
     * testkit) to shard (id & MASK) instead, which does not depend on the JVM's thread numbering,
     * so a replay walks the set in the same order (ADR 0109).
     * - Lazy linking (ADR 0140; the default). Spawn does not link the task: it adds 1 to the
     *   spawned cell of its shard (a getAndAdd on a line of the spawner's own: cells are 128 B
     *   apart). The thread whose first poll of the task returns pending links it (one CAS, on its
     *   own shard) while it still holds RUNNING; a task that completes on its first run is never
     *   linked. Either way that thread then adds 1 to its started cell (after the link; for a
     *   task its first run finishes, before the outcome's CAS, so whoever sees the outcome sees
     *   the count: a dump right after a join counts nothing, live13).
     *   So a spawner never reads a task its worker just wrote (async11: the prune's reads of
     *   completed tasks were the spawner's extra cost against CF), and prune reads only tasks that
     *   were pending once. Tasks queued and never run, and one in its first poll, are not in the
     *   set; `unstarted()` (sum of started cells, then of spawned cells) counts them.
     * - Count lanes (ADR 0141; on by default, -Dbraid.async.countLanes=false for off): a
     *   ThreadedExecutor worker counts its spawns and first runs in a spawned and a started cell
     *   of its own (one line per worker, after the shards' cells) with a plain read and a release
     *   store; outside threads keep the atomic shared cells; unstarted() sums both. The ADR has
     *   the ordering argument (why no worker parks for ever on a stale lane: republishLane on
     *   exit); jcstress LaneExitRacingPark runs that exit/park pair with these methods.
     * - Eager linking (a scheduler whose queues can lose an entry silently: PoolExecutor, see
     *   TaskScheduler.linksAtSpawn): spawn pushes the task on its shard's head with one CAS
     *   (Treiber's stack), as before ADR 0140; nothing is counted.
     * - Completion does nothing here: a task whose outcome is set is dead (ADR 0097: the outcome,
     *   not the state word's COMPLETE bit, which is stored without a fence), and every reader
     *   (close, dump, isEmpty) skips dead tasks. So a task costs one CAS in its life, not a
     *   monitor enter and exit at spawn and again at completion.
     * - Dead tasks are unlinked in batches by a pruner: one thread per shard at a time (a CAS on
     *   the shard's `pruning` flag; a thread that loses simply does not prune). A spawn prunes its
     *   shard once the shard has taken max(PRUNE_MIN, survivors of the last prune) pushes since
     *   the last prune (counted by a plain per-shard counter: racing pushers may lose a count,
     *   which only delays a prune), so pruning costs O(1) amortised per spawn, and a shard holds at most about
     *   twice its live tasks plus PRUNE_MIN dead ones (their outcome is kept that long: a dropped
     *   handle's value is collected at the next prune, not at completion). isEmpty() prunes the
     *   dead prefix of each shard it looks at, so after close() each completion's emptiness check
     *   is O(1) amortised too.
     *
     * Why unlinking is safe without a lock. Pushers write only the head (CAS) and the `next` of
     * their own node before publishing it. The pruner writes interior `next` fields (it is the
     * only writer of those) and moves the head past a dead node by CAS (a racing push makes that
     * CAS fail; the pruner then leaves the new head, live, in place). Every write of a `next`
     * field only bypasses dead tasks, and a task never leaves the dead state, so from any task
     * that was ever linked, a traverser still reaches every live task linked behind it: a reader
     * racing a prune (close's cancel-all, the dump) misses no live task. Tasks are never re-linked
     * (one push per task), so the head CAS has no ABA.
     *
     * What sees the unlinked tasks (lazy). close(): a first run reads closed before it polls and,
     * if set, cancels the task instead (dropped unpolled, as close() would have); the executor
     * keeps running (isEmpty() is false while any task is unstarted), so every queued entry gets
     * its first run. isEmpty(): unstarted() == 0 and no linked task live. The dump: the linked
     * live tasks, plus the never-polled live tasks of the scheduler's queued() (LocalExecutor: its
     * queue; ThreadedExecutor: a racy look through the injector and each worker's places, running
     * first polls included), and a count line for what neither shows: tasks in hand-off between
     * two places for a few instructions while the dump looks (StealingScheduler.queued() says
     * which), none when nothing runs. TaskScope waits for its children's handles, not the set.
     *
     * State. closed (volatile, set once); ids (the highest id drawn: ids are drawn at spawn only
     * on an observed executor, else when first asked for, ADR 0109); per shard: head (CAS),
     * pruning (CAS flag), pushes (plain, racy) and nextPrune (the push count from which a spawn
     * prunes the shard; racy reads are harmless). No critical section
     * and no yield point inside the set: the testkit cannot deadlock on it.
     *
     * Memory ordering. All head accesses, the counter cells and the state word are volatile
     * (sequentially consistent). Eager: a spawn pushes (CAS), then reads closed; close() writes
     * closed, then reads the heads: either the spawn sees closed (and cancels its task) or close()
     * sees the task. Lazy (ADR 0140), three Dekkers with close()'s "write closed, then read the
     * heads": (1) a first run reads closed before polling: if it misses closed, its poll either
     * completes the task or returns pending, and then (2) the poller links (CAS), then reads
     * closed: either it sees closed (and cancels the task, which the pending CAS re-queues) or
     * close() sees it linked; (3) a spawn counts (getAndAdd), then reads closed (and cancels). For
     * isEmpty(): a task's start is counted after its spawn and after its link (or just before its
     * outcome), and started cells are read before spawned ones, so sums equal means every task
     * counted spawned is linked (then the walk sees it), dead, or being finished by the thread
     * that counted it: that thread holds RUNNING and has the task on its stack, so a worker that
     * exits on such an answer leaves nothing undone (the finishing worker cannot exit before it
     * returns, and its completed() checks emptiness again). A completion counts its start if
     * first, publishes its outcome, then reads closed in completed(): the check it makes sees
     * both. A completion publishes the outcome (the completion's CAS), then reads closed; close() writes
     * closed, then isEmpty() reads every task's outcome word (volatile): either the completer sees
     * closed (and checks emptiness) or close()'s check sees the task dead. `next` fields are read with acquire
     * and written with release (or before the publishing CAS).
     *
     * Observed. Under the testkit or with -Dbraid.async.observe=true the executor's tasks time
     * their polls (for TaskHandle.pollTime and the dump); otherwise only while a JFR recording
     * has the long-poll event on (RawTask reads the clock per poll only then).
     *
     * Cost (lazy): a spawn is one getAndAdd on the spawner's own line (was one CAS and, every
     * PRUNE_MIN spawns, a walk of tasks its workers just completed); a first run adds one
     * getAndAdd on the poller's line and one volatile read of closed, and the link CAS if pending.
     * With count lanes (the default on a ThreadedExecutor) a worker's spawn and first run each
     * count with a plain read and a release store instead of the getAndAdd.
     *
     * References. R. K. Treiber, "Systems Programming: Coping with Parallelism" (IBM RJ 5118,
     * 1986) for the push; tokio's OwnedTasks for the sharded intrusive live set.
     */

    /** Read once: time every poll of every executor (TaskHandle.pollTime, the dump). */
    static final boolean OBSERVE_ALL = Boolean.getBoolean("braid.async.observe");

    private static final int SHARDS = 16; // a power of two, >= a few times the cores of a box
    private static final int MASK = SHARDS - 1;

    /** Pushes a shard takes at least between two prunes. */
    static final int PRUNE_MIN = 64;

    private static final VarHandle HEAD;
    private static final VarHandle PRUNING;
    private static final VarHandle NEXT;
    private static final VarHandle COUNTS = MethodHandles.arrayElementVarHandle(long[].class);

    /** Longs between two counter cells: 128 bytes, so no two cells share a line (or a pair). */
    private static final int STRIDE = 16;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HEAD = l.findVarHandle(Shard.class, "head", RawTask.class);
            PRUNING = l.findVarHandle(Shard.class, "pruning", int.class);
            NEXT = l.findVarHandle(RawTask.class, "next", RawTask.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** One shard of the live set: a list threaded through the tasks' own {@code next} links. */
    private static final class Shard {
        @SuppressWarnings("unused") // through HEAD
        volatile RawTask<?> head;

        @SuppressWarnings("unused") // through PRUNING
        volatile int pruning;

        long pushes; // plain and racy: a lost count only delays a prune

        volatile long nextPrune = PRUNE_MIN;
    }

    private final String executorName;
    final TaskScheduler scheduler;
    private final Shard[] shards = new Shard[SHARDS];
    private final AtomicLong ids = new AtomicLong();

    /**
     * Per shard (of the counting thread), a spawned cell and a started cell, STRIDE apart (ADR
     * 0140): a spawner and a worker each add to a line of their own. Then, per lane (ADR 0141), a
     * spawned and a started cell on one line that only the lane's worker writes.
     */
    private final long[] counts;

    /** Count lanes: single-writer cells, one per worker that owns one (ADR 0141); 0 for none. */
    final int lanes;

    private volatile boolean closed;

    /**
     * Whether a task joins the live set only when a poll leaves it pending (ADR 0140); else at
     * spawn (the scheduler's {@link TaskScheduler#linksAtSpawn()}).
     */
    final boolean lazy;

    /** Whether this executor's tasks time their polls (testkit, or the system property). */
    final boolean observed;

    /** The executor, if it is a local one: its tasks' untimed joins check that it is driven. */
    final LocalExecutor local;

    TaskRegistry(String executorName, TaskScheduler scheduler) {
        this(executorName, scheduler, null);
    }

    TaskRegistry(String executorName, TaskScheduler scheduler, LocalExecutor local) {
        this(executorName, scheduler, local, 0);
    }

    /**
     * As above, with {@code lanes} count lanes (ADR 0141): lane i belongs to one thread, which
     * counts its spawns and first runs there with plain stores instead of atomic adds.
     */
    TaskRegistry(String executorName, TaskScheduler scheduler, LocalExecutor local, int lanes) {
        this.executorName = executorName;
        this.lanes = lanes;
        this.counts = new long[(2 * SHARDS + 2 + lanes) * STRIDE];
        this.local = local;
        this.scheduler = scheduler;
        this.observed = OBSERVE_ALL || Rt.simulating();
        this.lazy = !scheduler.linksAtSpawn();
        for (int i = 0; i < SHARDS; i++) {
            shards[i] = new Shard();
        }
    }

    String executorName() {
        return executorName;
    }

    <T> TaskHandle<T> spawn(String name, Async<T> future, CancelScope scope) {
        Args.notNull(future, "future");
        if (closed) {
            throw closedException();
        }
        Rt.yieldPoint(Op.LOAD, this); // the testkit may run close() before the count (probe14)
        // ADR 0109: no id (no atomic) unless observed; a task draws one when first asked for
        long id = observed ? ids.incrementAndGet() : 0;
        RawTask<T> task = new RawTask<>(name, id, future, this, scope);
        long key = observed ? id : Thread.currentThread().threadId();
        TaskHandle<T> handle = new TaskHandle<>(task);
        if (!lazy) {
            push(shards[(int) key & MASK], task);
            scheduler.schedule(task);
        } else {
            // ADR 0140: counted, not linked; the thread whose poll leaves it pending links it.
            // The scheduler counts it (in the caller's lane if it has one, ADR 0141), then queues
            scheduler.scheduleSpawned(task, this);
        }
        if (closed) { // close() raced with us: cancel the task here (its first run would too)
            handle.cancel();
            scheduler.spawnedAfterClose(task); // and run that if every worker has gone
        }
        return handle;
    }

    /**
     * The end of a task's first run, by the thread that ran it, while it still holds RUNNING (ADR
     * 0140): links the task if its poll left it pending ({@code pending}), then counts the run
     * started. A finished task is only counted (just before its outcome is published), never
     * linked. Returns whether the executor is closed (read after both: the caller then cancels a
     * pending task, the Dekker with close()).
     */
    boolean firstRunEnded(RawTask<?> task, boolean pending, int lane) {
        long key = observed ? task.id() : Thread.currentThread().threadId();
        if (pending) {
            Rt.yieldPoint(Op.RMW, this); // the testkit may run close() before the link (ADR 0140)
            push(shards[(int) key & MASK], task);
        }
        if (lane >= 0) {
            bump(laneCell(lane) + 1); // after the link, before the outcome's CAS (ADR 0141)
        } else {
            COUNTS.getAndAdd(counts, startedCell(key), 1L);
        }
        Rt.yieldPoint(Op.LOAD, this); // ... or between the link and this read of closed
        return closed;
    }

    /**
     * Counts {@code task} spawned (lazy linking, ADR 0140), before it is queued: in the calling
     * thread's lane {@code lane} if it is one (ADR 0141), else in its shard's cell.
     */
    void countSpawned(RawTask<?> task, int lane) {
        if (lane >= 0) {
            bump(laneCell(lane));
        } else {
            long key = observed ? task.id() : Thread.currentThread().threadId();
            COUNTS.getAndAdd(counts, spawnedCell(key), 1L);
        }
    }

    /**
     * Adds 1 to a lane cell, by its one writer: a plain read and a release store, no atomic (ADR
     * 0141). Release: what the thread did before (a spawn's task, a first run's link) is visible to
     * a reader whose volatile read sees the count.
     */
    private void bump(int cell) {
        COUNTS.setRelease(counts, cell, (long) COUNTS.get(counts, cell) + 1);
    }

    /**
     * Stores lane {@code lane}'s two counts again, with volatile stores (ADR 0141), by the lane's
     * writer as it exits: its counts then take part in the sequentially consistent order that a
     * parking worker's idle flag write and re-check belong to.
     */
    void republishLane(int lane) {
        int cell = laneCell(lane);
        COUNTS.setVolatile(counts, cell, (long) COUNTS.get(counts, cell));
        COUNTS.setVolatile(counts, cell + 1, (long) COUNTS.get(counts, cell + 1));
    }

    /** Lane {@code lane}'s spawned cell; its started cell is the next long, on the same line. */
    private int laneCell(int lane) {
        if (lane >= lanes) {
            throw new IllegalArgumentException("lane must be < " + lanes + ", was " + lane);
        }
        return (2 * SHARDS + 1 + lane) * STRIDE;
    }

    private static int spawnedCell(long key) {
        return (int) (((key & MASK) * 2 + 1) * STRIDE);
    }

    private static int startedCell(long key) {
        return (int) (((key & MASK) * 2 + 2) * STRIDE);
    }

    /**
     * Tasks spawned whose first run has not ended (queued and never run, or in their first poll):
     * the started cells are read before the spawned ones, and a task's start is counted after its
     * spawn, so a task counted started is counted spawned: 0 means every task spawned before the
     * spawned cells were read had ended its first run (linked, or complete).
     */
    long unstarted() {
        long started = 0;
        for (int i = 0; i < SHARDS; i++) {
            started += (long) COUNTS.getVolatile(counts, startedCell(i));
        }
        for (int i = 0; i < lanes; i++) {
            started += (long) COUNTS.getVolatile(counts, laneCell(i) + 1);
        }
        long spawned = 0;
        for (int i = 0; i < SHARDS; i++) {
            spawned += (long) COUNTS.getVolatile(counts, spawnedCell(i));
        }
        for (int i = 0; i < lanes; i++) {
            spawned += (long) COUNTS.getVolatile(counts, laneCell(i));
        }
        return spawned - started;
    }

    /** A fresh id from the executor's counter (RawTask.id(): ids are drawn when asked for). */
    long drawId() {
        return ids.incrementAndGet();
    }

    /** The highest id drawn so far (tests). */
    long idsDrawn() {
        return ids.get();
    }

    /** Links {@code t} into {@code sh}, counts the push, prunes the shard when it is due. */
    private static void push(Shard sh, RawTask<?> t) {
        link(sh, t);
        long pushes = sh.pushes + 1;
        sh.pushes = pushes;
        if (pushes >= sh.nextPrune) {
            prune(sh, pushes);
        }
    }

    /** Treiber push: the task's link first (published by the CAS), then the head. */
    private static void link(Shard sh, RawTask<?> t) {
        RawTask<?> h;
        do {
            h = (RawTask<?>) HEAD.getVolatile(sh);
            NEXT.set(t, h);
        } while (!HEAD.compareAndSet(sh, h, t));
    }

    /** Whether the task's outcome is set (volatile read: the Dekker with completion, notes). */
    private static boolean dead(RawTask<?> t) {
        return t.isDoneVolatile();
    }

    private static RawTask<?> next(RawTask<?> t) {
        return (RawTask<?>) NEXT.getAcquire(t);
    }

    /**
     * Unlinks the dead tasks of {@code sh} if no other thread is pruning it, and schedules the next
     * prune after max(PRUNE_MIN, survivors) more pushes than {@code pushes}.
     */
    private static void prune(Shard sh, long pushes) {
        if (!PRUNING.compareAndSet(sh, 0, 1)) {
            return;
        }
        try {
            RawTask<?> p = livePrefix(sh);
            long survivors = 0;
            while (p != null) {
                survivors++;
                RawTask<?> n = next(p);
                RawTask<?> c = n;
                while (c != null && dead(c)) {
                    c = next(c);
                }
                if (c != n) {
                    NEXT.setRelease(p, c); // bypasses dead tasks only
                }
                p = c;
            }
            sh.nextPrune = pushes + Math.max(PRUNE_MIN, survivors);
        } finally {
            PRUNING.setVolatile(sh, 0);
        }
    }

    /**
     * Under the shard's pruning flag: moves the head past dead tasks (by CAS; a racing push wins
     * and its live task stays the head) and returns the first live task, or null.
     */
    private static RawTask<?> livePrefix(Shard sh) {
        while (true) {
            RawTask<?> h = (RawTask<?>) HEAD.getVolatile(sh);
            if (h == null || !dead(h)) {
                return h;
            }
            RawTask<?> n = next(h);
            while (n != null && dead(n)) {
                n = next(n);
            }
            if (HEAD.compareAndSet(sh, h, n)) {
                return n;
            }
        }
    }

    IllegalStateException closedException() {
        return new IllegalStateException(
                "executor '" + executorName + "' is closed: spawn tasks before close()");
    }

    /**
     * A task completed (its outcome is set, which already takes it out of the live set; its link
     * goes at the shard's next prune).
     */
    void removed(RawTask<?> task) {
        // nothing to do: see the notes block (completion costs no shared write here)
    }

    /** Whether no task is live; prunes the dead prefix of each shard it looks at, if it can. */
    boolean isEmpty() {
        if (unstarted() != 0) {
            return false;
        }
        for (Shard sh : shards) {
            RawTask<?> first;
            if (PRUNING.compareAndSet(sh, 0, 1)) {
                try {
                    first = livePrefix(sh);
                } finally {
                    PRUNING.setVolatile(sh, 0);
                }
            } else {
                first = (RawTask<?>) HEAD.getVolatile(sh);
                while (first != null && dead(first)) {
                    first = next(first);
                }
            }
            if (first != null) {
                return false;
            }
        }
        return true;
    }

    /** Tasks still linked, live or dead (tests: dead ones must not pile up). */
    int linked() {
        int n = 0;
        for (Shard sh : shards) {
            for (RawTask<?> t = (RawTask<?>) HEAD.getVolatile(sh); t != null; t = next(t)) {
                n++;
            }
        }
        return n;
    }

    int size() {
        return live().size() + (int) Math.max(0, unstarted());
    }

    /** A snapshot of the live tasks, shard by shard. */
    List<RawTask<?>> live() {
        List<RawTask<?>> out = new ArrayList<>();
        for (Shard sh : shards) {
            for (RawTask<?> t = (RawTask<?>) HEAD.getVolatile(sh); t != null; t = next(t)) {
                if (!dead(t)) {
                    out.add(t);
                }
            }
        }
        return out;
    }

    boolean isClosed() {
        if (!closed) {
            return false;
        }
        Rt.acquireFrom(this); // the testkit: close() announced its STORE on this registry
        return true;
    }

    /** Marks closed and cancels every live task; false if it was closed already. */
    boolean close() {
        if (closed) {
            return false;
        }
        Rt.yieldPoint(Op.STORE, this);
        closed = true;
        Rt.yieldPoint(Op.LOAD, this); // the testkit may run a first poll's link here (ADR 0140)
        for (RawTask<?> t : live()) {
            t.cancel(Interop.cancelledToken("executor '" + executorName + "' closed"));
        }
        return true;
    }

    List<String> dump() {
        List<RawTask<?>> ts = live();
        for (RawTask<?> t : ts) {
            t.id(); // draws ids polled tasks first, then the never polled ones below
        }
        long unlisted = unstarted();
        if (unlisted > 0) { // ADR 0140: not linked until a poll leaves them pending, so named
            // from where they wait (a racy look: the count line keeps what it could not see)
            List<RawTask<?>> queued = scheduler.queued();
            if (queued != null) {
                for (RawTask<?> t : queued) {
                    if (t.polls() == 0 && !dead(t)) { // never polled, so not linked: not listed
                        ts.add(t);
                        unlisted--;
                    }
                }
            }
        }
        ts.sort(Comparator.comparingLong(RawTask::id)); // draws the queued tasks' ids
        List<String> lines = new ArrayList<>(ts.size() + 1);
        for (RawTask<?> t : ts) {
            // what its latest pending poll awaits, where a leaf recorded it (probe16: the testkit
            // records channels and AsyncMutex; the dump did not show it)
            Object on = (t.state() & RawTask.COMPLETE) == 0 ? t.awaiting() : null;
            lines.add(on == null ? t.describe() : t.describe() + ", awaits " + on);
        }
        if (unlisted > 0) {
            lines.add(
                    unlisted
                            + " task(s) not listed: spawned, first run not ended (queued, or in"
                            + " their first poll)");
        }
        return lines;
    }

    /**
     * Under the testkit only: what a driver thread parks on when no task is runnable: the first
     * live task (by id) that awaits a known resource, as a wait on that resource; else {@code
     * fallback}.
     */
    Object simBlocker(Object fallback) {
        RawTask<?> best = null;
        for (RawTask<?> t : live()) {
            Object on = t.awaiting();
            if (on != null && (best == null || better(t, on, best))) {
                best = t;
            }
        }
        if (best == null) {
            return fallback;
        }
        return new TaskAwaits(best.name(), best.awaiting());
    }

    /**
     * Whether {@code t}, awaiting {@code on}, names the driver's wait better than {@code best}: a
     * held resource (a channel, a mutex, a body's thread) before a wait nobody holds (a stage, a
     * token, a user's future: ADR 0187), then the lower id.
     */
    private static boolean better(RawTask<?> t, Object on, RawTask<?> best) {
        boolean held = !(on instanceof Interop.NoHolder);
        boolean bestHeld = !(best.awaiting() instanceof Interop.NoHolder);
        return held != bestHeld ? held : t.id() < best.id();
    }

    /** A task's wait on a resource, as the testkit's deadlock report shows it. */
    private record TaskAwaits(String task, Object blocker) implements SimWait.Delegate {
        @Override
        public Object waitsOn() {
            return blocker;
        }

        @Override
        public String toString() {
            return blocker instanceof Interop.AwaitsWake w // a lost wake? (ADR 0187)
                    ? "task '"
                            + task
                            + "', idle (awaiting a wake) from "
                            + Interop.describe(w.future())
                    : "task '" + task + "' awaits " + blocker;
        }
    }
}
