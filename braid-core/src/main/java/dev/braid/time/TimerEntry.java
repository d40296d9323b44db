package dev.braid.time;

/**
 * A timer on a {@link TimerWheel}: the handle returned to the caller and, while pending, a node of
 * one slot's doubly-linked list. Every field except {@code deadlineNanos} and {@code wheel} is
 * guarded by the wheel's lock; {@code state} is volatile so that the query methods need no lock.
 */
final class TimerEntry implements Timeout {
    static final int PENDING = 0;
    static final int EXPIRED = 1;
    static final int CANCELLED = 2;

    final TimerWheel wheel;
    final long deadlineNanos;

    /** Wheel tick at or after which the task may run (never earlier than the deadline). */
    long when;

    /** Slot index (level * 64 + slot) while linked, -1 otherwise. */
    int slot = -1;

    TimerEntry prev;
    TimerEntry next;
    Runnable task;
    volatile int state;

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
