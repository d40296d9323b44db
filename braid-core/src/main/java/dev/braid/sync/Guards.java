package dev.braid.sync;

import dev.braid.internal.rt.Rt;

/** Checks and descriptions shared by the lock guards. */
final class Guards {
    private Guards() {}

    /**
     * Refuses a guard's use by a thread other than {@code owner}: a guard proves that its thread
     * holds the lock, so another thread's close would release a hold it does not have.
     *
     * @throws IllegalStateException if the caller is not {@code owner} (nothing changes)
     */
    static void checkOwner(Thread owner, String what, Object lock) {
        Thread me = Thread.currentThread();
        if (me != owner) {
            throw new IllegalStateException(
                    what
                            + " of "
                            + label(lock)
                            + " belongs to thread "
                            + describe(owner)
                            + ", not to "
                            + describe(me)
                            + ": a guard must be used and closed by the thread that acquired"
                            + " it (the lock stays held)");
        }
    }

    /** The lock's kind and name without its state (what messages and reports print). */
    static String label(Object lock) {
        return switch (lock) {
            case Mutex<?> m -> m.label();
            case RwLock<?> l -> l.label();
            case Semaphore s -> s.label();
            case Barrier b -> b.label();
            case OnceCell<?> c -> c.label();
            case Lazy<?> z -> z.label();
            case null, default -> String.valueOf(lock);
        };
    }

    /** A thread's name and id, for messages and toString. */
    static String describe(Thread t) {
        return t == null ? "nobody" : "\"" + t.getName() + "\" (#" + Rt.threadId(t) + ")";
    }
}
