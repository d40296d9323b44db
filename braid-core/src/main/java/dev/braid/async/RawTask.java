package dev.braid.async;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancellationSource;
import dev.braid.cancel.CancellationToken;
import dev.braid.cancel.CancelledException;
import dev.braid.internal.rt.Op;
import dev.braid.internal.rt.Rt;
import dev.braid.internal.rt.SimWait;
import dev.braid.pool.CancelAware;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CancellationException;

/**
 * A spawned task: its future, its state word, its outcome (it is its own {@link Completion}). It is
 * its own {@link Waker}, its own poll {@link Context} (ADR 0072), and the {@link Runnable} its
 * executor's queues hold ({@link CancelAware}, so a pool that drops the entry tells the executor).
 *
 * @param <T> the value type
 */
final class RawTask<T> extends Completion<T>
        implements Waker, Completion.Expiring, Runnable, CancelAware {
    /*
     * Implementation notes
     *
     * Algorithm. tokio's task state machine (runtime/task/state.rs), on one int. A task is polled
     * only by the thread that moved it to RUNNING; a wake either queues it (idle task) or, if it
     * is RUNNING, only sets NOTIFIED, and the poller re-queues it when its poll returns pending.
     * So a wake during a poll is never lost, and no two threads ever poll one task.
     *
     * State (bit layout of `state`):
     *   RUNNING   (1)  a thread owns the future and is polling it (or dropping it)
     *   NOTIFIED  (2)  the task is in a run queue, or must be put back in one when the current
     *                  poll ends; "scheduled" is NOTIFIED without RUNNING
     *   COMPLETE  (4)  the outcome is decided; the future is gone; final
     *   CANCELLED (8)  cancel() was called; the next run drops the future instead of polling it
     *   refs (bits 4..31, REF_ONE = 16) references held by the machinery: one by the executor's
     *                  live set from spawn to completion, one by each run-queue entry. A queue
     *                  entry's reference passes to the thread that runs it and, when the poll ends
     *                  NOTIFIED, on to the next entry. So refs == 0 exactly when the task is
     *                  complete and no queue holds it: the check the tests make (no lost entry, no
     *                  double entry).
     *
     * Transitions (each one CAS on `state`):
     *   spawn            := NOTIFIED | 2 refs (live set + the first queue entry)
     *   wake             idle -> NOTIFIED, +1 ref, schedule; RUNNING -> |NOTIFIED, no queue entry;
     *                    NOTIFIED or COMPLETE -> unchanged
     *   cancel           first claims `cancelCause` (CAS from null: of racing cancels exactly one
     *                    gets past it, so the cancel that returns true is the one whose cause the
     *                    outcome reports); then not COMPLETE and not CANCELLED -> |CANCELLED, then
     *                    as wake (so a run sees it); COMPLETE or CANCELLED -> unchanged, false
     *   run (start)      NOTIFIED, not RUNNING -> RUNNING, NOTIFIED cleared (the entry's ref is
     *                    now the runner's)
     *   hand-off claim   (ADR 0173) a task spawned by a first poll and held as that poll's
     *                    hand-off is put in the run-start state by plain stores while its spawn
     *                    has not returned (no other thread can see it), its poll count set to
     *                    HANDED_OFF; its run then reads the state (acquire: a cancel meanwhile
     *                    only ORs in CANCELLED | NOTIFIED, as for any RUNNING task) instead of
     *                    the claim's CAS. Every queue insertion first gives such a claim back
     *                    (RUNNING -> NOTIFIED by CAS, count 0): a queue never holds a claimed task
     *   run (pending)    NOTIFIED -> RUNNING cleared, schedule again (ref passes on);
     *                    else RUNNING cleared, -1 ref
     *   run (finish)     -> COMPLETE (| CANCELLED if set), 0 refs: a release store by the
     *                    runner, not a CAS (ADR 0097): while RUNNING the refs are exactly 2 (the
     *                    runner's, the live set's) and racers only OR in NOTIFIED or CANCELLED
     *
     * Memory ordering. All transitions but finish are volatile CASes. What a poll wrote
     * happens-before the next poll: the poller's CAS that leaves RUNNING is read by the next
     * runner's CAS that sets it. A waker's writes before wake() happen-before the poll it causes
     * (its CAS, then the queue's). Finish stores COMPLETE with release, then publishes the outcome
     * by the Completion's own volatile CAS: a thread that sees the outcome sees COMPLETE, and the
     * live set counts a task dead by its outcome (TaskRegistry), so close()'s Dekker goes through
     * that CAS. A task costs two atomics of its own per run: the claim and the outcome; one, the
     * outcome's, for a hand-off run claimed at its spawn (ADR 0173).
     *
     * Cheap spawn (ADR 0061). Nothing per task is built for an observer nobody runs: a task spawned
     * without a name keeps none until name() is asked for (a panic, a cancel, a dump, a handle's
     * name()), then builds "<executor>-task-<id>" once (a racy but idempotent cache: every racer
     * builds the same string). Unless the executor is observed, the id itself is drawn from the
     * executor's counter only then (one CAS of the observation's `id` from 0 settles it among
     * racers), so an unobserved spawn issues no atomic for it (ADR 0109). The poll clock is read
     * only while someone observes: the executor
     * was made under the testkit or with -Dbraid.async.observe=true, or a JFR recording has the
     * long-poll event on. The live-set entry is intrusive and lock-free (`next`, pushed with
     * one CAS by the thread whose first poll leaves the task pending, never for a task that
     * completes on its first run, ADR 0140; completion only sets COMPLETE, ADR 0072): no node, no
     * identity hash. A first run (polls == 0: a task polled once and still running was pending,
     * so linked) reads its executor's closed flag first and, if set, is cancelled unpolled.
     * Until a first poll ends, `next` is free: a worker's scheduler may hold there the task that
     * poll woke or spawned last (its LIFO hand-off, ADR 0153); the poller takes it out before any
     * link and run(cell) returns it to the worker loop.
     * What only observers read (the id, the summed poll time, the testkit's "awaits") lives in an
     * Observation made on first use by whichever thread needs it (one CAS installs it; racers
     * take the winner's), so a task nobody names, dumps or times is 64 B (ADR 0087, ADR 0121: the
     * id moved there from the task). A worker passes its polling cell to run(cell), so a poll
     * does no thread-local lookup.
     *
     * Blocking bodies (ADR 0181). A spawnBlocking body whose thread a poll of this task started is
     * recorded in the task's Observation; an outcome decided while such a body still runs is kept
     * there (`deferred`) and the run ends as a pending one, its waker registered with the body's
     * end; the next run publishes it once every body ended. So no body outlives its task.
     *
     * Outcome of a poll that threw: a panic (Failure), except a CancellationException (the task
     * awaited a cancelled stage or handle, or its scope stopped it), which ends the task
     * Cancelled with the same cause, as a cancel() would (ADR 0073).
     *
     * Liveness. Every transition is lock-free (CAS retry only against other transitions). A task
     * whose future blocks inside poll blocks its executor thread: poll must not block.
     *
     * References. tokio runtime/task/state.rs and harness.rs; Rust's std::task::Waker contract.
     */

    static final int RUNNING = 1;
    static final int NOTIFIED = 2;
    static final int COMPLETE = 4;
    static final int CANCELLED = 8;
    static final int REF_ONE = 16;

    /** The poll count of a task claimed at its hand-off and not run yet (ADR 0173). */
    private static final long HANDED_OFF = -1L;

    private static final VarHandle STATE;
    private static final VarHandle ID; // Observation.id
    private static final VarHandle OBSERVATION;
    private static final VarHandle CAUSE;
    private static final VarHandle POLLS;
    private static final VarHandle POLL_NANOS; // Observation.pollNanos

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(RawTask.class, "state", int.class);
            ID = MethodHandles.lookup().findVarHandle(Observation.class, "id", long.class);
            OBSERVATION =
                    MethodHandles.lookup()
                            .findVarHandle(RawTask.class, "observation", Observation.class);
            CAUSE =
                    MethodHandles.lookup()
                            .findVarHandle(RawTask.class, "cancelCause", CancellationToken.class);
            POLLS = MethodHandles.lookup().findVarHandle(RawTask.class, "polls", long.class);
            POLL_NANOS =
                    MethodHandles.lookup()
                            .findVarHandle(Observation.class, "pollNanos", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private String name; // null until asked for, when spawned without one (see name())

    private final TaskRegistry owner; // the executor's: schedules, names unnamed tasks, observes
    RawTask<?> next; // the owner's live-set link (TaskRegistry, through its NEXT handle)
    private final CancelScope scope; // entered around every poll; null for none

    @SuppressWarnings("unused") // through STATE
    private volatile int state; // NOTIFIED | 2 refs, written plainly by the constructor

    private volatile CancellationToken cancelCause; // set once, through CAUSE, before CANCELLED
    private Async<T> future; // touched only by the RUNNING thread; null once complete

    @SuppressWarnings("unused") // through POLLS (opaque: observers read it while polls run)
    private long polls; // written only by the RUNNING thread

    // what only observers read, made on first use (ADR 0087, 0121); null for a task nobody
    // names, dumps or times and no testkit watches, so the task is 64 B, not 72
    @SuppressWarnings("unused") // through OBSERVATION (installed by one CAS, read with acquire)
    private volatile Observation observation;

    /** A task's observer-only state: off the task itself, which most tasks never need. */
    private static final class Observation {
        @SuppressWarnings("unused") // through ID
        private volatile long id; // 0 until drawn (see id())

        @SuppressWarnings(
                "unused") // through POLL_NANOS (opaque: observers read it while polls run)
        private long pollNanos; // written only by the RUNNING thread; summed only while observed

        /**
         * Under the testkit or when observed: what the latest pending poll awaits (ADRs 0183,
         * 0187).
         */
        volatile Object awaiting;

        /**
         * The spawnBlocking bodies this task's polls started that had not ended when last looked at
         * (ADR 0181); the RUNNING thread's only (runs are ordered by the state word's CASes).
         */
        Interop.Blocking<?>[] bodies;

        /** The outcome decided while a body still ran: published once every body ended. */
        Completion.Outcome<?> deferred;

        /** An observation holding {@code id} (0: none drawn yet). */
        Observation(long id) {
            ID.set(this, id); // plain: published by whatever publishes the observation
        }
    }

    /** A task outside any executor's live set, on {@code scheduler} (unit tests). */
    RawTask(String name, long id, Async<T> future, TaskScheduler scheduler, CancelScope scope) {
        this(name, id, future, new TaskRegistry("test", scheduler), scope);
    }

    RawTask(String name, long id, Async<T> future, TaskRegistry owner, CancelScope scope) {
        this.name = name;
        if (id != 0) { // an observed executor's: drawn at spawn, kept off the task (ADR 0121)
            OBSERVATION.set(this, new Observation(id)); // plain: published with the task
        }
        this.future = future;
        this.owner = owner;
        this.scope = scope;
        // plain, not a volatile store (which costs a full fence per spawn): every path that hands
        // the task to another thread publishes it (the live set's CAS, a run queue's release
        // store, the handle's final field), so no thread sees the default 0 (ADR 0072)
        STATE.set(this, NOTIFIED | 2 * REF_ONE);
    }

    /** The task's name: the one given at spawn, else "<executor>-task-<id>", built on first use. */
    String name() {
        String n = name;
        if (n == null) {
            n = owner.executorName() + "-task-" + id();
            name = n; // racy cache: every thread builds the same string (id() is settled)
        }
        return n;
    }

    /**
     * The task's id, unique in its executor: given at spawn if the executor is observed, else drawn
     * from the executor's counter the first time anyone asks (ADR 0109). Racing first callers
     * agree: one CAS from 0 settles it, and a loser's drawn number is left unused.
     */
    long id() {
        Observation o = observation();
        long i = (long) ID.getAcquire(o);
        if (i != 0) {
            return i;
        }
        long drawn = owner.drawId();
        long witness = (long) ID.compareAndExchange(o, 0L, drawn); // volatile: settles it once
        return witness == 0 ? drawn : witness;
    }

    /** Whether the task has an id yet (tests: an unobserved spawn draws none). */
    boolean hasId() {
        Observation o = observed();
        return o != null && (long) ID.getAcquire(o) != 0;
    }

    /** Whether the task carries its observer-only state (tests: an unobserved spawn makes none). */
    boolean hasObservation() {
        return observed() != null;
    }

    /** Whether {@code registry} is the task's executor's (the dump's look; a close from a body). */
    boolean ownedBy(TaskRegistry registry) {
        return owner == registry;
    }

    /** The local executor that runs the task, if it is one (an untimed join checks it). */
    LocalExecutor local() {
        return owner.local;
    }

    /** The state word (tests and dumps). */
    int state() {
        return (int) STATE.getVolatile(this);
    }

    long polls() {
        return Math.max(0L, (long) POLLS.getOpaque(this)); // HANDED_OFF: not polled yet
    }

    long pollNanos() {
        Observation o = observed();
        return o == null ? 0 : (long) POLL_NANOS.getOpaque(o);
    }

    /**
     * Under the testkit, a thread joining this task parks on a {@link Joining}: the deadlock report
     * then draws its wait to the holders of what the task awaits (a thread joining a task that
     * awaits a channel waits, through it, for that channel's other end).
     */
    @Override
    Object parkBlocker(Object blocker) {
        return blocker == this ? new Joining(this) : blocker;
    }

    /** A thread's join of {@code task}, as the testkit's wait-for graph shows it. */
    private record Joining(RawTask<?> task) implements SimWait.Delegate {
        @Override
        public Object waitsOn() {
            return task.awaiting(); // null while it awaits nothing known: no holder
        }

        @Override
        public String toString() {
            Object on = task.awaiting();
            return "join of task '"
                    + task.name()
                    + "'"
                    + (on == null ? "" : ", which awaits " + on);
        }
    }

    /** Under the testkit: what the latest pending poll awaits, or null. */
    Object awaiting() {
        Observation o = observed();
        return o == null ? null : o.awaiting;
    }

    /** Under the testkit, by the polling thread: records what this poll awaits. */
    void awaiting(Object blocker) {
        observation().awaiting = blocker;
    }

    /** The observer-only state, or null if nobody needed it yet. */
    private Observation observed() {
        return (Observation) OBSERVATION.getAcquire(this); // acquire: sees the installer's fields
    }

    /** The observer-only state, made now if this is its first use (any thread). */
    private Observation observation() {
        Observation o = observed();
        if (o == null) {
            Observation fresh = new Observation(0);
            // volatile CAS: of racing first users one installs it, the others take the winner's
            o = (Observation) OBSERVATION.compareAndExchange(this, null, fresh);
            if (o == null) {
                o = fresh;
            }
        }
        return o;
    }

    /** A finished task's waker does nothing: registrations may drop it (Completion's notes). */
    @Override
    public boolean expired() {
        return isDone();
    }

    @Override
    public void wake() {
        Rt.yieldPoint(Op.RMW, this);
        while (true) {
            int s = (int) STATE.getVolatile(this);
            if ((s & (COMPLETE | NOTIFIED)) != 0) {
                return;
            }
            boolean queue = (s & RUNNING) == 0;
            int next = queue ? (s | NOTIFIED) + REF_ONE : s | NOTIFIED;
            if (STATE.compareAndSet(this, s, next)) {
                if (queue) {
                    owner.scheduler.schedule(this);
                }
                return;
            }
        }
    }

    /**
     * Requests cancellation with the cause {@code why} holds. Returns false if the task already
     * completed or a cancel came first.
     */
    boolean cancel(CancellationToken why) {
        Rt.yieldPoint(Op.RMW, this);
        while (true) {
            int s = (int) STATE.getVolatile(this);
            if ((s & (COMPLETE | CANCELLED)) != 0) {
                return false;
            }
            if (cancelCause != why && !CAUSE.compareAndSet(this, null, why)) {
                return false; // another cancel won: its cause is the one the outcome reports
            }
            boolean queue = (s & (RUNNING | NOTIFIED)) == 0;
            int next = (s | CANCELLED | NOTIFIED) + (queue ? REF_ONE : 0);
            Rt.yieldPoint(Op.RMW, this); // the testkit may run a racing cancel here
            if (STATE.compareAndSet(this, s, next)) {
                if (queue) {
                    owner.scheduler.schedule(this);
                }
                return true;
            }
        }
    }

    /** Runs the task once, for the queue entry that held it. */
    @Override
    public void run() {
        queue(run(Interop.pollingCell()));
    }

    /**
     * As {@link #run()}, on a thread whose polling cell is {@code cell} (a worker keeps it).
     * Returns the task this run's first poll handed off to its worker (ADR 0153), for the caller to
     * run next or queue, or null.
     */
    RawTask<?> run(Interop.Polling cell) {
        if ((long) POLLS.get(this) == HANDED_OFF) { // claimed for this worker as it was spawned
            return runHandedOff(cell);
        }
        int s = claim();
        if (s < 0) {
            throw new IllegalStateException("task '" + name() + "' run in state " + state());
        }
        return runClaimed(s, cell);
    }

    /**
     * Claims this task, spawned by a first poll and just handed off to that poll's worker (ADR
     * 0173), for that worker: RUNNING, the queue entry's reference now the run's, as claim() would
     * leave it, with plain stores: no other thread can see the task yet (its spawn has not
     * returned, and the hand-off field is read only by the dump's racy look). Its poll count reads
     * HANDED_OFF until the run starts or the claim is given back. So the run that follows needs no
     * CAS; a cancel meanwhile sees RUNNING and only sets CANCELLED | NOTIFIED, which the run reads.
     * By the spawning worker only.
     */
    void claimHandedOff() {
        POLLS.set(this, HANDED_OFF);
        STATE.set(this, ((int) STATE.get(this) | RUNNING) & ~NOTIFIED);
    }

    /**
     * Gives back a claim made by {@link #claimHandedOff} (no-op for any other task): back to
     * scheduled, for a worker that queues its hand-off instead of running it next. Whoever queues a
     * hand-off calls this first (the worker's pushes, a finish that queues it before its joiners'
     * wakes, {@link #queue}), so a queue never holds a claimed task; a wake never meets one (no
     * waker of a never-polled task exists). By the thread that holds the hand-off.
     */
    void unclaimHandedOff() {
        if ((long) POLLS.getOpaque(this) != HANDED_OFF) {
            return;
        }
        POLLS.setOpaque(this, 0L); // this thread holds RUNNING: before the CAS that releases it
        Rt.yieldPoint(Op.RMW, this);
        while (true) {
            int s = (int) STATE.getVolatile(this);
            // volatile CAS: a run that claims the entry later reads what this thread wrote
            if (STATE.compareAndSet(this, s, (s & ~RUNNING) | NOTIFIED)) {
                return;
            }
        }
    }

    /**
     * Runs a task claimed at its hand-off (ADR 0173): takes the claim (the state read with acquire
     * sees a cancel that came in since, and its cause), then runs as after claim().
     */
    private RawTask<?> runHandedOff(Interop.Polling cell) {
        // where claim()'s yield point was: the testkit's schedules keep their shape
        Rt.yieldPoint(Op.RMW, this);
        POLLS.set(this, 0L); // plain: this thread holds RUNNING since the hand-off
        int s = (int) STATE.getAcquire(this);
        return runClaimed(s, cell);
    }

    /** Queues a handed-off task through its own scheduler (a caller that does not run it next). */
    private static void queue(RawTask<?> handedOff) {
        if (handedOff != null) {
            handedOff.unclaimHandedOff(); // a queue never holds a claimed task (ADR 0173)
            handedOff.owner.scheduler.schedule(handedOff);
        }
    }

    /**
     * Records a blocking body (spawnBlocking) that this task's poll just started (ADR 0181): the
     * task's outcome is not published while the body's thread still runs, so a joiner, a task
     * scope's close and the executor's close wait for it, as a thread scope waits for its threads.
     * By the polling (RUNNING) thread. Ended bodies are dropped here, so a task that starts many
     * keeps only the running ones.
     */
    void attachBody(Interop.Blocking<?> body) {
        Observation o = observation();
        Interop.Blocking<?>[] b = o.bodies;
        Interop.Blocking<?>[] next = new Interop.Blocking<?>[(b == null ? 0 : b.length) + 1];
        int n = 0;
        if (b != null) {
            for (Interop.Blocking<?> x : b) {
                if (!x.ended()) {
                    next[n++] = x;
                }
            }
        }
        next[n++] = body;
        o.bodies = n == next.length ? next : java.util.Arrays.copyOf(next, n);
    }

    /**
     * Whether a body this task started still runs; if so, registers this task's waker with it (the
     * RUNNING thread only). {@code interrupt}: ask each running body to stop (a cancel came while
     * the task waited for them).
     */
    private boolean awaitsBody(Observation o, boolean interrupt) {
        Interop.Blocking<?>[] b = o == null ? null : o.bodies;
        if (b == null) {
            return false;
        }
        for (Interop.Blocking<?> x : b) {
            if (interrupt) {
                x.drop();
            }
            if (x.registerEnd(this)) {
                return true; // woken when it ends: looked at again then
            }
        }
        o.bodies = null; // every one ended
        return false;
    }

    /**
     * Whether this task, now in its first poll on {@code registry}'s lazily linking executor, can
     * hold a task handed off to its worker (ADR 0153): its live-set link is unused until that poll
     * ends (ADR 0140), so the hand-off is a store into this young task instead of into the
     * long-lived worker, which under G1 costs a StoreLoad fence. By the polling thread only.
     */
    boolean takesHandOffs(TaskRegistry registry) {
        return owner == registry && registry.lazy && (long) POLLS.get(this) == 0;
    }

    /** Holds {@code task} as this poll's hand-off (see takesHandOffs); returns the one it held. */
    RawTask<?> handOff(RawTask<?> task) {
        RawTask<?> prev = next; // plain: the polling thread's own, unlinked task
        next = task;
        return prev;
    }

    /**
     * The task this poll holds as its hand-off, or, for a task in the live set, its link (a task
     * polled before, which the dump drops): the dump's racy look.
     */
    RawTask<?> handedOffOrLink() {
        return next;
    }

    /** After a first poll: takes its hand-off out of the link, before any link (ADR 0153). */
    private RawTask<?> takeHandOff(boolean first) {
        if (!first) {
            return null;
        }
        RawTask<?> h = next;
        if (h != null) {
            next = null; // plain: still unlinked, still RUNNING
        }
        return h;
    }

    /**
     * The pool dropped the queue entry that held this task before it ran ({@code shutdownNow()}, a
     * stopping worker's leftovers): the entry's reference is stranded; the executor finishes the
     * task (ADR 0062, issue 13).
     */
    @Override
    public void cancelledBeforeStart() {
        owner.scheduler.entryCancelled(this);
    }

    /**
     * Runs the task if it is queued (scheduled, not running): for an executor whose queue entry for
     * it can no longer run (its pool stopped). Of racing callers exactly one gets the entry's
     * place; the others, and a call on a task not queued, do nothing.
     *
     * @return whether this call ran the task
     */
    boolean runIfQueued() {
        int s = claim();
        if (s < 0) {
            return false;
        }
        queue(runClaimed(s, Interop.pollingCell()));
        return true;
    }

    /** Whether the task is in a run queue (scheduled and not running); a snapshot. */
    boolean isQueued() {
        int s = state();
        return (s & NOTIFIED) != 0 && (s & (RUNNING | COMPLETE)) == 0;
    }

    /** NOTIFIED, not RUNNING -> RUNNING (the queue entry's ref passes on); the old state or -1. */
    private int claim() {
        Rt.yieldPoint(Op.RMW, this);
        int s;
        do {
            s = (int) STATE.getVolatile(this);
            if ((s & NOTIFIED) == 0 || (s & (RUNNING | COMPLETE)) != 0) {
                return -1;
            }
        } while (!STATE.compareAndSet(this, s, (s | RUNNING) & ~NOTIFIED));
        return s;
    }

    private RawTask<?> runClaimed(int s, Interop.Polling cell) {
        Observation ob = observed();
        if (ob != null && ob.deferred != null) { // its outcome waits for its bodies (ADR 0181)
            return finishDeferred(ob, s, cell);
        }
        // a task whose polls left it pending is linked; one never polled is not (ADR 0140): polls
        // is written only by the RUNNING thread, and the claim's CAS orders the last runner's write
        boolean first = owner.lazy && (long) POLLS.getOpaque(this) == 0;
        if (first) {
            Rt.yieldPoint(Op.LOAD, owner); // the testkit may run close() before or after this read
        }
        if (first && (s & CANCELLED) == 0 && owner.isClosed()) {
            // queued before close() and never run: close() cannot see it, so its first run cancels
            // it instead of polling it, as close() would have
            cancel(Interop.cancelledToken("executor '" + owner.executorName() + "' closed"));
            s |= CANCELLED;
        }
        if ((s & CANCELLED) != 0) {
            return runCancellation(first, cell);
        }
        Object outer = cell.task; // set only when this poll runs inside another one (a pool join)
        cell.task = this;
        // the "awaits" record is per pending poll: clear it (`ob`, read at the run's start: only
        // this thread's polls record there, so one installed since holds none)
        if (ob != null && ob.awaiting != null) {
            ob.awaiting = null;
        }
        TaskLongPollEvent event = null;
        long start = 0;
        if (owner.observed || TaskLongPollEvent.PROBE.isEnabled()) {
            event = new TaskLongPollEvent();
            event.begin();
            start = Rt.nanoTime();
        }
        Poll<T> p;
        try {
            resetBudget();
            p = scope == null ? future.poll(this) : scope.enter(() -> future.poll(this));
        } catch (CancellationException c) {
            account(start, cell, outer, event);
            RawTask<?> h = takeHandOff(first);
            return finish(new Completion.Cancelled<>(cancelledBy(c)), first, cell, h); // ADR 0073
        } catch (Throwable t) {
            account(start, cell, outer, event);
            return finish(new Completion.Failure<>(t), first, cell, takeHandOff(first));
        }
        account(start, cell, outer, event);
        RawTask<?> handedOff = takeHandOff(first); // before the link below reuses the field
        if (p == null) { // would otherwise read as pending: a task nobody ever wakes
            return finish(
                    new Completion.Failure<>(Combinators.nullPoll(future)), first, cell, handedOff);
        }
        if (p instanceof Poll.Ready<T>(T value)) {
            return finish(Completion.success(value), first, cell, handedOff);
        }
        if (Interop.recording()) {
            Interop.pendingChild(this, future); // a future of the user's (ADR 0187)
        }
        if (first && owner.firstRunEnded(this, true, cell.laneIn(owner))) {
            // linked, then read closed; close() wrote closed, then read the set (ADR 0140)
            cancel(Interop.cancelledToken("executor '" + owner.executorName() + "' closed"));
        }
        return endPending(handedOff);
    }

    /** Ends a run that leaves the task pending: RUNNING cleared, re-queued if woken meanwhile. */
    private RawTask<?> endPending(RawTask<?> handedOff) {
        Rt.yieldPoint(Op.RMW, this);
        while (true) {
            int s = (int) STATE.getVolatile(this);
            boolean again = (s & NOTIFIED) != 0;
            int next = again ? s & ~RUNNING : (s & ~RUNNING) - REF_ONE;
            if (STATE.compareAndSet(this, s, next)) {
                if (again) {
                    owner.scheduler.requeue(this); // woken during its own poll: a yield
                }
                return handedOff;
            }
        }
    }

    /**
     * The cause of a task whose poll threw {@code c} (it awaited a cancelled stage or handle, or
     * its scope stopped it). Braid's own exception carries the cause of the cancellation it
     * reports: the task takes that same cause, so its joiner reads the same reason (and a deadline
     * stays a {@link dev.braid.cancel.DeadlineExceededException}). A stage's bare
     * CancellationException has no message: the cause then names the task, with {@code c} as its
     * cause (ADR 0073).
     */
    private CancellationToken cancelledBy(CancellationException c) {
        Throwable cause = c instanceof CancelledException ? c.getCause() : null;
        if (cause == null && c instanceof dev.braid.cancel.DeadlineExceededException) {
            cause = c; // a scope's or cancelAfter's deadline has no cause: keep it a deadline
        } else if (cause == null) {
            cause =
                    new CancellationException(
                                    "task '"
                                            + name()
                                            + "' ended by a cancellation its poll threw (what it"
                                            + " awaited was cancelled): "
                                            + c)
                            .initCause(c);
        }
        CancellationSource s = new CancellationSource();
        s.cancel(cause);
        return s.token();
    }

    /** After a poll: restores the outer poll marker, counts the poll, times it if observed. */
    private void account(long start, Interop.Polling cell, Object outer, TaskLongPollEvent event) {
        cell.task = outer;
        long n = (long) POLLS.getOpaque(this) + 1;
        POLLS.setOpaque(this, n);
        if (event == null) {
            return;
        }
        Observation o = observation();
        POLL_NANOS.setOpaque(o, (long) POLL_NANOS.getOpaque(o) + (Rt.nanoTime() - start));
        event.end();
        if (event.shouldCommit()) {
            event.task = name();
            event.taskId = id();
            event.polls = n;
            event.commit();
        }
    }

    /**
     * Runs a cancelled task's drop (its {@code ensure} cleanups) and ends it. The drop runs on the
     * executor's thread as a poll does, so it is marked as one: a wait that would block that thread
     * (join, {@code Async.await}, {@code blockOn}, a blocking channel operation, close) is refused
     * there as inside a poll, instead of waiting for ever for a task that needs the thread
     * (probe17, ADR 0194); a task it spawns is this run's hand-off, as from a poll.
     */
    private RawTask<?> runCancellation(boolean first, Interop.Polling cell) {
        Async<T> f = future;
        Object outer = cell.task;
        Object outerDropped = cell.dropped;
        cell.task = this;
        cell.dropped = this;
        Throwable failed = null;
        try {
            f.drop();
        } catch (Throwable t) {
            failed = t;
        } finally {
            cell.task = outer;
            cell.dropped = outerDropped;
        }
        RawTask<?> handedOff = takeHandOff(first);
        return failed != null
                ? finish(new Completion.Failure<>(failed), first, cell, handedOff)
                : finish(new Completion.Cancelled<>(cancelCause), first, cell, handedOff);
    }

    /**
     * Ends the task (RUNNING thread only): COMPLETE by a release store, then the outcome by the
     * completion's CAS, then the scheduler's {@code completed} (ADR 0097). One atomic, not two.
     * Returns {@code handedOff} (the poll's hand-off, ADR 0153), or null if it queued it first:
     * when joiners are registered it goes to the scheduler before their wakes, as it did before
     * hand-offs (a joiner woken here then displaces it from the LIFO slot, and the dump sees it).
     */
    private RawTask<?> finish(
            Completion.Outcome<T> outcome,
            boolean first,
            Interop.Polling cell,
            RawTask<?> handedOff) {
        if (handedOff != null && hasWaiters()) {
            handedOff.unclaimHandedOff(); // a queue never holds a claimed task (ADR 0173)
            owner.scheduler.schedule(handedOff);
            handedOff = null;
        }
        future = null;
        Observation ob = observed();
        if (ob != null && awaitsBody(ob, false)) {
            // ADR 0181: a body it started still runs: the outcome waits, the task stays live
            // (linked, as after a pending first poll) and its waker is the body's end
            ob.deferred = outcome;
            if (first && owner.firstRunEnded(this, true, cell.laneIn(owner))) {
                cancel(Interop.cancelledToken("executor '" + owner.executorName() + "' closed"));
            }
            return endPending(handedOff);
        }
        if (Rt.simulating() && outcome instanceof Completion.Failure<T>(Throwable t)) {
            Rt.taskFailed(this, "task '" + name() + "'", t); // reported unless read (ADR 0150)
        }
        Rt.yieldPoint(Op.STORE, this);
        // A store, not a CAS: while this thread holds RUNNING the references are exactly two (the
        // live set's and this run's: a wake or cancel of a running task adds none), and a racing
        // transition can only OR in NOTIFIED (which a finished task drops) or CANCELLED (kept if
        // read here; one landing after the read is lost, and the task keeps the value its poll
        // returned, as a cancel during the last poll always did). A racing CAS that read the
        // state before this store fails and re-reads COMPLETE. Release: the poll's writes and
        // `future = null` happen-before any thread that reads COMPLETE.
        int s = (int) STATE.getOpaque(this);
        STATE.setRelease(this, COMPLETE | (s & CANCELLED));
        // volatile CAS: publishes the outcome, which is what makes the task dead to the live set
        // (TaskRegistry.dead), and orders it before the closed read in completed() (Dekker with
        // close(): either close() sees the outcome or completed() sees closed)
        if (first) {
            // never linked: counted started before the outcome, so a thread that sees the outcome
            // (a joiner's fast path too, which no wake orders) sees the count, and a dump after a
            // join counts nothing. An emptiness check between the two misses a task that this
            // thread, still holding RUNNING, is about to finish: no worker waits for it (ADR 0140)
            owner.firstRunEnded(this, false, cell.laneIn(owner));
        }
        complete(outcome);
        owner.scheduler.completed(this);
        return handedOff;
    }

    /**
     * A run of a task whose outcome waits for its bodies (ADR 0181): publishes it once they all
     * ended, else waits again (a cancel meanwhile interrupts the bodies once more).
     */
    @SuppressWarnings("unchecked")
    private RawTask<?> finishDeferred(Observation ob, int s, Interop.Polling cell) {
        if (awaitsBody(ob, (s & CANCELLED) != 0)) {
            return endPending(null);
        }
        Completion.Outcome<T> o = (Completion.Outcome<T>) ob.deferred;
        ob.deferred = null;
        return finish(o, false, cell, null);
    }

    /** What the task is doing, for the live-task dump. */
    String describe() {
        int s = state();
        Observation ob = observed();
        String what =
                (s & COMPLETE) != 0
                        ? "complete"
                        : ob != null && ob.deferred != null
                                ? "finishing (its outcome waits for a spawnBlocking body)"
                                : (long) POLLS.getOpaque(this) == HANDED_OFF
                                        ? "scheduled (handed off to its worker)"
                                        : (s & RUNNING) != 0
                                                ? "running"
                                                : (s & NOTIFIED) != 0
                                                        ? "scheduled"
                                                        : "idle (awaiting a wake)";
        return "task '"
                + name()
                + "' #"
                + id()
                + ": "
                + what
                + ((s & CANCELLED) != 0 ? ", cancelled" : "")
                + ", polls="
                + polls()
                + (owner.observed
                        ? ", poll time=" + pollNanos() / 1_000 + " µs"
                        : ", poll time not measured (not observed)");
    }

    @Override
    public String toString() {
        return "task '" + name() + "'";
    }
}
