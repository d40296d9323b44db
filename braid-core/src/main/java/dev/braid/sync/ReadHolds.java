package dev.braid.sync;

/**
 * The read holds one thread has on one {@link RwLock}, so that the lock can tell, when a thread is
 * about to wait, whether it would wait for itself. Owned and touched by its thread only (plain
 * fields); a guard remembers the record it was counted in, so release needs no lookup.
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
     * Memory ordering. None needed: only the owning thread reads or writes a record.
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
}
