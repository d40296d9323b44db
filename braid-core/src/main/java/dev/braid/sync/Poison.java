package dev.braid.sync;

/** Poison bookkeeping shared by Mutex and RwLock. */
final class Poison {
    /** Stored as the poison of a lock whose value was taken by {@code intoInner()}. */
    static final Throwable RETIRED = new IllegalStateException("retired by intoInner()");

    private Poison() {}

    /** Throws unless {@code poison} is null; {@code lock} names the lock in the message. */
    static void check(Throwable poison, Object lock) {
        if (poison != null) {
            throw failure(poison, lock);
        }
    }

    static RuntimeException failure(Throwable poison, Object lock) {
        if (poison == RETIRED) {
            return retired(lock);
        }
        return new PoisonedException(Guards.label(lock), poison);
    }

    static IllegalStateException retired(Object lock) {
        return new IllegalStateException(
                Guards.label(lock) + " was retired: its value was taken by intoInner()");
    }
}
