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
    private boolean closed;

    RwLockReadGuard(RwLock<T> lock, int slot) {
        this.lock = lock;
        this.slot = slot;
    }

    /**
     * The protected value.
     *
     * @return the protected value
     * @throws IllegalStateException if the guard is closed
     */
    public T get() {
        check();
        return lock.value;
    }

    /**
     * Releases the read hold.
     *
     * @throws IllegalStateException if the guard was already closed
     */
    @Override
    public void close() {
        check();
        closed = true;
        lock.unlockRead(slot);
    }

    private void check() {
        if (closed) {
            throw new IllegalStateException("read guard of " + lock + " used after it was closed");
        }
    }
}
