package dev.braid.time;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A timer on a {@link TimerWheel}: the handle returned to the caller and, while pending, a node of
 * one slot's doubly-linked list. Every field except {@code deadlineNanos} and {@code wheel} is
 * guarded by the wheel's lock; {@code state} is also read without it, by the query methods and
 * {@link #cancel()}'s fast path.
 */
final class TimerEntry implements Timeout {
    /*
     * Memory ordering. `state` goes PENDING -> EXPIRED or PENDING -> CANCELLED once, written only
     * under the wheel's lock, and only through publish(): a release store, not a volatile (SEQ_CST)
     * one, which on x86 saves the full fence a volatile store costs on every cancel (ADR 0056).
     * Release is enough because no reader needs more than message passing: a thread that reads a
     * terminal state (a volatile load: at least acquire) sees every write the wheel made before
     * publishing it (task dropped, entry unlinked) and, through the lock, every write the
     * cancelling or scheduling thread made before taking the lock (jcstress
     * TimerCancelVisibility). No thread writes something and then reads `state` expecting the
     * writer of `state` to see that write (the Dekker shape that needs SEQ_CST): every decision
     * on `state` (cancel vs fire) is taken again under the lock, whose CAS orders it. A stale
     * PENDING read only sends cancel() to the lock, where it reads the truth; a terminal value is
     * final, so a lock-free read of it is never wrong.
     */

    static final int PENDING = 0;
    static final int EXPIRED = 1;
    static final int CANCELLED = 2;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(TimerEntry.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final TimerWheel wheel;
    final long deadlineNanos;

    /** Wheel tick at or after which the task may run (never earlier than the deadline). */
    long when;

    /** Slot index (level * 64 + slot) while linked, Wheel.STAGED + i while staged, else -1. */
    int slot = -1;

    TimerEntry prev;
    TimerEntry next;
    Runnable task;
    volatile int state; // written only by publish(), under the wheel's lock

    /** Moves a pending entry to a terminal state; the caller holds the wheel's lock. */
    void publish(int terminal) {
        STATE.setRelease(this, terminal); // release, not SEQ_CST: see the notes
    }

    TimerEntry(TimerWheel wheel, long deadlineNanos, Runnable task) {
        this.wheel = wheel;
        this.deadlineNanos = deadlineNanos;
        this.task = task;
    }

    @Override
    public boolean cancel() {
        return state == PENDING && wheel.cancel(this);
    }

    @Override
    public boolean isCancelled() {
        return state == CANCELLED;
    }

    @Override
    public boolean isExpired() {
        return state == EXPIRED;
    }

    @Override
    public long deadlineNanos() {
        return deadlineNanos;
    }

    @Override
    public String toString() {
        return "Timeout["
                + switch (state) {
                    case PENDING -> "pending";
                    case EXPIRED -> "expired";
                    default -> "cancelled";
                }
                + "]";
    }
}
