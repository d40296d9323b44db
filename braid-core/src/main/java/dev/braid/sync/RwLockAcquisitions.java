package dev.braid.sync;

import dev.braid.cancel.Deadline;
import dev.braid.internal.rt.Op;
import dev.braid.internal.rt.Rt;

/**
 * The acquisitions of an {@link RwLock} besides {@code read()} and {@code write()}'s uncontended
 * paths: the non-blocking attempts ({@code tryRead()}, {@code tryWrite()}), the interruptible,
 * timed and scope-bounded acquisitions, the slow path every acquisition that has to wait shares,
 * the write re-acquisition after a {@link Condvar} wait, the optimistic read's fallback hold, and
 * the release of a hold granted to a waiter that stopped waiting. Stateless: static methods over
 * the lock's state word, whose bits and protocol are described in RwLock's implementation notes.
 */
final class RwLockAcquisitions {
    /*
     * Implementation notes
     *
     * Split. These paths were part of RwLock itself; they moved here unchanged (no behaviour
     * change) to keep RwLock under the house rule's 1,000 lines. What stayed in RwLock is what
     * read() and write() run when the lock is available, and every release: the uncontended fast
     * paths (tryReadNow, tryClaimWrite, the inline check of awaitStripesDrained) and unlockRead /
     * unlockWrite / downgrade, so the hot paths gain no call. Every path here either waits (so a
     * static call is noise next to a park) or is a non-blocking attempt that the JIT inlines like
     * any small static method.
     *
     * Memory ordering. Unchanged: every state change is the lock's own atomic RMW (acquire on
     * acquisition, release on release), through its package-private accessors.
     *
     * References. See RwLock and RwLockQueue.
     */

    private RwLockAcquisitions() {}

    // ---- attempts that never wait ----

    /**
     * tryRead()'s attempt on the state word: CENTRAL if a hold was taken, else NOT_HELD (after
     * refusing a caller that holds the write lock). Retries while only other readers change the
     * state, so another reader's CAS never makes it fail (found by Lincheck).
     */
    static int tryReadHold(RwLock<?> lock) {
        long s;
        while (((s = lock.stateVolatile()) & RwLock.READ_BLOCKERS) == 0) {
            if (lock.casState(s, s + RwLock.READER)) {
                return RwLock.CENTRAL;
            }
        }
        ReadHolds.refuseReentry(lock, false);
        return RwLock.NOT_HELD;
    }

    /**
     * tryWrite()'s attempt: true if the caller now holds the write lock (not yet entered). Fails
     * without claiming while striped readers hold, so it never disturbs them; a claim that a
     * striped reader beat is given back.
     */
    static boolean tryWriteNow(RwLock<?> lock) {
        RwLockStripes st = lock.stripes;
        if (st == null || st.sum() == 0) { // striped readers hold: fail without disturbing them
            long s;
            while (((s = lock.stateVolatile()) & RwLock.WRITE_BLOCKERS) == 0) {
                if (lock.casState(s, s + RwLock.WRITER)) { // fails only if the state changed
                    st = lock.stripes; // read after the claim (a reader may have just inflated)
                    if (st == null || st.sum() == 0) {
                        return true;
                    }
                    lock.abandonClaim(); // a striped reader came in before our claim
                    break;
                }
            }
        }
        ReadHolds.refuseReentry(lock, true);
        return false;
    }

    // ---- interruptible, timed and scope-bounded acquisitions ----

    /** Interruptible read acquisition, bounded by {@code deadline}: the hold's slot or NOT_HELD. */
    static int acquireRead(RwLock<?> lock, Deadline deadline) throws InterruptedException {
        Rt.yieldPoint(Op.LOCK, lock);
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        LockHooks.beforeBlocking(lock);
        int slot = lock.tryReadNow();
        if (slot != RwLock.NOT_HELD || (slot = ReadHolds.rejoinRead(lock)) != RwLock.NOT_HELD) {
            return slot;
        }
        return acquireSlow(lock, false, !deadline.isNever(), deadline.nanoTime(), true)
                ? RwLock.CENTRAL
                : RwLock.NOT_HELD;
    }

    /** Interruptible write acquisition, bounded by {@code deadline}; true once held. */
    static boolean acquireWrite(RwLock<?> lock, Deadline deadline) throws InterruptedException {
        Rt.yieldPoint(Op.LOCK, lock);
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        LockHooks.beforeBlocking(lock);
        boolean timed = !deadline.isNever();
        long d = deadline.nanoTime();
        return (lock.tryClaimWrite() || acquireSlow(lock, true, timed, d, true))
                && lock.awaitStripesDrained(timed, d, true, true);
    }

    /**
     * Queues and waits (RwLockQueue) after the fast path failed: refuses a wait for the caller's
     * own hold first, and reports the wait to JFR and the lock's counters. True once held; false on
     * timeout; throws for an interrupt or a stopped scope.
     */
    static boolean acquireSlow(
            RwLock<?> lock, boolean write, boolean timed, long deadline, boolean interruptible)
            throws InterruptedException {
        ReadHolds.refuseReentry(lock, write);
        LockCounters counters = lock.counters;
        LockContendedEvent event = LockContendedEvent.start();
        long start = counters == null ? 0L : Rt.nanoTime();
        boolean acquired = false;
        try {
            acquired = lock.waiters.await(write, timed, deadline, interruptible, true);
            return acquired;
        } finally {
            event.finish(lock, write ? "write" : "read", acquired);
            if (counters != null) {
                counters.waited(Rt.nanoTime() - start, acquired);
            }
        }
    }

    // ---- after a Condvar wait; the optimistic read's fallback; abandoned grants ----

    /** After a Condvar wait: takes the write lock back, ignoring interrupts and the scope. */
    static void reacquireWriteAfterWait(RwLock<?> lock) {
        try {
            if (!lock.tryClaimWrite()) {
                lock.waiters.await(true, false, 0L, false, false);
            }
            lock.awaitStripesDrained(false, 0L, false, false);
        } catch (InterruptedException e) {
            throw new AssertionError("uninterruptible wait was interrupted", e);
        }
        lock.writer = Thread.currentThread();
        LockHooks.acquired(lock);
    }

    /** Takes a read hold without a guard, for readOptimistic's fallback; returns its slot. */
    static int holdForRead(RwLock<?> lock) {
        int slot = lock.acquireReadUninterruptibly();
        lock.enterReadHold(slot, true);
        lock.readHolds.get().add(slot);
        return slot;
    }

    /** Releases a hold taken by {@link #holdForRead}. */
    static void releaseHeld(RwLock<?> lock, int slot) {
        lock.readHolds.get().remove(slot);
        lock.unlockRead(slot);
    }

    /** A waiter got the write lock just as it was interrupted or stopped: release it normally. */
    static void abandonGrantedWrite(RwLock<?> lock) {
        lock.writer = Thread.currentThread();
        LockHooks.acquired(lock);
        lock.unlockWrite();
    }

    /** A waiter got a read hold just as it was interrupted or stopped: release it normally. */
    static void abandonGrantedRead(RwLock<?> lock) {
        LockHooks.acquired(lock);
        lock.unlockRead(RwLock.CENTRAL);
    }
}
