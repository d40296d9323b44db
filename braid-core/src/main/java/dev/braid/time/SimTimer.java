package dev.braid.time;

import dev.braid.internal.rt.Op;
import dev.braid.internal.rt.Rt;
import dev.braid.internal.rt.ThreadSpec;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A timer of a simulated thread: a simulated thread of its own that sleeps on the virtual clock and
 * then runs the task, unless cancelled first. Used by {@link TimerWheel} only under the testkit.
 */
final class SimTimer implements Timeout {
    /*
     * Implementation notes
     *
     * Why not the wheel. The wheel's driver is one long-lived thread per wheel; under simulation a
     * thread that never finishes would keep every run alive (or be reported as deadlocked), and a
     * wheel shared across runs would mix virtual and real clocks. One short-lived simulated thread
     * per timer has the semantics the testkit needs: it parks until its virtual deadline (so time
     * jumps there when nothing else can run), the firing is an ordinary scheduling choice that
     * exploration can order before or after any other step, and cancel wakes it so it ends at once.
     *
     * State. `state` moves PENDING -> EXPIRED (by the timer thread) or PENDING -> CANCELLED (by
     * cancel), once, by CAS; the winner owns the task.
     */
    private static final int PENDING = 0;
    private static final int EXPIRED = 1;
    private static final int CANCELLED = 2;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(SimTimer.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // accessed through STATE
    private volatile int state;

    private final long deadlineNanos;
    private volatile Runnable task;
    private volatile Thread thread;

    private SimTimer(long deadlineNanos, Runnable task) {
        this.deadlineNanos = deadlineNanos;
        this.task = task;
    }

    static SimTimer start(long deadlineNanos, Runnable task) {
        SimTimer t = new SimTimer(deadlineNanos, task);
        t.thread = Rt.spawn(new ThreadSpec(null, true, true, 0), t::run);
        return t;
    }

    private void run() {
        while ((int) STATE.getVolatile(this) == PENDING && Rt.nanoTime() - deadlineNanos < 0) {
            Rt.parkUntil(this, deadlineNanos);
        }
        if (STATE.compareAndSet(this, PENDING, EXPIRED)) { // volatile: claims the task
            Runnable r = task;
            task = null;
            TimerWheel.runReporting(r);
        }
    }

    @Override
    public boolean cancel() {
        Rt.yieldPoint(Op.OTHER, this);
        if (STATE.compareAndSet(this, PENDING, CANCELLED)) { // volatile: claims the task
            task = null;
            Thread t = thread;
            if (t != null) {
                Rt.unpark(t);
            }
            return true;
        }
        return false;
    }

    @Override
    public boolean isCancelled() {
        return (int) STATE.getVolatile(this) == CANCELLED;
    }

    @Override
    public boolean isExpired() {
        return (int) STATE.getVolatile(this) == EXPIRED;
    }

    @Override
    public long deadlineNanos() {
        return deadlineNanos;
    }

    @Override
    public String toString() {
        return "Timeout[simulated]";
    }
}
