package dev.braid.cancel;

import dev.braid.internal.rt.Op;
import dev.braid.internal.rt.Rt;
import dev.braid.internal.util.Args;
import dev.braid.time.Timeout;
import dev.braid.time.TimerWheel;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The observing side of a cancellation: query it, wait for it, register callbacks, or turn it into
 * an exception. Its {@link CancellationSource} cancels it; a token is cancelled at most once, with
 * a cause that never changes.
 *
 * <p><b>Callbacks</b> registered with {@link #onCancel} run exactly once when the token is
 * cancelled, on the thread that cancels, most recently registered first (the order in which nested
 * try-with-resources blocks close, and .NET's); a callback registered on a token that is already
 * cancelled runs at once on the registering thread. A callback that throws does not stop the
 * others; the failures are thrown afterwards as {@link CancellationCallbackException} by the call
 * that ran them. Callbacks should be short and must not block. Everything the cancelling thread did
 * before {@code cancel} happens-before every callback and every observation of {@link
 * #isCancelled()} returning {@code true}.
 *
 * <p><b>Re-entrancy.</b> Inside a callback the token is already cancelled: cancelling it again
 * returns {@code false}, registering runs the new callback at once, deregistering returns {@code
 * false}.
 *
 * <p><b>Deadline.</b> A token may carry a deadline ({@link CancellationSource#cancelAfter}, or
 * inherited from its parents); when it passes, the token is cancelled with a {@link
 * DeadlineExceededException} cause, at most about one timer tick late.
 */
public final class CancellationToken {
    /*
     * Implementation notes
     *
     * Algorithm. The callback registry is a Treiber stack of CallbackNodes whose head shares one
     * word with the cancellation: `state` is null (no callbacks), the newest node, or the cause
     * (a Throwable: cancelled, terminal).
     *  - register: one CAS pushing a node; if it finds the cause instead, it runs the callback.
     *  - cancel: one CAS of `state` from whatever stack is there to the cause. That CAS is the
     *    linearization point, and the stack it replaced now belongs to the canceller (no push can
     *    join it). It walks the stack, newest first, and runs every node that is not REMOVED,
     *    outside any lock. Newest first is the stack's own order: no second pass to reverse it.
     *  - deregister: logical deletion, as in Harris's lists: a CAS of the node's own status
     *    LIVE -> DECIDING, then a volatile read of `state`. Not cancelled: REMOVED, return true.
     *    Cancelled: KEPT, return false, and the canceller runs it (or has).
     * Exactly once is a Dekker pair: the deregistrar writes the status, then reads `state`; the
     * canceller writes `state`, then reads the status; all four accesses are volatile, so at least
     * one of them sees the other's write. If the deregistrar saw no cause, the canceller's read
     * comes later and finds DECIDING or REMOVED; if the canceller found LIVE, the deregistrar's
     * read finds the cause. A canceller that finds DECIDING waits for the decision, two plain
     * steps away; so does a second deregister of the same node (returning false at once would
     * claim the callback gone or running before the first one decides to keep it after a later
     * cancel: Lincheck found that history). Linearization points: register, its CAS (or the read
     * that found the cause); cancel, its CAS; deregister, its read of `state`, or else the
     * decision it found or waited for. So a deregister after isCancelled() returned true returns
     * false (ADR 0006), unlike .NET's and Go's, where one may still win against a cancellation in
     * progress.
     *
     * Unlinking. Removed nodes are unlinked lazily. Each push skips the removed nodes at the top
     * of the stack, so register/deregister pairs leave at most one node behind. The push whose
     * sequence number reaches `nextSweep` also sweeps the stack below it, unlinking runs of
     * removed nodes, and sets the next sweep max(SWEEP_MIN, nodes kept) pushes later: a sweep
     * costs O(nodes), there are at least as many pushes between sweeps, so sweeping is O(1)
     * amortized per push, and while registrations keep coming a token holds O(live + SWEEP_MIN)
     * nodes (CallbackRegistryTest's retained-node bounds). Sweeps need no lock: links only point
     * to older nodes and are only rewritten to skip nodes that were REMOVED (a final status) when
     * read, so every other node stays reachable from every newer one even when sweepers race (a
     * stale rewrite may bring a removed node back; the next sweep drops it again). The canceller
     * only reads links (and clears those of nodes it has passed, to help the collector).
     *
     * State. `state`: null | CallbackNode | Throwable, as above. CallbackNode.status: LIVE,
     * DECIDING, REMOVED, KEPT; only a deregister changes it, LIVE -> DECIDING -> REMOVED or KEPT.
     * CallbackNode.seq: pushes so far, wrapping, compared by difference. `lock` (0/1) guards timer
     * and links and the writes of deadline and parents; register and deregister never take it.
     *
     * Memory ordering. The push CAS (volatile) publishes the node's fields; pushes are totally
     * ordered on `state`, so whoever reads a head sees every older node too. The cancel CAS is the
     * release that pairs with the volatile read in isCancelled() and in register: everything
     * before cancel() is visible to an observer that sees the cause and to every callback (jcstress
     * CancelVisibility). The Dekker pair needs both sides sequentially consistent: a CAS, then a
     * getVolatile, on each side. Links are read getAcquire and written setRelease, and only ever
     * point to nodes published earlier. nextSweep is a hint, read and written opaque.
     *
     * Liveness. register is lock-free (its CAS fails only because another one succeeded), and so
     * is deregister unless it races another deregister of the same node. cancel, and that second
     * deregister, wait only on a node in DECIDING, whose deregistrar is two plain steps from
     * done: the exposure to a preempted thread that the previous design's spin lock had on every
     * operation, now on none of the common paths. Nothing is held while callbacks run, so a
     * callback may use the token freely. Cancelling a chain of linked tokens recurses per link.
     *
     * Tradeoffs. A pair costs two CASes, one 32-byte node and amortized sweeping; the previous
     * design (a doubly linked list under a spin lock, like .NET's partitions) took the lock on
     * both. Fewer is not possible: register and deregister each decide a race with cancel, which
     * takes a fence or an atomic read-modify-write each (Attiya et al.); a volatile store's fence
     * costs what a CAS does and would let two deregisters both win. Registration order would need
     * a reversing pass at cancel (about +25% on 1000-callback fan-out): ADR 0013.
     *
     * References. R. K. Treiber, Systems Programming: Coping with Parallelism, IBM RJ 5118 (1986);
     * T. Harris, A Pragmatic Implementation of Non-Blocking Linked-Lists, DISC 2001 (logical, then
     * physical deletion); E. W. Dijkstra, Cooperating Sequential Processes (1965), for Dekker's
     * algorithm; H. Attiya et al., Laws of Order, POPL 2011; .NET CancellationTokenSource (LIFO
     * callbacks) and CancellationTokenRegistration; Go's context (WithCancelCause, AfterFunc's
     * stop()); tokio-util's CancellationToken.
     */

    private static final VarHandle STATE;
    private static final VarHandle LOCK;
    private static final VarHandle NEXT_SWEEP;
    private static final VarHandle STATUS; // CallbackNode.status
    private static final VarHandle NEXT; // CallbackNode.next

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(CancellationToken.class, "state", Object.class);
            LOCK = l.findVarHandle(CancellationToken.class, "lock", int.class);
            NEXT_SWEEP = l.findVarHandle(CancellationToken.class, "nextSweep", int.class);
            STATUS = l.findVarHandle(CallbackNode.class, "status", int.class);
            NEXT = l.findVarHandle(CallbackNode.class, "next", CallbackNode.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Fewest pushes between two sweeps of the callback stack. */
    static final int SWEEP_MIN = 64;

    private static final CancellationToken NONE = new CancellationToken(false, null);

    @SuppressWarnings("unused") // accessed through STATE
    private volatile Object state;

    @SuppressWarnings("unused") // accessed through LOCK
    private volatile int lock;

    /** Push sequence number at which the next sweep runs; a hint. */
    @SuppressWarnings("unused") // accessed through NEXT_SWEEP
    private int nextSweep;

    private final int sweepMin;
    private volatile Deadline deadline; // own deadline, only moves earlier; null = never
    private volatile CancellationToken[] parents;
    private final boolean cancellable;
    private Timeout timer; // guarded by lock
    private CancellationRegistration[] links; // guarded by lock

    CancellationToken(boolean cancellable, CancellationToken[] parents) {
        this(cancellable, parents, SWEEP_MIN);
    }

    /** For tests: {@code sweepMin} 1 sweeps on every push. */
    CancellationToken(boolean cancellable, CancellationToken[] parents, int sweepMin) {
        this.cancellable = cancellable;
        this.sweepMin = sweepMin;
        this.nextSweep = sweepMin;
        if (parents != null) {
            this.parents = parents; // a volatile store only for linked tokens
        }
    }

    /**
     * A token that is never cancelled; registering on it costs nothing.
     *
     * @return a token that is never cancelled; registering on it costs nothing
     */
    public static CancellationToken none() {
        return NONE;
    }

    /**
     * A token cancelled when {@code stage} completes exceptionally (including by {@code cancel}),
     * with the stage's exception (unwrapped from {@link CompletionException}) as cause. A normal
     * completion leaves the token uncancelled.
     *
     * @param stage the stage whose exceptional completion cancels the token
     * @return a token cancelled when {@code stage} completes exceptionally (including by {@code
     *     cancel}), with the stage's exception (unwrapped from {@link CompletionException}) as
     *     cause
     * @throws NullPointerException if {@code stage} is null
     */
    public static CancellationToken fromFuture(CompletionStage<?> stage) {
        Args.notNull(stage, "stage");
        CancellationToken t = new CancellationToken(true, null);
        stage.whenComplete(
                (v, ex) -> {
                    if (ex != null) {
                        Throwable c =
                                ex instanceof CompletionException && ex.getCause() != null
                                        ? ex.getCause()
                                        : ex;
                        try {
                            t.cancel(c);
                        } catch (CancellationCallbackException failed) {
                            Thread me = Thread.currentThread();
                            me.getUncaughtExceptionHandler().uncaughtException(me, failed);
                        }
                    }
                });
        return t;
    }

    /**
     * Whether the token has been cancelled. One volatile read.
     *
     * @return whether the token has been cancelled
     */
    public boolean isCancelled() {
        if (!(STATE.getVolatile(this) instanceof Throwable)) {
            return false;
        }
        Rt.acquireFrom(this); // the testkit: cancel() announced its release on this token
        return true;
    }

    /**
     * Whether this token can ever be cancelled ({@code false} only for {@link #none()}).
     *
     * @return whether this token can ever be cancelled ({@code false} only for {@link #none()})
     */
    public boolean canBeCancelled() {
        return cancellable;
    }

    /**
     * The cause of the cancellation, or empty if the token is not cancelled.
     *
     * @return the cause of the cancellation, or empty if the token is not cancelled
     */
    public Optional<Throwable> cause() {
        return Optional.ofNullable(causeOrNull());
    }

    /**
     * The token's deadline: the earliest of its own ({@link CancellationSource#cancelAfter}) and
     * its parents'; {@link Deadline#never()} if it has none.
     *
     * @return the token's deadline: the earliest of its own ({@link
     *     CancellationSource#cancelAfter}) and its parents'; {@link Deadline#never()} if it has
     *     none
     */
    public Deadline deadline() {
        Deadline d = ownDeadline();
        CancellationToken[] ps = parents;
        if (ps != null) {
            for (CancellationToken p : ps) {
                d = d.min(p.deadline());
            }
        }
        return d;
    }

    /**
     * Runs {@code callback} when the token is cancelled, or now if it already is (see the class
     * comment for order, threads and failures).
     *
     * @param callback runs once, when the token is cancelled
     * @return the registration, which deregisters the callback when closed
     * @throws NullPointerException if {@code callback} is null
     * @throws CancellationCallbackException if the token was already cancelled and the callback
     *     threw (it is still registered as run)
     */
    public CancellationRegistration onCancel(Runnable callback) {
        Args.notNull(callback, "callback");
        if (!cancellable) {
            return Registrations.NEVER;
        }
        Rt.yieldPoint(Op.RMW, this);
        Object s = STATE.getVolatile(this);
        if (!(s instanceof Throwable)) {
            CallbackNode n = new CallbackNode(this, callback);
            do {
                CallbackNode top = (CallbackNode) s;
                n.seq = top == null ? 1 : top.seq + 1; // plain, like next: published by the CAS
                n.next = skipRemoved(top);
                if (STATE.compareAndSet(this, s, n)) { // volatile: publishes n
                    if (n.seq - (int) NEXT_SWEEP.getOpaque(this) >= 0) {
                        sweep(n);
                    }
                    return n;
                }
                s = STATE.getVolatile(this);
            } while (!(s instanceof Throwable));
        }
        List<Throwable> failures = runCallback(callback, null);
        if (failures != null) {
            throw new CancellationCallbackException(failures);
        }
        return Registrations.RAN;
    }

    /**
     * Interrupts {@code thread} (through the runtime seam) when the token is cancelled. Close the
     * registration when the work the thread does for this token is over, or a later cancel will
     * interrupt unrelated work.
     *
     * @param thread the thread to interrupt
     * @return the registration; close it to stop the propagation
     * @throws NullPointerException if {@code thread} is null
     */
    public CancellationRegistration interruptOnCancel(Thread thread) {
        Args.notNull(thread, "thread");
        return onCancel(() -> Rt.interrupt(thread));
    }

    /**
     * Completes {@code future} exceptionally with {@link #toException()} when the token is
     * cancelled ({@code future.isCancelled()} then returns true). The registration is dropped when
     * the future completes first, so a long-lived token does not accumulate finished futures.
     *
     * @param future the future to complete exceptionally
     * @return the registration; close it to stop the propagation
     * @throws NullPointerException if {@code future} is null
     */
    public CancellationRegistration propagateTo(CompletableFuture<?> future) {
        Args.notNull(future, "future");
        CancellationRegistration r = onCancel(() -> future.completeExceptionally(toException()));
        future.whenComplete((v, ex) -> r.deregister());
        return r;
    }

    /**
     * Throws {@link #toException()} if the token is cancelled.
     *
     * @throws CancelledException (or {@link DeadlineExceededException}) if cancelled
     */
    public void throwIfCancelled() {
        if (STATE.getVolatile(this) instanceof Throwable) {
            throw toException();
        }
    }

    /**
     * A new exception describing the cancellation: a {@link DeadlineExceededException} if the
     * token's deadline cancelled it, otherwise a {@link CancelledException}; the cause is the
     * token's cause.
     *
     * @return a new exception describing the cancellation: a {@link DeadlineExceededException} if
     *     the token's deadline cancelled it, otherwise a {@link CancelledException}; the cause is
     *     the token's cause
     * @throws IllegalStateException if the token is not cancelled
     */
    public CancelledException toException() {
        return toException("");
    }

    /** {@link #toException()} with {@code prefix} (what was waiting, and how long) before it. */
    CancelledException toException(String prefix) {
        Throwable c = causeOrNull();
        if (c == null) {
            throw new IllegalStateException("token is not cancelled");
        }
        if (c instanceof DeadlineExceededException d) {
            return new DeadlineExceededException(
                    d.deadline(), d, prefix + "deadline exceeded (token's deadline)");
        }
        return new CancelledException(prefix + "cancelled: " + c.getMessage(), c);
    }

    /**
     * Waits until the token is cancelled. Inside a {@link CancelScope}, the wait also ends when the
     * scope stops it (as every braid wait does); this token's own cancellation wins when both
     * happen.
     *
     * @throws InterruptedException if the caller is interrupted while waiting
     * @throws CancelledException if it has to wait inside a {@link CancelScope} whose token is
     *     cancelled, or ({@link DeadlineExceededException}) whose deadline passes
     */
    public void await() throws InterruptedException {
        awaitUntil(Deadline.never());
    }

    /**
     * Waits at most {@code timeout} for the token to be cancelled.
     *
     * @param timeout how long to wait at most
     * @return whether it is cancelled; {@code false} when {@code timeout} passes first, even inside
     *     a scope whose deadline is later
     * @throws InterruptedException if the caller is interrupted while waiting
     * @throws CancelledException as for {@link #await()}, if the ambient scope stops the wait
     * @throws NullPointerException if {@code timeout} is null
     */
    public boolean await(Duration timeout) throws InterruptedException {
        Args.notNull(timeout, "timeout");
        return awaitUntil(Deadline.after(timeout));
    }

    @Override
    public String toString() {
        Throwable c = causeOrNull();
        return !cancellable
                ? "CancellationToken[none]"
                : c == null
                        ? "CancellationToken[active]"
                        : "CancellationToken[cancelled: " + c + "]";
    }

    // ---- internals, used by CancellationSource ----

    /** The cause, or null while not cancelled. */
    Throwable causeOrNull() {
        return STATE.getVolatile(this) instanceof Throwable c ? c : null;
    }

    boolean cancel(Throwable c) {
        if (!cancellable) {
            return false;
        }
        Rt.yieldPoint(Op.RMW, this);
        Object s = STATE.getVolatile(this);
        while (true) {
            if (s instanceof Throwable) {
                return false;
            }
            // volatile: the linearization point; publishes everything before cancel()
            Object witness = STATE.compareAndExchange(this, s, c);
            if (witness == s) {
                break;
            }
            s = witness;
        }
        Rt.yieldPoint(Op.OTHER, this); // lets the simulator run a deregister here
        Timeout t;
        CancellationRegistration[] ls;
        lock();
        t = timer;
        timer = null;
        ls = links;
        links = null;
        unlock();
        CancelEvent ev = new CancelEvent();
        ev.begin();
        if (t != null) {
            t.cancel();
        }
        release(ls);
        List<Throwable> failures = null;
        int count = 0;
        CallbackNode n = (CallbackNode) s;
        while (n != null) {
            CallbackNode older = (CallbackNode) NEXT.getAcquire(n);
            NEXT.setRelease(n, null); // a registration kept by its caller holds no older nodes
            if (decidedStatus(n) != CallbackNode.REMOVED) {
                Runnable cb = n.callback;
                n.callback = null; // only the canceller touches a kept node's callback
                count++;
                failures = runCallback(cb, failures);
            }
            n = older;
        }
        if (ev.shouldCommit()) {
            ev.token = Integer.toHexString(System.identityHashCode(this));
            ev.causeClass = c.getClass();
            ev.causeMessage = c.getMessage();
            ev.callbacks = count;
            ev.failures = failures == null ? 0 : failures.size();
            ev.commit();
        }
        if (failures != null) {
            throw new CancellationCallbackException(failures);
        }
        return true;
    }

    boolean deregister(CallbackNode n) {
        Rt.yieldPoint(Op.RMW, this);
        int witness = (int) STATUS.compareAndExchange(n, CallbackNode.LIVE, CallbackNode.DECIDING);
        if (witness != CallbackNode.LIVE) {
            if (witness == CallbackNode.DECIDING) {
                // Another deregister is deciding. Returning false now would claim the callback is
                // gone or running while it may still be neither (and then that one keeps it after
                // a later cancel): wait for its decision, which linearizes this call after it.
                decidedStatus(n);
            }
            return false; // another deregister removed it, or it runs after the cancellation
        }
        Rt.yieldPoint(Op.LOAD, this); // lets the simulator run a cancel here
        if (STATE.getVolatile(this) instanceof Throwable) { // volatile: Dekker with cancel
            STATUS.setRelease(n, CallbackNode.KEPT); // the canceller runs it
            return false;
        }
        n.callback = null; // lets the callback be collected before the node is unlinked
        STATUS.setRelease(n, CallbackNode.REMOVED); // release: after the plain clear
        return true;
    }

    /**
     * The status of {@code n} once no deregister is deciding it. Called by the canceller after its
     * CAS (a deregister that marks the node later finds the cause and keeps it), and by a second
     * deregister of the same node.
     */
    private static int decidedStatus(CallbackNode n) {
        int spins = 0;
        while (true) {
            int status = (int) STATUS.getVolatile(n); // volatile: Dekker with deregister
            if (status != CallbackNode.DECIDING) {
                return status;
            }
            if (++spins < 100) {
                Rt.spinWait();
            } else {
                Rt.yieldNow();
            }
        }
    }

    /** The first node from {@code n} on that is not REMOVED (or null). */
    private static CallbackNode skipRemoved(CallbackNode n) {
        while (n != null && (int) STATUS.getAcquire(n) == CallbackNode.REMOVED) {
            n = (CallbackNode) NEXT.getAcquire(n);
        }
        return n;
    }

    /**
     * Unlinks every run of REMOVED nodes below {@code top}, the node just pushed, and schedules the
     * next sweep max(sweepMin, nodes kept) pushes later.
     */
    private void sweep(CallbackNode top) {
        // opaque: a hint; set first so that the pushes meanwhile do not start sweeps of their own
        NEXT_SWEEP.setOpaque(this, top.seq + sweepMin);
        int kept = 1;
        CallbackNode pred = top;
        CallbackNode n = (CallbackNode) NEXT.getAcquire(pred);
        while (n != null) {
            CallbackNode live = skipRemoved(n);
            if (live != n) {
                NEXT.setRelease(pred, live); // release: points only to a published node
            }
            if (live == null) {
                break;
            }
            kept++;
            pred = live;
            n = (CallbackNode) NEXT.getAcquire(live);
        }
        NEXT_SWEEP.setOpaque(this, top.seq + Math.max(sweepMin, kept));
    }

    /** Nodes reachable in the callback stack (tests: bounded by live registrations). */
    int retainedNodes() {
        int count = 0;
        Object s = STATE.getVolatile(this);
        for (CallbackNode n = s instanceof CallbackNode top ? top : null;
                n != null;
                n = (CallbackNode) NEXT.getAcquire(n)) {
            count++;
        }
        return count;
    }

    /** Links this (fresh) token to its parents: cancelled with the first parent's cause. */
    void linkTo(CancellationToken[] ps) {
        CancellationRegistration[] regs = new CancellationRegistration[ps.length];
        for (int i = 0; i < ps.length; i++) {
            CancellationToken p = ps[i];
            CancellationRegistration r = p.onCancel(() -> cancel(p.causeOrNull()));
            lock();
            boolean done = isCancelled();
            if (!done) {
                regs[i] = r;
                links = regs;
            }
            unlock();
            if (done) {
                r.deregister();
                return;
            }
        }
    }

    /** Moves the own deadline earlier and (re)arms the timer that cancels at it. */
    void cancelAt(Deadline d) {
        lock();
        if (isCancelled() || d.compareTo(ownDeadline()) >= 0) {
            unlock();
            return;
        }
        deadline = d;
        Timeout old = timer;
        timer = null;
        unlock();
        if (old != null) {
            old.cancel();
        }
        if (d.isExpired()) {
            cancel(new DeadlineExceededException(d, null));
            return;
        }
        Timeout t =
                TimerWheel.shared()
                        .scheduleAt(
                                d.nanoTime(), () -> cancel(new DeadlineExceededException(d, null)));
        lock();
        boolean keep = !isCancelled() && deadline == d;
        if (keep) {
            timer = t;
        }
        unlock();
        if (!keep) {
            t.cancel();
        }
    }

    /** Detaches from parents and timer without cancelling (CancellationSource.close). */
    void detach() {
        lock();
        if (isCancelled()) {
            unlock();
            return;
        }
        Timeout t = timer;
        timer = null;
        CancellationRegistration[] ls = links;
        links = null;
        parents = null;
        deadline = null;
        unlock();
        if (t != null) {
            t.cancel();
        }
        release(ls);
    }

    private Deadline ownDeadline() {
        Deadline d = deadline;
        return d == null ? Deadline.never() : d;
    }

    private static void release(CancellationRegistration[] ls) {
        if (ls != null) {
            for (CancellationRegistration r : ls) {
                if (r != null) {
                    r.deregister();
                }
            }
        }
    }

    private static List<Throwable> runCallback(Runnable cb, List<Throwable> failures) {
        try {
            cb.run();
        } catch (Throwable x) {
            if (failures == null) {
                failures = new ArrayList<>(1);
            }
            if (x instanceof CancellationCallbackException nested) {
                failures.add(nested.getCause()); // a linked child's callbacks: flatten
                failures.addAll(List.of(nested.getSuppressed()));
            } else {
                failures.add(x);
            }
        }
        return failures;
    }

    /**
     * Waits until cancelled (true) or {@code d} passes (false). Inside an active {@link
     * CancelScope}, a cancelled scope token or a passed scope deadline ends the wait by throwing,
     * as in JoinHandle.join; this token's own cancellation wins over a scope that stops at the same
     * time, and an own deadline earlier than the scope's still returns false.
     */
    private boolean awaitUntil(Deadline d) throws InterruptedException {
        Rt.yieldPoint(Op.PARK, this);
        if (isCancelled()) {
            return true;
        }
        Thread me = Thread.currentThread();
        CancellationRegistration r = onCancel(() -> Rt.unpark(me));
        // Ambient cancellation (ADR 0006): read only here, on the parking path.
        CancelScope scope = CancelScope.current();
        long since = Rt.nanoTime(); // when the wait began: for the message of a stop
        CancellationRegistration stop = scope.isActive() ? scope.wakeOnCancel(me) : null;
        Deadline bound = stop == null ? d : d.min(scope.deadline());
        try {
            while (true) {
                if (isCancelled()) {
                    return true;
                }
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                if (stop != null && scope.isCancelled()) {
                    scope.checkWaiting("await", this, since); // throws
                }
                if (d.isExpired()) {
                    return isCancelled();
                }
                if (bound.isNever()) {
                    Rt.park(this);
                } else {
                    Rt.parkUntil(this, bound.nanoTime());
                }
            }
        } finally {
            r.deregister();
            if (stop != null) {
                stop.deregister();
            }
        }
    }

    private void lock() {
        int spins = 0;
        while (!LOCK.compareAndSet(this, 0, 1)) { // volatile CAS: acquires timer and links
            if (++spins < 100) {
                Rt.spinWait();
            } else {
                Rt.yieldNow();
            }
        }
    }

    private void unlock() {
        LOCK.setRelease(this, 0); // release: publishes timer, links, deadline edits
    }
}
