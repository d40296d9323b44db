package dev.braid.sync;

import dev.braid.internal.rt.Rt;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MutableCallSite;

/**
 * What every braid lock reports about acquisitions and releases: to the runtime seam (the testkit's
 * wait-for graph) and, when enabled, to the {@link LockOrderChecker}. One place, so that a new
 * primitive joins both by calling these methods (Semaphore uses the Permits variants).
 */
final class LockHooks {
    /*
     * Whether the lock-order checker is on is a MutableCallSite constant, as in Rt: until someone
     * enables the checker, `if (checking())` folds to `if (false)` and the hooks cost nothing on the
     * lock fast path. Enabling flips the target and deoptimises dependent code once.
     */
    private static final MutableCallSite CHECKING_SITE =
            new MutableCallSite(MethodHandles.constant(boolean.class, false));
    private static final MethodHandle CHECKING = CHECKING_SITE.dynamicInvoker();

    private LockHooks() {}

    static boolean checking() {
        try {
            return (boolean) CHECKING.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static synchronized void setChecking(boolean on) {
        if (checking() != on) {
            CHECKING_SITE.setTarget(MethodHandles.constant(boolean.class, on));
            MutableCallSite.syncAll(new MutableCallSite[] {CHECKING_SITE});
        }
    }

    /**
     * The caller is about to wait for {@code lock} (a blocking or timed acquisition). With the
     * checker on, this is where a lock-order cycle is reported, before the caller can block.
     */
    static void beforeBlocking(Object lock) {
        if (checking()) {
            LockOrderChecker.beforeAcquire(lock);
        }
    }

    /** The caller now holds {@code lock} (a read hold counts). */
    static void acquired(Object lock) {
        Rt.acquired(lock);
        if (checking()) {
            LockOrderChecker.acquired(lock);
        }
    }

    /** The caller no longer holds {@code lock}. */
    static void released(Object lock) {
        Rt.released(lock);
        if (checking()) {
            LockOrderChecker.released(lock);
        }
    }

    /**
     * The caller now holds {@code permits} of {@code semaphore}. The checker tracks the Permits
     * object (not the semaphore), because another thread may close it.
     */
    static void acquiredPermits(Semaphore semaphore, Permits permits) {
        Rt.acquired(semaphore);
        if (checking()) {
            LockOrderChecker.acquired(permits);
        }
    }

    /** {@code permits} of {@code semaphore} were closed or forgotten, by any thread. */
    static void releasedPermits(Semaphore semaphore, Permits permits) {
        Rt.released(semaphore);
        if (checking()) {
            LockOrderChecker.released(permits);
        }
    }
}
