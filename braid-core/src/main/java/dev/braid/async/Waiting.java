package dev.braid.async;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancellationRegistration;
import dev.braid.cancel.Deadline;
import dev.braid.internal.rt.Rt;

/**
 * One blocking wait of the calling thread, bounded by its own deadline and the ambient {@link
 * CancelScope} (as braid's blocking primitives are): the caller loops {@code check(); if (done)
 * break; if (expired()) ...; park(blocker);} and closes it at the end.
 */
final class Waiting implements AutoCloseable {
    private final CancelScope scope;
    private final CancellationRegistration wake;
    private final Deadline deadline;
    private final Deadline bound;
    private final String operation; // with waitingOn and since: what a stop's message says
    private final Object waitingOn;
    private final long since;

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

    /** Parks until unparked, or until the earlier of the deadline and the scope's deadline. */
    void park(Object blocker) {
        if (bound.isNever()) {
            Rt.park(blocker);
        } else {
            Rt.parkUntil(blocker, bound.nanoTime());
        }
    }

    @Override
    public void close() {
        if (wake != null) {
            wake.deregister();
        }
    }
}
