package dev.braid.sync;

import static dev.braid.sync.RwLock.HANDOFF;
import static dev.braid.sync.RwLock.QLOCK;
import static dev.braid.sync.RwLock.QUEUED;
import static dev.braid.sync.RwLock.READER;
import static dev.braid.sync.RwLock.READERS;
import static dev.braid.sync.RwLock.READ_BLOCKERS;
import static dev.braid.sync.RwLock.WOKEN_READ_BLOCKERS;
import static dev.braid.sync.RwLock.WRITER;
import static dev.braid.sync.RwLock.WRITE_BLOCKERS;
import static dev.braid.sync.RwLock.WSPIN;
import static dev.braid.sync.RwLock.WSPINS;
import static dev.braid.sync.RwLock.WWAIT;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancellationRegistration;
import dev.braid.internal.rt.Rt;

/**
 * The contended half of {@link RwLock}: spinning, queueing, wake-ups, hand-offs, timeouts and
 * ambient cancellation. The state word's layout, its invariants and the lock's orderings are
 * described in RwLock's implementation notes. Every field is guarded by the lock's QLOCK bit.
 */
final class RwLockQueue {
    /*
     * Implementation notes
     *
     * Algorithm. A releaser that sees QUEUED takes QLOCK and dispatches. By default it *wakes* the
     * head (a writer, or every queued reader) and leaves the lock free: woken threads compete with
     * arrivals, and a loser requeues at the front keeping its `since` (parking_lot's eventual
     * fairness, as in Mutex). If the head has waited FAIR_BOUND_NANOS, the releaser *grants*
     * instead (phase-fair hand-off: all queued readers after a write, else the head): it changes
     * the state word on the waiters' behalf; if the state does not allow it yet (a barger got in),
     * it sets HANDOFF, which stops all barging until the holders leave and the next release
     * grants. A fair lock grants at every dispatch, and keeps HANDOFF set whenever anyone is
     * queued, so nobody ever barges (the strict phase-fair lock of Brandenburg and Anderson, with
     * blocking instead of spinning).
     *
     * Lost wake-ups. A woken waiter that times out, is interrupted or is stopped by its scope makes
     * one more attempt; if it gets the lock it keeps it (timeout) or releases it normally, which
     * dispatches; if not, whoever blocks it dispatches later. So the queue never stalls with the
     * lock available to its head (testkit exploration checks this: a stall is a deadlock report).
     *
     * Memory ordering. Node fates (WOKEN, GRANTED, CANCELLED) are written under QLOCK. A grant's
     * state RMW and the volatile GRANTED write happen-after the releaser's release, so the grantee
     * sees the previous critical section.
     *
     * Ambient cancellation. As in Mutex: only a thread that queues reads CancelScope.current();
     * it parks no later than the scope's deadline, registers a wake-up on the scope's tokens, and
     * when stopped leaves like a timed-out waiter (cancel, or pass on a consumed wake-up or grant)
     * and throws through scope.check(). Re-acquisition after a Condvar wait ignores the scope (a
     * wait must return holding the lock).
     *
     * Tradeoffs. Wake-and-compete lets a woken waiter lose to an arrival (a requeue, ~10 us of
     * park/unpark on a 2-core box), but keeps the common phase changes free of context switches;
     * the bound keeps waits finite (ADR 0011, with the measurements).
     *
     * References. B. Brandenburg and J. Anderson, "Spin-Based Reader-Writer Synchronization for
     * Multiprocessor Real-Time Systems" (Real-Time Systems 46(1), 2010); parking_lot's RawRwLock
     * and "eventual fairness" notes (A. d'Antras).
     */

    private final RwLock<?> lock;
    final boolean fair;
    private final WaitQueue queue = new WaitQueue();

    /** Queued writers (WWAIT). */
    private int writersWaiting;

    /** The head waited past the bound and could not be granted at once: no barging (WWAIT). */
    private boolean handoff;

    RwLockQueue(RwLock<?> lock, boolean fair) {
        this.lock = lock;
        this.fair = fair;
    }

    /**
     * Spins, then queues and waits to be woken or handed the lock. Returns true once held (the
     * state already counts the caller), false on timeout; throws InterruptedException only when
     * {@code interruptible}, and the scope's exception only when {@code ambient}.
     */
    boolean await(
            boolean write, boolean timed, long deadline, boolean interruptible, boolean ambient)
            throws InterruptedException {
        boolean keepInterrupt = false;
        boolean woken = false; // dequeued by a wake-up: competes, requeues at the front if it loses
        boolean announced = false; // a spinning writer counted in WSPIN: arriving readers wait
        int spins = 0;
        int budget = Waiter.spinBudget(); // spins before queueing (one under the testkit)
        Waiter node = null;
        CancelScope scope = null;
        CancellationRegistration stop = null;
        try {
            while (true) {
                long s = lock.stateVolatile();
                if ((s & blockers(write, woken)) == 0) {
                    long next = write ? s + WRITER - (announced ? WSPIN : 0L) : s + READER;
                    if (lock.casState(s, next)) {
                        return true;
                    }
                    continue;
                }
                if (timed && Rt.nanoTime() - deadline >= 0) {
                    if (announced) {
                        withdraw();
                    }
                    return false;
                }
                // Spin even past waiters (they do not block us), but not in a fair lock's queue.
                if (spins < budget && (!fair || (s & QUEUED) == 0)) {
                    if (write && !announced && (s & READERS) != 0 && (s & WSPINS) != WSPINS) {
                        // Readers hold: hold arriving ones back while we spin, so the phase drains.
                        announced = lock.casState(s, s + WSPIN);
                        continue;
                    }
                    spins++;
                    Waiter.backOff(budget - spins); // spins, then yields: a preempted holder runs
                    continue;
                }
                if (node == null) {
                    node = new Waiter(Thread.currentThread(), write, fair ? 0L : Rt.nanoTime());
                }
                long enqueue = QLOCK | QUEUED | (write ? WWAIT : 0L) | (fair ? HANDOFF : 0L);
                long unannounce = announced ? WSPIN : 0L; // WWAIT takes over from WSPIN
                long now = announced && !fair ? Rt.nanoTime() : 0L; // outside QLOCK
                if ((s & QLOCK) != 0 || !lock.casState(s, (s - unannounce) | enqueue)) {
                    Rt.spinWait();
                    continue;
                }
                // QLOCK held, and the state we replaced blocked us: whoever blocks us dispatches.
                node.status = Waiter.WAITING;
                if (woken) {
                    queue.pushFront(node); // keeps its turn
                } else if (announced && writersWaiting == 0 && !handoff) {
                    // Queued readers (if any) arrived while we spun and held them back: we came
                    // first, so we go first ("arriving readers wait behind a waiting writer").
                    queue.pushFront(node);
                } else {
                    queue.append(node);
                }
                if (write) {
                    writersWaiting++;
                }
                Thread[] next = null;
                if (announced) {
                    // Readers may have queued because of our WSPIN, and in a fair lock the
                    // HANDOFF they set is what blocks us now: each would wait for the other, and
                    // the readers' holders may all be gone. We were their blocker, so we dispatch.
                    next = threadsOf(decide(false, now));
                    announced = false;
                }
                qunlock();
                unparkAll(next);
                if (ambient && scope == null) {
                    scope = CancelScope.current();
                    if (scope.isActive()) {
                        stop = scope.wakeOnCancel(node.thread);
                    }
                }

                int fate =
                        node.awaitFate(
                                lock, timed, deadline, interruptible, scope, stop, this::cancel);
                int st = fate & Waiter.STATUS_MASK;
                boolean interrupted = (fate & Waiter.INTERRUPTED) != 0;
                boolean stopped = (fate & Waiter.STOPPED) != 0; // by the ambient scope
                boolean left =
                        (fate & (Waiter.TIMED_OUT | Waiter.INTERRUPTED | Waiter.STOPPED)) != 0;
                keepInterrupt |= (fate & Waiter.KEEP_INTERRUPT) != 0;
                if (st == Waiter.WOKEN && left) {
                    // We consumed a wake-up: take the lock if we can, so the queue cannot stall;
                    // if we cannot, whoever blocks us dispatches when it is done.
                    st = takeNow(write) ? Waiter.GRANTED : Waiter.CANCELLED;
                }
                if (st == Waiter.GRANTED) {
                    if (interrupted || stopped) {
                        if (write) { // pass the hold on (wakes or grants the next), then report
                            RwLockAcquisitions.abandonGrantedWrite(lock);
                        } else {
                            RwLockAcquisitions.abandonGrantedRead(lock);
                        }
                        if (stopped) {
                            node.throwStopped(scope, lock);
                        }
                        throw new InterruptedException();
                    }
                    return true;
                }
                if (st == Waiter.CANCELLED) {
                    if (stopped) {
                        node.throwStopped(scope, lock);
                    }
                    if (interrupted) {
                        throw new InterruptedException();
                    }
                    return false;
                }
                // WOKEN: compete again (with a fresh spin), keeping our place at the front.
                woken = true;
                spins = 0;
            }
        } finally {
            if (stop != null) {
                stop.deregister();
            }
            if (keepInterrupt) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * What stops this waiter: an arriving reader defers to waiting writers, a woken one does not.
     */
    private static long blockers(boolean write, boolean woken) {
        return write ? WRITE_BLOCKERS : woken ? WOKEN_READ_BLOCKERS : READ_BLOCKERS;
    }

    /** The last attempt of a woken waiter that is leaving: true if it now holds the lock. */
    private boolean takeNow(boolean write) {
        while (true) {
            long s = lock.stateVolatile();
            if ((s & blockers(write, true)) != 0) {
                return false;
            }
            if (lock.casState(s, s + (write ? WRITER : READER))) {
                return true;
            }
        }
    }

    /**
     * A spinning writer leaves (timed out) without the lock: it no longer holds arriving readers
     * back, and readers that queued because of it must be woken.
     */
    private void withdraw() {
        long n = lock.addState(-WSPIN);
        if ((n & QUEUED) != 0) {
            dispatch(false);
        }
    }

    /** Removes {@code node} if still queued (and re-dispatches); returns its final status. */
    private int cancel(Waiter node) {
        long now = fair ? 0L : Rt.nanoTime();
        qlock();
        int st = node.status;
        Thread[] next = null;
        if (st == Waiter.WAITING) {
            queue.remove(node);
            node.status = st = Waiter.CANCELLED;
            if (node.exclusive) {
                writersWaiting--;
            }
            next = threadsOf(decide(false, now)); // the head, or WWAIT, may have changed
        }
        qunlock();
        unparkAll(next);
        return st;
    }

    /**
     * Called by a releaser that saw QUEUED: wakes, or hands the lock to, whoever can have it now;
     * {@code afterWrite} prefers queued readers when handing off.
     */
    void dispatch(boolean afterWrite) {
        long now = fair ? 0L : Rt.nanoTime(); // read outside QLOCK: no yield point inside
        qlock();
        Thread[] next = threadsOf(decide(afterWrite, now));
        qunlock();
        unparkAll(next);
    }

    /**
     * Under QLOCK: picks who goes next and returns them as a chain (through {@code next}), already
     * dequeued and marked WOKEN or GRANTED; sets {@link #handoff}.
     */
    private Waiter decide(boolean afterWrite, long now) {
        Waiter head = queue.peek();
        if (head == null) {
            handoff = false;
            return null;
        }
        if (fair) {
            return grant(afterWrite);
        }
        if (now - head.since >= Mutex.FAIR_BOUND_NANOS) {
            Waiter granted = grant(afterWrite);
            Waiter next = queue.peek();
            // Not granted: the state blocks the head, so holders exist; their release grants.
            handoff = granted == null || next != null && now - next.since >= Mutex.FAIR_BOUND_NANOS;
            return granted;
        }
        handoff = false;
        long s = lock.stateVolatile();
        if (head.exclusive) {
            if ((s & (WRITER | READERS)) != 0) {
                return null; // the holders dispatch when they release
            }
            queue.poll();
            writersWaiting--;
            head.status = Waiter.WOKEN; // it spins (announced) before it requeues
            return head;
        }
        if ((s & WRITER) != 0) {
            return null; // the writer dispatches when it releases
        }
        Waiter chain = queue.removeAllShared();
        for (Waiter w = chain; w != null; w = w.next) {
            w.status = Waiter.WOKEN;
        }
        return chain;
    }

    /**
     * Under QLOCK: grants the lock to as many queued waiters as the state allows (phase-fair: all
     * queued readers if the head is a reader or a writer has just released, else the head writer)
     * and returns them, already dequeued and marked GRANTED; null if the state does not allow it.
     */
    private Waiter grant(boolean afterWrite) {
        Waiter head = queue.peek();
        if (!head.exclusive || (afterWrite && queue.hasShared())) {
            long n = queue.countShared() * READER;
            while (true) { // a CAS, not an add: a barging writer may take the lock meanwhile
                long s = lock.stateVolatile();
                if ((s & WRITER) != 0) {
                    return null;
                }
                if (lock.casState(s, s + n)) {
                    break;
                }
            }
            Waiter chain = queue.removeAllShared();
            for (Waiter w = chain; w != null; w = w.next) {
                w.status = Waiter.GRANTED;
            }
            return chain;
        }
        while (true) {
            long s = lock.stateVolatile();
            if ((s & (READERS | WRITER)) != 0) {
                return null;
            }
            if (lock.casState(s, s + WRITER)) {
                break;
            }
        }
        queue.poll();
        writersWaiting--;
        head.status = Waiter.GRANTED;
        return head;
    }

    /**
     * Under QLOCK: the threads of a chain of dequeued waiters. Read before QLOCK is released,
     * because a woken waiter may requeue its node (rewriting {@code next}) as soon as it can take
     * QLOCK, even before it is unparked (a spurious return from park).
     */
    private static Thread[] threadsOf(Waiter chain) {
        if (chain == null) {
            return null;
        }
        int n = 0;
        for (Waiter w = chain; w != null; w = w.next) {
            n++;
        }
        Thread[] threads = new Thread[n];
        int i = 0;
        for (Waiter w = chain; w != null; w = w.next) {
            threads[i++] = w.thread;
        }
        return threads;
    }

    private static void unparkAll(Thread[] threads) {
        if (threads != null) {
            for (Thread t : threads) {
                Rt.unpark(t);
            }
        }
    }

    private void qlock() {
        while (true) {
            long s = lock.stateVolatile();
            if ((s & QLOCK) == 0 && lock.casState(s, s | QLOCK)) {
                return;
            }
            Rt.spinWait();
        }
    }

    /**
     * Releases QLOCK and publishes the queue's summary bits (QUEUED, WWAIT, HANDOFF); other bits
     * may change meanwhile (readers come and go), so this is a CAS loop.
     */
    private void qunlock() {
        long bits = writersWaiting != 0 ? WWAIT : 0L;
        if (queue.isEmpty()) {
            handoff = false;
        } else {
            bits |= QUEUED | (fair || handoff ? HANDOFF : 0L);
        }
        long clear = ~(QLOCK | QUEUED | WWAIT | HANDOFF);
        while (true) {
            long s = lock.stateVolatile();
            if (lock.casState(s, (s & clear) | bits)) { // volatile: publishes the queue edit
                return;
            }
        }
    }
}
