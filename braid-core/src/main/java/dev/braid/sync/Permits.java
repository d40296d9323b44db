package dev.braid.sync;

import dev.braid.internal.rt.Rt;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Permits taken from a {@link Semaphore}; closing gives them back, exactly once. Best used with
 * try-with-resources. Unlike a lock guard, permits may be handed to and closed by another thread. A
 * second {@link #close()} or a {@link #forget()} after close fails loudly, even when two threads
 * race to close.
 */
public final class Permits implements AutoCloseable {
    private static final VarHandle DONE;

    static {
        try {
            DONE = MethodHandles.lookup().findVarHandle(Permits.class, "done", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Semaphore semaphore;
    private final int count;

    @SuppressWarnings("unused") // accessed through DONE
    private volatile boolean done;

    Permits(Semaphore semaphore, int count) {
        this.semaphore = semaphore;
        this.count = count;
    }

    /**
     * How many permits these are.
     *
     * @return how many permits these are
     */
    public int count() {
        return count;
    }

    /**
     * The semaphore they came from.
     *
     * @return the semaphore they came from
     */
    public Semaphore semaphore() {
        return semaphore;
    }

    /**
     * Whether they were closed or forgotten.
     *
     * @return whether they were closed or forgotten
     */
    public boolean isReleased() {
        if (!done) {
            return false;
        }
        Rt.acquireFrom(this); // the testkit: finish() released into these permits
        return true;
    }

    /**
     * Gives the permits back to the semaphore.
     *
     * @throws IllegalStateException if they were already closed or forgotten
     */
    @Override
    public void close() {
        finish();
        semaphore.onReleased(this, count);
    }

    /**
     * Drops the permits without giving them back: the semaphore has {@link #count()} fewer permits
     * for good (as with tokio's {@code SemaphorePermit::forget}).
     *
     * @throws IllegalStateException if they were already closed or forgotten
     */
    public void forget() {
        finish();
        semaphore.onReleased(this, 0); // no longer held, nothing returned
    }

    private void finish() {
        if (!DONE.compareAndSet(this, false, true)) {
            throw new IllegalStateException(
                    count + " permits of " + semaphore.label() + " used after they were released");
        }
        Rt.releaseTo(this); // the testkit: isReleased() that answers true acquires from here
    }

    @Override
    public String toString() {
        return "Permits[" + count + " of " + semaphore.label() + (done ? ", released]" : "]");
    }
}
