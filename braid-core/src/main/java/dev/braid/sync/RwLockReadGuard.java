package dev.braid.sync;

/**
 * Proof of a read hold on an {@link RwLock}: read access to the value until closed. A closed guard
 * refuses every use with {@link IllegalStateException}. Belongs to the thread that acquired it.
 * Readers must not mutate the value (the lock cannot stop them; other readers run concurrently).
 *
 * @param <T> the protected value's type
 */
public final class RwLockReadGuard<T> implements AutoCloseable {
    private final RwLock<T> lock;
    private final int slot; // where the hold is counted: a stripe, or RwLock.CENTRAL
    private final ReadHolds holds; // the owner's record of its read holds
    private boolean closed;

    RwLockReadGuard(RwLock<T> lock, int slot, ReadHolds holds) {
        this.lock = lock;
        this.slot = slot;
        this.holds = holds;
    }

    /**
     * The protected value.
     *
     * @return the value
     * @throws IllegalStateException if the guard is closed, or the caller is not the thread that
     *     acquired it
     */
    public T get() {
        check();
        return lock.value;
    }

    /**
     * Releases the read hold.
     *
     * @throws IllegalStateException if the guard was already closed, or the caller is not the
     *     thread that acquired it (the hold is then kept)
     */
    @Override
    public void close() {
        check();
        closed = true;
        holds.remove(slot);
        lock.unlockRead(slot);
    }

    /** Whether this guard was closed (from the owning thread only). */
    boolean isClosed() {
        return closed;
    }

    private void check() {
        if (closed) {
            throw new IllegalStateException(
                    "read guard of " + lock.label() + " used after it was closed");
        }
        Guards.checkOwner(holds.thread, "read guard", lock);
    }

    /**
     * The lock and the guard's state, for example {@code RwLockReadGuard[RwLock(cache), held by
     * worker-1]}. A snapshot read without synchronization.
     *
     * @return a description of this guard
     */
    @Override
    public String toString() {
        return "RwLockReadGuard["
                + lock.label()
                + (closed ? ", closed]" : ", held by " + Guards.describe(holds.thread) + "]");
    }
}
