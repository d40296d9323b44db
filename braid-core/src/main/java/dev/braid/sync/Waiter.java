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
        return Rt.sim() == null ? PARK_SPINS + PARK_YIELDS : 1;
    }

    /** One pre-park iteration, with {@code left} more to go: spins first, then yields. */
    static void backOff(int left) {
        if (left < PARK_YIELDS) {
            Rt.yieldNow();
        } else {
            Rt.spinWait();
        }
    }

    Waiter(Thread thread, boolean exclusive, long since) {
        this.thread = thread;
        this.exclusive = exclusive;
        this.since = since;
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

    /** Throws the exception of a scope that stopped a wait. */
    static void throwStopped(CancelScope scope) {
        scope.check(); // throws: tokens and expiry never revert
        throw new AssertionError("scope stopped but check() passed");
    }
}
