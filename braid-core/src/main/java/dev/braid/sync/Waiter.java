package dev.braid.sync;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancellationRegistration;
import dev.braid.internal.rt.Rt;

/**
 * A parked thread in one of braid's lock or condvar queues. The queue itself ({@link WaitQueue}) is
 * guarded by its owner's queue-lock bit; {@link #status} is the only field another thread reads
 * without that bit, so it is volatile: the thread that changes it from {@link #WAITING} then
 * unparks the waiter, and the waiter re-reads it after every (possibly spurious) return from park.
 *
 * <p>{@link Mutex} and {@link Condvar} skip that unpark while {@link #parked} is false: a waiter
 * that spins on its status before parking sets {@code parked} (volatile) and then re-reads {@code
 * status} before it parks; a waker writes {@code status} (volatile) and then reads {@code parked}.
 * Volatile accesses are totally ordered, so at least one side sees the other's write: either the
 * waiter sees its new status and does not park, or the waker sees {@code parked} and unparks.
 */
final class Waiter {
    /** Still queued; nobody has decided its fate. */
    static final int WAITING = 0;

    /** Dequeued and woken: it must compete for the resource again. */
    static final int WOKEN = 1;

    /** Dequeued and handed the resource: it owns it now. */
    static final int GRANTED = 2;

    /** Removed from the queue by itself (timeout or interrupt). */
    static final int CANCELLED = 3;

    /**
     * A notified condvar waiter that the notifier moved onto its {@link #requeueTo} mutex's queue
     * (wait morphing): that mutex's unlock will set {@link #WOKEN} or {@link #GRANTED}.
     */
    static final int REQUEUED = 4;

    /**
     * How many times a waiter about to park first re-reads its status between {@link
     * Rt#spinWait()}s: a partner that is running on another core answers within a microsecond or
     * so, while a park and unpark cost several. Small, as spinning steals a core on a small box.
     */
    static final int PARK_SPINS = 32;

    /**
     * Then how many times it re-reads its status between {@link Rt#yieldNow()}s: on a box with more
     * runnable threads than cores the partner may need this very core to answer, and a yield lets
     * it run for the price of a context switch instead of a futex sleep and wake-up.
     */
    static final int PARK_YIELDS = 8;

    final Thread thread;

    /** True for a writer in an RwLock queue; unused elsewhere. */
    final boolean exclusive;

    /**
     * When this thread first queued (seam clock), for the eventual-fairness bound. Written before
     * the node is published, or under the mutex's queue lock when a condvar waiter is requeued.
     */
    long since;

    volatile int status;

    /** Whether the waiter may be parked, so a waker must unpark it (see the class notes). */
    volatile boolean parked;

    /**
     * For a condvar waiter over a {@link Mutex}: the mutex that a notifier may requeue it onto
     * while that mutex is held; null otherwise. Written before the node is published.
     */
    Mutex<?> requeueTo;

    Waiter next; // guarded by the owner's queue lock

    /**
     * The pre-park budget of a waiter: {@link #PARK_SPINS} + {@link #PARK_YIELDS} iterations, or
     * one under the testkit, where an iteration covers the code path and more would only lengthen
     * every schedule.
     */
    static int spinBudget() {
        return spinBudget(PARK_SPINS);
    }

    /** One pre-park iteration, with {@code left} more to go: spins first, then yields. */
    static void backOff(int left) {
        backOff(left, 1);
    }

    /**
     * Like {@link #spinBudget()}, for a waiter whose spin iterations are {@code spins} long {@link
     * #pause}s: {@code spins} + {@link #PARK_YIELDS} iterations, or one under the testkit.
     */
    static int spinBudget(int spins) {
        return Rt.sim() == null ? spins + PARK_YIELDS : 1;
    }

    /**
     * One pre-park iteration of a {@link #spinBudget(int)} loop, with {@code left} more to go: a
     * {@link #pause} of {@code hints} first, then yields.
     */
    static void backOff(int left, int hints) {
        if (left < PARK_YIELDS) {
            Rt.yieldNow();
        } else {
            pause(hints);
        }
    }

    /**
     * Waits {@code hints} {@link Rt#spinWait()}s without touching shared memory, so that a thread
     * busy in a contended cache line gets it to itself meanwhile. Under the testkit a single
     * spin-wait: one yield point, not {@code hints} of them.
     */
    static void pause(int hints) {
        if (Rt.sim() != null) {
            Rt.spinWait();
            return;
        }
        for (int i = hints; i > 0; i--) {
            Rt.spinWait();
        }
    }

    Waiter(Thread thread, boolean exclusive, long since) {
        this.thread = thread;
        this.exclusive = exclusive;
        this.since = since;
    }

    /** The status part of what {@link #awaitFate} returns. */
    static final int STATUS_MASK = 0xff;

    /** In what {@link #awaitFate} returns: the deadline passed. */
    static final int TIMED_OUT = 1 << 8;

    /**
     * In what {@link #awaitFate} returns: an interruptible wait was interrupted (status cleared).
     */
    static final int INTERRUPTED = 1 << 9;

    /** In what {@link #awaitFate} returns: the ambient scope was cancelled. */
    static final int STOPPED = 1 << 10;

    /**
     * In what {@link #awaitFate} returns: an uninterruptible wait cleared an interrupt, which the
     * caller must set again when it is done.
     */
    static final int KEEP_INTERRUPT = 1 << 11;

    /** Takes a waiter out of its owner's queue, if still there; returns its final status. */
    interface Canceller {
        int cancel(Waiter node);
    }

    /**
     * The park loop of a queued lock waiter (Mutex and RwLockQueue): parks on {@code blocker} until
     * its status leaves {@link #WAITING}. A passed {@code deadline} (if {@code timed}), an
     * interrupt (if {@code interruptible}) or a cancelled {@code scope} (if {@code stop} is its
     * registered wake-up) ends the wait early through {@code canceller}, whose answer may still be
     * {@link #WOKEN} or {@link #GRANTED} when a waker got there first: the caller must then pass
     * that wake-up or hold on. Returns the final status or'ed with the reasons ({@link #TIMED_OUT},
     * {@link #INTERRUPTED}, {@link #STOPPED}, {@link #KEEP_INTERRUPT}).
     */
    int awaitFate(
            Object blocker,
            boolean timed,
            long deadline,
            boolean interruptible,
            CancelScope scope,
            CancellationRegistration stop,
            Canceller canceller) {
        int why = 0;
        int st;
        while ((st = status) == WAITING) {
            if (stop != null && scope.isCancelled()) {
                why |= STOPPED;
            } else if (timed) {
                if (Rt.nanoTime() - deadline >= 0) {
                    why |= TIMED_OUT;
                } else {
                    Rt.parkUntil(blocker, parkDeadline(scope, stop, deadline));
                }
            } else if (stop != null && !scope.deadline().isNever()) {
                Rt.parkUntil(blocker, scope.deadline().nanoTime());
            } else {
                Rt.park(blocker);
            }
            if (Thread.interrupted()) {
                why |= interruptible ? INTERRUPTED : KEEP_INTERRUPT;
            }
            if ((why & (TIMED_OUT | INTERRUPTED | STOPPED)) != 0) {
                st = canceller.cancel(this);
                break;
            }
        }
        return st | why;
    }

    /**
     * When a waiter in an active ambient scope parks until: the earlier of its own {@code deadline}
     * and the scope's, if it registered a wake-up ({@code stop}) and the scope has a deadline.
     */
    static long parkDeadline(CancelScope scope, CancellationRegistration stop, long deadline) {
        if (stop == null || scope.deadline().isNever()) {
            return deadline;
        }
        long d = scope.deadline().nanoTime();
        return d - deadline < 0 ? d : deadline;
    }

    /**
     * Throws the exception of a scope that stopped this waiter's wait for {@code lock} (a Mutex or
     * an RwLock), naming the lock, the operation and how long it waited.
     */
    void throwStopped(CancelScope scope, Object lock) {
        String op = lock instanceof Mutex<?> ? "lock" : exclusive ? "write" : "read";
        scope.checkWaiting(op, lock, since); // throws: tokens and expiry never revert
        throw new AssertionError("scope stopped but check() passed");
    }

    /** Throws the exception of a scope that stopped a wait. */
    static void throwStopped(CancelScope scope) {
        scope.check(); // throws: tokens and expiry never revert
        throw new AssertionError("scope stopped but check() passed");
    }
}
