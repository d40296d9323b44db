package dev.braid.sync;

import static dev.braid.sync.RwLock.ONE_READER;
import static dev.braid.sync.RwLock.ONE_WRITER;
import static dev.braid.sync.RwLock.Q_LOCK;
import static dev.braid.sync.RwLock.Q_QUEUED;
import static dev.braid.sync.RwLock.READER_BITS;

import dev.braid.internal.rt.Rt;

/**
 * The contended half of {@link RwLock}: queueing, phase-fair hand-off and cancellation. The
 * algorithm, the state layout and the orderings are described in RwLock's implementation notes;
 * this class only holds the code, to keep each file readable.
 */
final class RwLockQueue {
    private RwLockQueue() {}

    /**
     * Spins, then queues and waits to be handed the lock. Returns true once held (the state already
     * counts the caller), false on timeout; throws InterruptedException only when {@code
     * interruptible}.
     */
    static boolean await(
            RwLock<?> lock, boolean write, boolean timed, long deadline, boolean interruptible)
            throws InterruptedException {
        int spins = 0;
        Waiter node = null;
        long blockers = write ? (ONE_WRITER | READER_BITS | Q_QUEUED) : (ONE_WRITER | Q_QUEUED);
        long unit = write ? ONE_WRITER : ONE_READER;
        while (true) {
            long s = lock.stateVolatile();
            if ((s & blockers) == 0) {
                if (lock.casState(s, s + unit)) {
                    return true;
                }
                continue;
            }
            if (timed && Rt.nanoTime() - deadline >= 0) {
                return false;
            }
            if ((s & Q_QUEUED) == 0 && spins < RwLock.SPINS) {
                spins++;
                Rt.spinWait();
                continue;
            }
            if (node == null) {
                node = new Waiter(Thread.currentThread(), write, 0L);
            }
            if ((s & Q_LOCK) != 0 || !lock.casState(s, s | Q_LOCK | Q_QUEUED)) {
                Rt.spinWait();
                continue;
            }
            // QLOCK held, and the state we replaced blocked us: its holder will dispatch.
            node.status = Waiter.WAITING;
            lock.queue().append(node);
            lock.addState(-Q_LOCK);
            return park(lock, node, write, timed, deadline, interruptible);
        }
    }

    private static boolean park(
            RwLock<?> lock,
            Waiter node,
            boolean write,
            boolean timed,
            long deadline,
            boolean interruptible)
            throws InterruptedException {
        boolean keepInterrupt = false;
        boolean timedOut = false;
        boolean interrupted = false;
        int st;
        try {
            while ((st = node.status) == Waiter.WAITING) {
                if (timed) {
                    if (Rt.nanoTime() - deadline >= 0) {
                        timedOut = true;
                    } else {
                        Rt.parkUntil(lock, deadline);
                    }
                } else {
                    Rt.park(lock);
                }
                if (Thread.interrupted()) {
                    if (interruptible) {
                        interrupted = true;
                    } else {
                        keepInterrupt = true;
                    }
                }
                if (timedOut || interrupted) {
                    st = cancel(lock, node);
                    break;
                }
            }
        } finally {
            if (keepInterrupt) {
                Thread.currentThread().interrupt();
            }
        }
        if (st == Waiter.GRANTED) {
            if (interrupted) {
                // Granted just as we were interrupted: pass the hold on, then report the interrupt.
                if (write) {
                    lock.abandonGrantedWrite();
                } else {
                    lock.abandonGrantedRead();
                }
                throw new InterruptedException();
            }
            return true;
        }
        if (interrupted) {
            throw new InterruptedException();
        }
        return false;
    }

    /** Removes {@code node} if still queued (and re-dispatches); returns its final status. */
    private static int cancel(RwLock<?> lock, Waiter node) {
        qlock(lock);
        int st = node.status;
        Waiter granted = null;
        if (st == Waiter.WAITING) {
            lock.queue().remove(node);
            node.status = st = Waiter.CANCELLED;
            granted = grant(lock, false);
        }
        qunlock(lock);
        unparkAll(granted);
        return st;
    }

    static void dispatch(RwLock<?> lock, boolean afterWrite) {
        qlock(lock);
        Waiter granted = grant(lock, afterWrite);
        qunlock(lock);
        unparkAll(granted);
    }

    /**
     * Under QLOCK: grants the lock to as many queued waiters as the state allows and returns them
     * as a chain (through {@code next}), already marked GRANTED.
     */
    private static Waiter grant(RwLock<?> lock, boolean afterWrite) {
        WaitQueue q = lock.queue();
        Waiter head = q.peek();
        if (head == null) {
            return null;
        }
        long s = lock.stateVolatile();
        if ((s & ONE_WRITER) != 0) {
            return null;
        }
        if (!head.exclusive || (afterWrite && q.hasShared())) {
            // Phase-fair: every queued reader enters this read phase together.
            Waiter chain = q.removeAllShared();
            long n = 0;
            for (Waiter w = chain; w != null; w = w.next) {
                n++;
            }
            lock.addState(n * ONE_READER);
            for (Waiter w = chain; w != null; w = w.next) {
                w.status = Waiter.GRANTED;
            }
            return chain;
        }
        while (true) {
            if ((s & (READER_BITS | ONE_WRITER)) != 0) {
                return null;
            }
            if (lock.casState(s, s + ONE_WRITER)) {
                break;
            }
            s = lock.stateVolatile();
        }
        q.poll();
        head.status = Waiter.GRANTED;
        return head;
    }

    private static void unparkAll(Waiter chain) {
        while (chain != null) {
            Waiter next = chain.next; // read before unpark: the node is the waiter's again after
            Rt.unpark(chain.thread);
            chain = next;
        }
    }

    private static void qlock(RwLock<?> lock) {
        while (true) {
            long s = lock.stateVolatile();
            if ((s & Q_LOCK) == 0 && lock.casState(s, s | Q_LOCK)) {
                return;
            }
            Rt.spinWait();
        }
    }

    /** Releases QLOCK, setting QUEUED to whether anyone still waits (other bits may change). */
    private static void qunlock(RwLock<?> lock) {
        long queued = lock.queue().isEmpty() ? 0L : Q_QUEUED;
        while (true) {
            long s = lock.stateVolatile();
            if (lock.casState(s, (s & ~(Q_LOCK | Q_QUEUED)) | queued)) {
                return;
            }
        }
    }
}
