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
 * cancelled, in registration order, on the thread that cancels; a callback registered on a token
 * that is already cancelled runs at once on the registering thread. A callback that throws does not
 * stop the others; the failures are thrown afterwards as {@link CancellationCallbackException} by
 * the call that ran them. Callbacks should be short and must not block. Everything the cancelling
 * thread did before {@code cancel} happens-before every callback and every observation of {@link
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
     * Algorithm. A doubly-linked callback list guarded by a tiny spin lock, in the manner of .NET's
     * CancellationTokenSource (which guards its callback partitions with spin locks): register is
     * one append, deregister one unlink (both O(1)), cancel sets the cause and detaches the whole
     * list under the lock, then runs it outside the lock. Detaching under the same lock that
     * register and deregister take is what makes "exactly once" hold: a node is either in the list
     * when the cause is set (the canceller runs it) or it is not (registration saw the cause and ran
     * the callback itself, or deregister removed it).
     *
     * State. `cause` null = not cancelled; non-null = cancelled (terminal). `lock` 0/1. head/tail,
     * timer, links are guarded by the lock; `deadline` (own deadline, only moves earlier) and
     * `parents` are volatile for lock-free queries.
     *
     * Memory ordering. `cause` is volatile and written once under the lock: isCancelled()'s read
     * of it is the acquire that pairs with that write, so everything before cancel() is visible to
     * an observer that sees true (jcstress CancelVisibility). lock() is a volatile CAS, unlock() a
     * setRelease.
     *
     * Liveness. The lock is held for O(1) steps and never across a callback, so a callback may use
     * the token freely (re-entrancy above). Cancelling a long chain of linked tokens recurses once
     * per link.
     *
     * Tradeoffs. A lock-free Treiber stack would make register one CAS but deregister O(n) (as in
     * FutureTask's waiter removal) and run callbacks in reverse order; tokio's CancellationToken
     * uses a mutex per tree node. Our lock costs one CAS per operation, which keeps register +
     * deregister cheaper than CompletableFuture's whenComplete (which allocates two objects and
     * cannot deregister). See docs/perf/cancel-time.md.
     *
     * References. .NET CancellationTokenSource/CancellationTokenRegistration; Go's context package
     * (WithCancelCause, AfterFunc's stop()); tokio-util's CancellationToken.
     */

    private static final VarHandle LOCK;

    static {
        try {
            LOCK = MethodHandles.lookup().findVarHandle(CancellationToken.class, "lock", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final CancellationToken NONE = new CancellationToken(false, null);

    @SuppressWarnings("unused") // accessed through LOCK
    private volatile int lock;

    private volatile Throwable cause;
    private volatile Deadline deadline = Deadline.never();
    private volatile CancellationToken[] parents;
    private final boolean cancellable;
    private CallbackNode head; // guarded by lock
    private CallbackNode tail; // guarded by lock
    private Timeout timer; // guarded by lock
    private CancellationRegistration[] links; // guarded by lock

    CancellationToken(boolean cancellable, CancellationToken[] parents) {
        this.cancellable = cancellable;
        this.parents = parents;
    }

    /** A token that is never cancelled; registering on it costs nothing. */
    public static CancellationToken none() {
        return NONE;
    }

    /**
     * A token cancelled when {@code stage} completes exceptionally (including by {@code cancel}),
     * with the stage's exception (unwrapped from {@link CompletionException}) as cause. A normal
     * completion leaves the token uncancelled.
     *
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

    /** Whether the token has been cancelled. One volatile read. */
    public boolean isCancelled() {
        return cause != null;
    }

    /** Whether this token can ever be cancelled ({@code false} only for {@link #none()}). */
    public boolean canBeCancelled() {
        return cancellable;
    }

    /** The cause of the cancellation, or empty if the token is not cancelled. */
    public Optional<Throwable> cause() {
        return Optional.ofNullable(cause);
    }

    /**
     * The token's deadline: the earliest of its own ({@link CancellationSource#cancelAfter}) and
     * its parents'; {@link Deadline#never()} if it has none.
     */
    public Deadline deadline() {
        Deadline d = deadline;
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
        Rt.yieldPoint(Op.OTHER, this);
        if (cause == null) {
            CallbackNode n = new CallbackNode(this, callback);
            lock();
            if (cause == null) {
                n.prev = tail;
                if (tail == null) {
                    head = n;
                } else {
                    tail.next = n;
                }
                tail = n;
                n.linked = true;
                unlock();
                return n;
            }
            unlock();
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
        if (cause != null) {
            throw toException();
        }
    }

    /**
     * A new exception describing the cancellation: a {@link DeadlineExceededException} if the
     * token's deadline cancelled it, otherwise a {@link CancelledException}; the cause is the
     * token's cause.
     *
     * @throws IllegalStateException if the token is not cancelled
     */
    public CancelledException toException() {
        Throwable c = cause;
        if (c == null) {
            throw new IllegalStateException("token is not cancelled");
        }
        if (c instanceof DeadlineExceededException d) {
            return new DeadlineExceededException(d.deadline(), d);
        }
        return new CancelledException("cancelled: " + c.getMessage(), c);
    }

    /**
     * Waits until the token is cancelled.
     *
     * @throws InterruptedException if the caller is interrupted while waiting
     */
    public void await() throws InterruptedException {
        awaitUntil(Deadline.never());
    }

    /**
     * Waits at most {@code timeout} for the token to be cancelled.
     *
     * @return whether it is cancelled
     * @throws InterruptedException if the caller is interrupted while waiting
     * @throws NullPointerException if {@code timeout} is null
     */
    public boolean await(Duration timeout) throws InterruptedException {
        Args.notNull(timeout, "timeout");
        return awaitUntil(Deadline.after(timeout));
    }

    @Override
    public String toString() {
        Throwable c = cause;
        return !cancellable
                ? "CancellationToken[none]"
                : c == null
                        ? "CancellationToken[active]"
                        : "CancellationToken[cancelled: " + c + "]";
    }

    // ---- internals, used by CancellationSource ----

    boolean cancel(Throwable c) {
        if (!cancellable) {
            return false;
        }
        Rt.yieldPoint(Op.OTHER, this);
        CallbackNode list;
        Timeout t;
        CancellationRegistration[] ls;
        lock();
        if (cause != null) {
            unlock();
            return false;
        }
        cause = c; // volatile, under the lock: publishes everything before cancel()
        list = head;
        head = tail = null;
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
        for (CallbackNode n = list; n != null; ) {
            CallbackNode next = n.next;
            Runnable cb = n.callback;
            n.callback = null;
            n.prev = null;
            n.next = null;
            count++;
            failures = runCallback(cb, failures);
            n = next;
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
        Rt.yieldPoint(Op.OTHER, this);
        lock();
        try {
            if (cause != null || !n.linked) {
                return false;
            }
            if (n.prev == null) {
                head = n.next;
            } else {
                n.prev.next = n.next;
            }
            if (n.next == null) {
                tail = n.prev;
            } else {
                n.next.prev = n.prev;
            }
            n.prev = null;
            n.next = null;
            n.linked = false;
            n.callback = null;
            return true;
        } finally {
            unlock();
        }
    }

    /** Links this (fresh) token to its parents: cancelled with the first parent's cause. */
    void linkTo(CancellationToken[] ps) {
        CancellationRegistration[] regs = new CancellationRegistration[ps.length];
        for (int i = 0; i < ps.length; i++) {
            CancellationToken p = ps[i];
            CancellationRegistration r = p.onCancel(() -> cancel(p.cause));
            lock();
            boolean done = cause != null;
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
        if (cause != null || d.compareTo(deadline) >= 0) {
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
        boolean keep = cause == null && deadline == d;
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
        if (cause != null) {
            unlock();
            return;
        }
        Timeout t = timer;
        timer = null;
        CancellationRegistration[] ls = links;
        links = null;
        parents = null;
        deadline = Deadline.never();
        unlock();
        if (t != null) {
            t.cancel();
        }
        release(ls);
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

    private boolean awaitUntil(Deadline d) throws InterruptedException {
        Rt.yieldPoint(Op.PARK, this);
        if (cause != null) {
            return true;
        }
        Thread me = Thread.currentThread();
        CancellationRegistration r = onCancel(() -> Rt.unpark(me));
        try {
            while (true) {
                if (cause != null) {
                    return true;
                }
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                if (d.isNever()) {
                    Rt.park(this);
                } else if (d.isExpired()) {
                    return cause != null;
                } else {
                    Rt.parkUntil(this, d.nanoTime());
                }
            }
        } finally {
            r.deregister();
        }
    }

    private void lock() {
        int spins = 0;
        while (!LOCK.compareAndSet(this, 0, 1)) { // volatile CAS: acquires the list
            if (++spins < 100) {
                Rt.spinWait();
            } else {
                Rt.yieldNow();
            }
        }
    }

    private void unlock() {
        LOCK.setRelease(this, 0); // release: publishes the list edit
    }
}
