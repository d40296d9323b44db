package dev.braid.sync;

import java.io.Serial;

/**
 * Thrown when a lock is acquired after a critical section failed while holding it. The lock is
 * <em>not</em> held when an acquisition throws this; a {@link Condvar} wait that finds the lock
 * poisoned by another thread while it waited throws it <em>with</em> the lock held (the caller's
 * guard is still open). The {@linkplain #getCause() cause} is the failure that poisoned the lock.
 * Recover with {@link Mutex#lockIgnoringPoison()} (inspect or repair the value, then {@link
 * MutexGuard#clearPoison()}) or {@link Mutex#clearPoison()}.
 */
public final class PoisonedException extends RuntimeException {
    @Serial private static final long serialVersionUID = 1L;

    PoisonedException(String lockName, Throwable cause) {
        super(lockName + " is poisoned: a critical section failed with " + cause, cause);
    }
}
