package dev.braid.sync;

/**
 * The read holds one thread has on one {@link RwLock}, so that the lock can tell, when a thread is
 * about to wait, whether it would wait for itself. Owned and touched by its thread only (plain
 * fields); a guard remembers the record it was counted in, so release needs no lookup. Also home to
 * the lock's self-deadlock checks and the rejoining read, the slow-path code that consults these
 * records.
 */
final class ReadHolds {
    /*
     * Implementation notes
     *
     * Algorithm. Each lock keeps a ThreadLocal of these records (as ReentrantReadWriteLock keeps
     * its HoldCounter): acquisition counts the hold (one ThreadLocal lookup plus an increment),
     * release uncounts it through the guard's reference. The counts are consulted only on slow
     * paths: when a read would wait (a thread that already reads joins its own hold instead) and
     * when a write would wait (refused). A ThreadLocal per lock, not one per thread for all locks,
     * so that an abandoned lock (a guard never closed) is not kept alive by its readers' threads:
     * the ThreadLocal's key is weak, and the record goes with the lock.
     *
     * Self-deadlock (ADR 0037). A thread that already reads joins its own hold instead of queueing
     * behind a writer (rejoinRead: in its stripe, or in the state word, where a hold of its own
     * keeps WRITER clear), and a write that would wait for the caller's own read hold, or any
     * acquisition by the write holder, throws instead (refuseReentry).
     *
     * Memory ordering. None needed: only the owning thread reads or writes a record. The rejoining
     * read's increment is a volatile RMW like any read acquisition.
     *
     * Tradeoffs. The lookup is what point 1 of issue 15 costs the read fast path; ADR 0037 measures
     * it. The record stays in the thread's map after the holds drop to zero (removing and
     * re-creating it would cost every read a second lookup and an allocation).
     */

    /** The thread whose holds these are. */
    final Thread thread = Thread.currentThread();

    /** Holds counted in the lock's state word. */
    int central;

    /** Holds counted in the thread's stripe. */
    int striped;

    /** Counts a hold taken in {@code slot} (a stripe or {@link RwLock#CENTRAL}). */
    void add(int slot) {
        if (slot == RwLock.CENTRAL) {
            central++;
        } else {
            striped++;
        }
    }

    /** Uncounts a hold taken in {@code slot}. */
    void remove(int slot) {
        if (slot == RwLock.CENTRAL) {
            central--;
        } else {
            striped--;
        }
    }

    /** All of the thread's holds on the lock. */
    int count() {
        return central + striped;
    }

    /**
     * Refuses an acquisition that would wait for the caller itself: any acquisition by the write
     * holder (braid locks are not reentrant), and a write by a thread holding a read hold.
     */
    static void refuseReentry(RwLock<?> lock, boolean write) {
        if (lock.writer == Thread.currentThread()) {
            throw new IllegalStateException(
                    lock.label()
                            + " is already write-held by this thread: braid locks are not reentrant"
                            + (write ? "" : " (downgrade the write guard to read)"));
        }
        if (write) {
            refuseOwnReadHold(lock);
        }
    }

    /** A write that would wait for the caller's own read hold would wait forever: refuse it. */
    static void refuseOwnReadHold(RwLock<?> lock) {
        if (lock.readHolds.get().count() != 0) {
            throw new IllegalStateException(
                    lock.label()
                            + " is read-held by this thread, so a write lock would wait for"
                            + " itself forever: close the read guard first, or read with"
                            + " upgradableRead() and upgrade() that guard");
        }
    }

    /**
     * A thread that already holds a read hold reads again without waiting: queueing behind a writer
     * that waits for that very hold would deadlock. Joins the hold in the caller's stripe (a writer
     * draining the stripes waits for it anyway) or in the state word (where the caller's own hold
     * keeps WRITER clear). Returns the new hold's slot, or NOT_HELD if the caller holds none.
     */
    static int rejoinRead(RwLock<?> lock) {
        ReadHolds holds = lock.readHolds.get();
        if (holds.striped != 0) {
            RwLockStripes st = lock.stripes;
            int slot = st.slotOfCurrentThread();
            st.enter(slot);
            return slot;
        }
        if (holds.central != 0) {
            lock.addState(RwLock.READER);
            return RwLock.CENTRAL;
        }
        return RwLock.NOT_HELD;
    }
}
