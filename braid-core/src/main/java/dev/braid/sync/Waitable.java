package dev.braid.sync;

/**
 * A lock that a {@link Condvar} can release while its holder waits and take back before the wait
 * returns, without closing the holder's guard. Implemented by {@link Mutex} and by {@link RwLock}'s
 * write side.
 */
interface Waitable {
    /** Releases the lock held by the caller; the caller's guard stays open. */
    void releaseForWait();

    /** Takes the lock back, uninterruptibly and ignoring poison, for the caller's open guard. */
    void reacquireAfterWait();

    /** Whether the caller holds the lock (exclusively). */
    boolean isHeldByCurrentThread();

    /** The lock's poison (a failure, the retired marker, or null); read while holding it. */
    Throwable poison();
}
