package dev.braid.sync;

/**
 * A parked thread in one of braid's lock or condvar queues. The queue itself ({@link WaitQueue}) is
 * guarded by its owner's queue-lock bit; {@link #status} is the only field another thread reads
 * without that bit, so it is volatile: the thread that changes it from {@link #WAITING} then
 * unparks the waiter, and the waiter re-reads it after every (possibly spurious) return from park.
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

    final Thread thread;

    /** True for a writer in an RwLock queue; unused elsewhere. */
    final boolean exclusive;

    /** When this thread first queued (seam clock), for the eventual-fairness bound. */
    final long since;

    volatile int status;
    Waiter next; // guarded by the owner's queue lock

    Waiter(Thread thread, boolean exclusive, long since) {
        this.thread = thread;
        this.exclusive = exclusive;
        this.since = since;
    }
}
