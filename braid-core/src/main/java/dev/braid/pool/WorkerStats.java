package dev.braid.pool;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One worker's counters: written only by the worker, read by anyone (opaque reads: each value is
 * one the worker wrote, with no ordering between counters).
 */
final class WorkerStats {
    private static final VarHandle TASKS_RUN;
    private static final VarHandle STEALS;
    private static final VarHandle STEAL_ATTEMPTS;
    private static final VarHandle PARKS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            TASKS_RUN = l.findVarHandle(WorkerStats.class, "tasksRun", long.class);
            STEALS = l.findVarHandle(WorkerStats.class, "steals", long.class);
            STEAL_ATTEMPTS = l.findVarHandle(WorkerStats.class, "stealAttempts", long.class);
            PARKS = l.findVarHandle(WorkerStats.class, "parks", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // accessed through TASKS_RUN
    private long tasksRun;

    @SuppressWarnings("unused") // accessed through STEALS
    private long steals;

    @SuppressWarnings("unused") // accessed through STEAL_ATTEMPTS
    private long stealAttempts;

    @SuppressWarnings("unused") // accessed through PARKS
    private long parks;

    // single writer: a plain read of its own value, an opaque write so readers never see a tear
    void taskRun() {
        TASKS_RUN.setOpaque(this, (long) TASKS_RUN.get(this) + 1);
    }

    void steal() {
        STEALS.setOpaque(this, (long) STEALS.get(this) + 1);
    }

    void stealAttempt() {
        STEAL_ATTEMPTS.setOpaque(this, (long) STEAL_ATTEMPTS.get(this) + 1);
    }

    void park() {
        PARKS.setOpaque(this, (long) PARKS.get(this) + 1);
    }

    long tasksRun() {
        return (long) TASKS_RUN.getOpaque(this);
    }

    long steals() {
        return (long) STEALS.getOpaque(this);
    }

    long stealAttempts() {
        return (long) STEAL_ATTEMPTS.getOpaque(this);
    }

    long parks() {
        return (long) PARKS.getOpaque(this);
    }
}
