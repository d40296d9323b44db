package dev.braid.async;

/**
 * Marks a thread while it is inside {@link Async#await}, for checks that tell a direct-style wait
 * from a poll by hand on the same thread: an {@link AsyncMutex} lock awaited by the thread that
 * holds the mutex would wait for itself (probe17), while a user's own loop polling a second lock
 * future by hand is a waiter like any other. One flag per thread, set and restored around each
 * await (an await nested in a poll by hand restores the outer one's).
 */
final class DirectAwait {
    private DirectAwait() {}

    private static final ThreadLocal<boolean[]> ACTIVE =
            ThreadLocal.withInitial(() -> new boolean[1]);

    /** Whether the calling thread is inside {@link Async#await}. */
    static boolean active() {
        return ACTIVE.get()[0];
    }

    /** {@link Interop#await} with the calling thread marked. */
    static <T> T await(Async<T> future) throws InterruptedException {
        boolean[] cell = ACTIVE.get();
        boolean outer = cell[0];
        cell[0] = true;
        try {
            return Interop.await(future);
        } finally {
            cell[0] = outer;
        }
    }
}
