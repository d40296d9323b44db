package dev.braid.sync;

/**
 * A guard that proves exclusive access to a lock's value: a {@link MutexGuard} or an {@link
 * RwLockWriteGuard}. A {@link Condvar} waits with either. Guards belong to the thread that locked;
 * they are not thread-safe, and a closed guard refuses every use with {@link
 * IllegalStateException}.
 *
 * @param <T> the protected value's type
 */
public sealed interface ExclusiveGuard<T> extends AutoCloseable
        permits MutexGuard, RwLockWriteGuard {
    /**
     * The protected value.
     *
     * @return the protected value
     * @throws IllegalStateException if the guard is closed
     */
    T get();

    /**
     * Replaces the protected value and returns the previous one.
     *
     * @param value the new value
     * @return the previous value
     * @throws IllegalStateException if the guard is closed
     */
    T set(T value);

    /**
     * Poisons the lock with {@code cause}: later acquisitions throw {@link PoisonedException} until
     * the poison is cleared.
     *
     * @param cause the failure that left the value inconsistent
     * @throws NullPointerException if {@code cause} is null
     * @throws IllegalStateException if the guard is closed
     */
    void poison(Throwable cause);

    /**
     * Clears the lock's poison, declaring the value consistent again.
     *
     * @throws IllegalStateException if the guard is closed
     */
    void clearPoison();

    /**
     * Releases the lock.
     *
     * @throws IllegalStateException if the guard was already closed
     */
    @Override
    void close();
}
