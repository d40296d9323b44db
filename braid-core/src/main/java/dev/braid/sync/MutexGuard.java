package dev.braid.sync;

import dev.braid.internal.rt.Rt;
import dev.braid.internal.util.Args;

/**
 * Proof that the caller holds a {@link Mutex}, and the only way to reach its value. Close it (best
 * with try-with-resources) to unlock. A closed guard refuses every use with {@link
 * IllegalStateException}: use after unlock fails loudly instead of racing. A guard belongs to the
 * thread that locked: any other thread's use (closing included) throws {@link
 * IllegalStateException} and leaves the mutex locked.
 *
 * @param <T> the protected value's type
 */
public final class MutexGuard<T> implements ExclusiveGuard<T> {
    private final Mutex<T> mutex;
    private final Thread owner = Thread.currentThread();
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
     * @param cause why the value may be inconsistent
     * @throws NullPointerException if {@code cause} is null
     * @throws IllegalStateException if the guard is closed or belongs to another thread
     */
    @Override
    public void poison(Throwable cause) {
        Args.notNull(cause, "cause");
        check();
        mutex.poison = cause;
        Rt.releaseTo(cause); // the testkit: isPoisoned() acquires from the poisoner
    }

    @Override
    public void clearPoison() {
        check();
        mutex.poison = null;
    }

    /**
     * Unlocks the mutex.
     *
     * @throws IllegalStateException if the guard was already closed, or belongs to another thread
     *     (the mutex then stays locked)
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
            throw new IllegalStateException(
                    "guard of " + mutex.label() + " used after it was closed");
        }
        Guards.checkOwner(owner, "guard", mutex);
    }

    /**
     * The mutex and the guard's state, for example {@code MutexGuard[Mutex(accounts), held by
     * "worker-1" (#31)]}. A snapshot read without synchronization.
     *
     * @return a description of this guard
     */
    @Override
    public String toString() {
        return "MutexGuard["
                + mutex.label()
                + (closed ? ", closed]" : ", held by " + Guards.describe(owner) + "]");
    }
}
