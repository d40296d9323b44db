package dev.braid.testkit.internal;

import dev.braid.internal.rt.Op;
import dev.braid.internal.rt.SimMemory;
import dev.braid.internal.rt.SimThread;
import dev.braid.internal.rt.ThreadSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * One simulated thread: a virtual thread plus the scheduler's bookkeeping for it. All fields except
 * {@link #thread} are read and written only by the thread holding the baton (the volatile hand-off
 * in {@link Scheduler} orders them).
 */
final class Task implements SimThread, SimMemory {
    enum State {
        /** May be chosen to run. */
        RUNNABLE,
        /** Parked without a deadline. */
        PARKED,
        /** Parked until {@link #deadline} (or an unpark). */
        TIMED,
        /** Its body has returned or thrown. */
        DONE
    }

    final Scheduler scheduler;
    final int id;
    final String name;
    Thread thread;

    State state = State.RUNNABLE;
    boolean permit;
    boolean pendingInterrupt;

    /**
     * Set by the task's own thread when it finds its real interrupt status set while it waits for
     * the baton (it must clear the status to keep waiting); read by the baton holder.
     */
    volatile boolean interruptSeen;

    long deadline;
    Object blocker;

    /** The throwable its body ended with (its own or a braid panic), or null. */
    Throwable failure;

    final List<Object> held = new ArrayList<>(2);

    Task(Scheduler scheduler, int id, String name) {
        this.scheduler = scheduler;
        this.id = id;
        this.name = name;
    }

    boolean alive() {
        return state != State.DONE;
    }

    @Override
    public void yieldPoint(Op op, Object resource) {
        scheduler.yieldPoint(this, op, resource);
    }

    @Override
    public void park(Object blocker) {
        scheduler.park(this, blocker, false, 0L);
    }

    @Override
    public void parkUntil(Object blocker, long deadlineNanos) {
        scheduler.park(this, blocker, true, deadlineNanos);
    }

    @Override
    public void unpark(Thread target) {
        scheduler.unpark(this, target, false);
    }

    @Override
    public void handOff(Thread target) {
        scheduler.handOff(this, target);
    }

    @Override
    public void receiveHandOffs() {
        scheduler.receiveHandOffs(this);
    }

    @Override
    public void interrupt(Thread target) {
        scheduler.unpark(this, target, true);
    }

    @Override
    public Thread spawn(ThreadSpec spec, Runnable body) {
        return scheduler.spawn(this, spec, body);
    }

    @Override
    public long nanoTime() {
        return scheduler.nanoTime();
    }

    @Override
    public long currentTimeMillis() {
        return scheduler.currentTimeMillis();
    }

    @Override
    public long nextLong() {
        return scheduler.nextLong();
    }

    @Override
    public long threadId(Thread target) {
        Task t = scheduler.find(target);
        return t == null ? target.threadId() : t.id;
    }

    @Override
    public void acquired(Object resource) {
        scheduler.acquired(this, resource);
    }

    @Override
    public void released(Object resource) {
        scheduler.released(this, resource);
    }

    @Override
    public void acquireFrom(Object resource) {
        scheduler.acquireFrom(this, resource);
    }

    @Override
    public void releaseTo(Object resource) {
        scheduler.releaseTo(this, resource);
    }

    @Override
    public void passOn(Object from, Object to) {
        scheduler.passOn(this, from, to);
    }

    @Override
    public void taskFailed(Object handle, String name, Throwable failure) {
        scheduler.taskFailed(handle, name, failure);
    }

    // ---- the memory model (SimMemory): the caller holds the baton, after the access's yield point

    private MemoryModel memory() {
        if (scheduler.aborted) {
            throw new SimAbort();
        }
        return scheduler.memory;
    }

    @Override
    public Object load(Object cell, Object current, int order) {
        return memory().load(id, cell, current, order);
    }

    @Override
    public Object store(Object cell, Object current, Object value, int order) {
        return memory().store(id, cell, current, value, order);
    }

    @Override
    public Object readModifyWrite(
            Object cell,
            Object current,
            UnaryOperator<Object> update,
            int successOrder,
            int failureOrder) {
        return memory().readModifyWrite(id, cell, current, update, successOrder, failureOrder);
    }

    @Override
    public void fence(int order) {
        memory().fence(id, order);
    }

    @Override
    public void plainAccess(Object cell, boolean write) {
        List<StackTraceElement> site = Scheduler.userStack(Thread.currentThread().getStackTrace());
        MemoryModel.Race race = memory().plainAccess(id, cell, write, site);
        if (race != null) {
            scheduler.dataRace(race);
        }
    }

    @Override
    public String toString() {
        return "Task[" + id + ", " + name + ", " + state + "]";
    }
}
