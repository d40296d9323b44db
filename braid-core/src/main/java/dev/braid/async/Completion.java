package dev.braid.async;

import dev.braid.cancel.CancellationToken;
import dev.braid.cancel.Deadline;
import dev.braid.internal.rt.Op;
import dev.braid.internal.rt.Rt;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * A write-once outcome with the wakers waiting for it: the completion side of task handles, {@link
 * Async#spawnBlocking} and {@link Async#fromStage}. {@link RawTask} extends it, so a task and its
 * outcome are one object (ADR 0061); it extends {@link Context} only so that a task is also its own
 * poll context (ADR 0072; a completion that is not a task never serves as one).
 *
 * @param <T> the value type
 */
non-sealed class Completion<T> extends Context {
    /*
     * Implementation notes
     *
     * State. `state` is a Waker[] (not complete; the wakers to call, without duplicates by
     * identity) or an Outcome (complete). Registering copies the array and CASes it in: waiters
     * are few (a task's waker is one object for its whole life, so a task that polls a handle
     * again does not add a second entry), and copy-on-write keeps every read a single volatile
     * load.
     *
     * Memory ordering. complete() swaps the outcome in with a volatile CAS after the outcome's
     * fields were written (final fields of a record): a reader that sees the outcome sees them.
     * A poller publishes its waker with the CAS and re-reads the state: either complete() swapped
     * out an array that held the waker (and wakes it), or the poller sees the outcome.
     *
     * Expired wakers. A registration drops the wakers that say they can no longer matter
     * (Expiring: a task that has finished, an Async.await that has returned, the future of
     * toCompletableFuture once done): a future that polled a long-lived handle and was then
     * dropped (a race or select loser, a timeout, a stopped await) never deregisters, and each
     * such waker used to stay until the handle completed, growing the array (and the copy per
     * registration) without bound (probe14: 10^5 lost races, 141 B each, quadratic copying).
     *
     * Liveness. complete() is wait-free but for CAS retries against registrations; wakers run on
     * the completing thread after the swap and must not block (the Waker contract).
     */

    /** A waker that can tell it will never matter again, so registrations may drop it. */
    interface Expiring {
        /** Whether waking it could no longer do anything (once true, stays true). */
        boolean expired();
    }

    /** What a completed computation came to. */
    sealed interface Outcome<T> {}

    /** Finished with a value. */
    record Success<T>(T value) implements Outcome<T> {}

    private static final Success<?> NULL_SUCCESS = new Success<>(null);

    /** A success with {@code value}; one shared instance for null (a {@code Void} task's). */
    @SuppressWarnings("unchecked")
    static <T> Success<T> success(T value) {
        return value == null ? (Success<T>) NULL_SUCCESS : new Success<>(value);
    }

    /** Ended with an exception. */
    record Failure<T>(Throwable failure) implements Outcome<T> {}

    /** Stopped by a cancellation; the token holds the cause. */
    record Cancelled<T>(CancellationToken token) implements Outcome<T> {}

    private static final Waker[] NONE = new Waker[0];
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Completion.class, "state", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // through STATE
    private volatile Object state; // NONE from the constructor on (a plain store, see there)

    /** Not complete, no waiter. */
    Completion() {
        // plain, not a volatile store (a full fence per task spawn): a completion reaches other
        // threads only through a final field or a publishing CAS/queue (ADR 0072)
        STATE.set(this, NONE);
    }

    /** Whether the outcome is set. */
    boolean isDone() {
        return STATE.getAcquire(this) instanceof Outcome;
    }

    /**
     * As {@link #isDone()}, by a volatile read: one side of a Dekker check (a flag written, then
     * this read; the outcome's CAS, then the flag read), as the live set's close() makes.
     */
    boolean isDoneVolatile() {
        return STATE.getVolatile(this) instanceof Outcome;
    }

    /** Whether a waker is registered and the outcome not decided yet (a snapshot). */
    boolean hasWaiters() {
        return STATE.getAcquire(this) instanceof Waker[] ws && ws.length > 0;
    }

    /** The outcome, or null if not set yet. */
    @SuppressWarnings("unchecked")
    Outcome<T> outcome() {
        if (STATE.getAcquire(this) instanceof Outcome<?> o) {
            Rt.acquireFrom(this); // the testkit's edge from complete() (ADR 0134)
            return (Outcome<T>) o;
        }
        return null;
    }

    /** Sets the outcome if none is set and wakes every waiter; false if one was set before. */
    boolean complete(Outcome<T> outcome) {
        Rt.yieldPoint(Op.RMW, this);
        Object s;
        do {
            s = STATE.getAcquire(this);
            if (s instanceof Outcome) {
                return false;
            }
        } while (!STATE.compareAndSet(this, s, outcome)); // volatile: publishes the outcome
        Rt.passOn(s, this); // the testkit: the swap read every registration (ADR 0134)
        for (Waker w : (Waker[]) s) {
            try {
                w.wake();
            } catch (RuntimeException e) {
                reportWakerFailure(e);
            }
        }
        return true;
    }

    /**
     * Hands what a user's waker threw (one registered by polling a handle by hand) to the calling
     * thread's uncaught-exception handler, as channels do (ADRs 0105, 0180): the outcome is set,
     * the other waiters still have to be woken, and the caller (often an executor's worker, which
     * would die of it) is a bystander. braid's own wakers do not throw.
     */
    static void reportWakerFailure(RuntimeException e) {
        Thread me = Thread.currentThread();
        me.getUncaughtExceptionHandler().uncaughtException(me, e);
    }

    /** The outcome; or, if there is none yet, null after registering {@code waker} for it. */
    @SuppressWarnings("unchecked")
    Outcome<T> poll(Waker waker) {
        while (true) {
            Object s = STATE.getAcquire(this);
            if (s instanceof Outcome<?> o) {
                Rt.acquireFrom(this); // the testkit's edge from complete() (ADR 0134)
                return (Outcome<T>) o;
            }
            Waker[] ws = (Waker[]) s;
            int live = 0;
            for (Waker w : ws) {
                if (w == waker) {
                    return null;
                }
                live += expired(w) ? 0 : 1;
            }
            Waker[] more;
            if (live == ws.length) {
                more = Arrays.copyOf(ws, ws.length + 1);
                more[ws.length] = waker;
            } else { // drop the expired ones (see the notes)
                more = new Waker[live + 1];
                int j = 0;
                for (Waker w : ws) {
                    if (j < live && !expired(w)) { // expiry only grows: j stops at live
                        more[j++] = w;
                    }
                }
                if (j < live) {
                    more = Arrays.copyOf(more, j + 1);
                }
                more[j] = waker;
            }
            if (STATE.compareAndSet(this, s, more)) { // volatile: publishes the registration
                simRegistered(s, more);
                return null;
            }
        }
    }

    private static boolean expired(Waker w) {
        return w instanceof Expiring e && e.expired();
    }

    /** The wakers registered now, expired ones included (tests). */
    int registeredWakers() {
        return STATE.getAcquire(this) instanceof Waker[] ws ? ws.length : 0;
    }

    /** Deregisters {@code waker} (a blocked thread that gave up). */
    void remove(Waker waker) {
        while (true) {
            Object s = STATE.getAcquire(this);
            if (!(s instanceof Waker[] ws)) {
                return;
            }
            int i = Arrays.asList(ws).indexOf(waker);
            if (i < 0) {
                return;
            }
            Waker[] less = new Waker[ws.length - 1];
            System.arraycopy(ws, 0, less, 0, i);
            System.arraycopy(ws, i + 1, less, i, ws.length - i - 1);
            if (STATE.compareAndSet(this, s, less)) {
                simRegistered(s, less);
                return;
            }
        }
    }

    /**
     * Under the testkit, a CAS from the waker array {@code read} to {@code written}: it publishes
     * the caller's view, and the registrations it read, with its array, which complete()'s swap
     * reads (ADR 0134: keyed by the array, so only the CASes that read it are ordered).
     */
    private static void simRegistered(Object read, Object written) {
        Rt.releaseTo(written);
        Rt.passOn(read, written);
    }

    /**
     * Blocks the calling thread until the outcome is set or {@code deadline} passes.
     *
     * @return the outcome, or null if the deadline passed first
     */
    Outcome<T> await(Deadline deadline, boolean cancellable, Object blocker)
            throws InterruptedException {
        Outcome<T> o = outcome();
        if (o != null) {
            return o;
        }
        Thread self = Thread.currentThread();
        Waker w = () -> Rt.unpark(self);
        try (Waiting wait = new Waiting(deadline, cancellable, "join", blocker)) {
            while (true) {
                o = poll(w);
                if (o != null) {
                    return o;
                }
                wait.check();
                if (wait.expired()) {
                    return outcome();
                }
                wait.park(Rt.simulating() ? parkBlocker(blocker) : blocker);
            }
        } finally {
            remove(w);
        }
    }

    /**
     * Under the testkit: what a thread blocked in {@link #await} parks on, for the deadlock report
     * (a task stands its join in by what it awaits, {@link RawTask}).
     */
    Object parkBlocker(Object blocker) {
        return blocker;
    }
}
