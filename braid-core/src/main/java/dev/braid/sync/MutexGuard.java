package dev.braid.sync;

import dev.braid.internal.util.Args;

/**
 * Proof that the caller holds a {@link Mutex}, and the only way to reach its value. Close it (best
 * with try-with-resources) to unlock. A closed guard refuses every use with {@link
 * IllegalStateException}: use after unlock fails loudly instead of racing. A guard belongs to the
 * thread that locked; it is not thread-safe.
 *
 * @param <T> the protected value's type
 */
public final class MutexGuard<T> implements ExclusiveGuard<T> {
    private final Mutex<T> mutex;
    private boolean closed;

    MutexGuard(Mutex<T> mutex) {
        this.mutex = mutex;
    }

    @Override
    public T get() {
        check();
        return mutex.value;
    }

    @Override
    public T set(T value) {
        check();
        T old = mutex.value;
        mutex.value = value;
        return old;
    }

    /**
     * Poisons the mutex: until the poison is cleared, {@link Mutex#lock()} throws {@link
     * PoisonedException} with {@code cause}. Use when a critical section fails half-way through an
     * update while holding this guard.
     *
     * @throws NullPointerException if {@code cause} is null
     * @throws IllegalStateException if the guard is closed
     */
    @Override
    public void poison(Throwable cause) {
        Args.notNull(cause, "cause");
        check();
        mutex.poison = cause;
    }

    @Override
    public void clearPoison() {
        check();
        mutex.poison = null;
    }

    /**
     * Unlocks the mutex.
     *
     * @throws IllegalStateException if the guard was already closed
     */
    @Override
    public void close() {
        check();
        closed = true;
        mutex.unlock();
    }

    /** The mutex, for a condvar wait; checks that the guard is still open. */
    Mutex<T> lockForWait() {
        check();
        return mutex;
    }

    private void check() {
        if (closed) {
            throw new IllegalStateException("guard of " + mutex + " used after it was closed");
        }
    }
}
