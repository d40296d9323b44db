package dev.braid.async;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancellationRegistration;
import dev.braid.cancel.Deadline;
import dev.braid.internal.rt.Rt;
import dev.braid.pool.WorkStealingPool;

/**
 * One blocking wait of the calling thread, bounded by its own deadline and the ambient {@link
 * CancelScope} (as braid's blocking primitives are): the caller loops {@code check(); if (done)
 * break; if (expired()) ...; park(blocker);} and closes it at the end. On a worker of a {@link
 * WorkStealingPool}, {@link #park} helps the pool instead (ADR 0138), so the caller must re-check
 * its condition after every return, as after a spurious wake-up.
 */
final class Waiting implements AutoCloseable {
    /** A worker's first park when it found nothing to help with (as a pool join's re-check). */
    private static final long FIRST_SLICE_NANOS = 50_000;

    /** Its longest park between two looks for work to help with. */
    private static final long MAX_SLICE_NANOS = 10_000_000;

    private final CancelScope scope;
    private final CancellationRegistration wake;
    private final Deadline deadline;
    private final Deadline bound;
    private final String operation; // with waitingOn and since: what a stop's message says
    private final Object waitingOn;
    private final long since;
    private final boolean onWorker; // a pool worker: park() helps (ADR 0138)
    private long slice = FIRST_SLICE_NANOS;

    /**
     * Starts a wait; {@code operation} and {@code waitingOn} name it in the message of a stop by
     * the scope ({@link CancelScope#checkWaiting}).
     */
    Waiting(Deadline deadline, boolean cancellable, String operation, Object waitingOn) {
        CancelScope s = cancellable ? CancelScope.current() : null;
        this.scope = s != null && s.isActive() ? s : null;
        this.wake = scope != null ? scope.wakeOnCancel(Thread.currentThread()) : null;
        this.deadline = deadline;
        this.bound = scope != null ? deadline.min(scope.deadline()) : deadline;
        this.operation = operation;
        this.waitingOn = waitingOn;
        this.since = scope != null ? Rt.nanoTime() : 0L;
        this.onWorker = WorkStealingPool.isWorkerThread();
    }

    /** Throws if the caller was interrupted (clearing the status) or the scope stopped the wait. */
    void check() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (scope != null && scope.isCancelled()) {
            scope.checkWaiting(operation, waitingOn, since);
        }
    }

    /** Whether the wait's own deadline has passed. */
    boolean expired() {
        return deadline.isExpired();
    }

    /**
     * Parks until unparked, or until the earlier of the deadline and the scope's deadline. On a
     * pool worker, first runs one task waiting in the pool, and returns after it (the awaited thing
     * may need that very worker: a one-worker pool, or every worker in such a wait); when nothing
     * waits, parks for a slice (50 µs, doubling up to 10 ms, starting again after each help) and
     * returns, to look again.
     */
    void park(Object blocker) {
        if (onWorker) {
            helpOrParkBriefly(blocker);
        } else if (bound.isNever()) {
            Rt.park(blocker);
        } else {
            Rt.parkUntil(blocker, bound.nanoTime());
        }
    }

    private void helpOrParkBriefly(Object blocker) {
        if (WorkStealingPool.helpOnce()) {
            slice = FIRST_SLICE_NANOS;
            return;
        }
        long until = Rt.nanoTime() + slice;
        if (!bound.isNever() && bound.nanoTime() - until < 0) {
            until = bound.nanoTime();
        }
        Rt.parkUntil(blocker, until);
        slice = Math.min(slice * 2, MAX_SLICE_NANOS);
    }

    @Override
    public void close() {
        if (wake != null) {
            wake.deregister();
        }
    }
}
