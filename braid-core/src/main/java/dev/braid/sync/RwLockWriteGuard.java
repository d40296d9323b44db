package dev.braid.sync;

import dev.braid.internal.util.Args;

/**
 * Proof that the caller holds an {@link RwLock}'s write lock: exclusive access to the value until
 * closed or {@linkplain #downgrade() downgraded}. A closed guard refuses every use with {@link
 * IllegalStateException}. Belongs to the thread that acquired it.
 *
 * @param <T> the protected value's type
 */
public final class RwLockWriteGuard<T> implements ExclusiveGuard<T> {
    private final RwLock<T> lock;
    private boolean closed;

    RwLockWriteGuard(RwLock<T> lock) {
        this.lock = lock;
    }

    @Override
    public T get() {
        check();
        return lock.value;
    }

    @Override
    public T set(T value) {
        check();
        T old = lock.value;
        lock.value = value;
        return old;
    }

    /**
     * Poisons the lock: until cleared, {@link RwLock#read()} and {@link RwLock#write()} throw
     * {@link PoisonedException} with {@code cause}.
     *
     * @throws NullPointerException if {@code cause} is null
     * @throws IllegalStateException if the guard is closed
     */
    @Override
    public void poison(Throwable cause) {
        Args.notNull(cause, "cause");
        check();
        lock.poison = cause;
    }

    @Override
    public void clearPoison() {
        check();
        lock.poison = null;
    }

    /**
     * Turns this write hold into a read hold atomically: no writer can slip in between, and readers
     * queued behind this writer are admitted alongside. This guard is closed afterwards.
     *
     * @return a read guard holding the read hold this write hold turned into
     * @throws IllegalStateException if the guard is closed
     */
    public RwLockReadGuard<T> downgrade() {
        check();
        closed = true;
        lock.downgrade();
        return new RwLockReadGuard<>(lock, RwLock.CENTRAL);
    }

    /**
     * Releases the write lock.
     *
     * @throws IllegalStateException if the guard was already closed
     */
    @Override
    public void close() {
        check();
        closed = true;
        lock.unlockWrite();
    }

    RwLock<T> lockForWait() {
        check();
        return lock;
    }

    private void check() {
        if (closed) {
            throw new IllegalStateException("write guard of " + lock + " used after it was closed");
        }
    }
}
