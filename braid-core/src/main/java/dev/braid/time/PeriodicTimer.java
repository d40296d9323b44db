package dev.braid.time;

import dev.braid.internal.rt.Rt;
import dev.braid.internal.util.Args;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;

/**
 * A task that a {@link TimerWheel} runs repeatedly, at a fixed rate ({@link
 * TimerWheel#scheduleAtFixedRate}) or with a fixed delay ({@link
 * TimerWheel#scheduleWithFixedDelay}), until {@linkplain #cancel() cancelled}.
 *
 * <pre>{@code
 * PeriodicTimer heartbeat =
 *         TimerWheel.shared().scheduleAtFixedRate(Duration.ZERO, Duration.ofSeconds(1), this::beat);
 * ...
 * heartbeat.cancel();
 * }</pre>
 *
 * <p><b>Missed ticks.</b> At a fixed rate, the n-th run is due at {@code first + n * period}. When
 * a run starts so late that further ticks have already passed (a slow task, a stalled driver), the
 * timer skips them — it does not run a burst to catch up — and the next run is due at the next tick
 * of the original grid; {@link #missedTicks()} counts the skipped ones. With a fixed delay every
 * run is due {@code delay} after the previous one ended, so no tick is ever missed.
 *
 * <p><b>Runs</b> never overlap: the next run is scheduled when the current one has ended. A task
 * that throws is reported like a one-shot timer's (the driver thread's uncaught-exception handler)
 * and ends the series, as with {@code ScheduledThreadPoolExecutor}: {@link #isFailed()} then
 * returns {@code true}. Under the testkit each run is a timer on the virtual clock.
 */
public final class PeriodicTimer {
    /*
     * Implementation notes
     *
     * Algorithm. A chain of one-shot timers: each firing runs the task and then schedules the next
     * one-shot on the same wheel, so a series holds at most one wheel entry and the wheel's own
     * guarantees (no early run, eager cancel) carry over.
     *
     * State. `state` goes ACTIVE -> CANCELLED (cancel) or ACTIVE -> FAILED (the task threw), once,
     * by CAS. `current` is the pending one-shot, written by the firing thread after scheduling.
     *
     * Memory ordering. cancel() writes `state` then reads `current`; a firing writes `current`
     * then reads `state` (all volatile, so totally ordered): either cancel sees the new one-shot and
     * cancels it, or the firing sees CANCELLED and cancels it itself. A firing that had checked
     * `state` before cancel() may still run the task once: cancel() stops every run that had not
     * started checking by then.
     *
     * References. java.util.concurrent.ScheduledThreadPoolExecutor (fixed rate and delay; a
     * failing run ends the series); tokio::time::Interval's MissedTickBehavior::Skip.
     */
    private static final int ACTIVE = 0;
    private static final int CANCELLED = 1;
    private static final int FAILED = 2;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(PeriodicTimer.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final TimerWheel wheel;
    private final long periodNanos;
    private final Runnable task;
    private final boolean fixedRate;

    @SuppressWarnings("unused") // accessed through STATE
    private volatile int state;

    private volatile Timeout current;
    private volatile long runs;
    private volatile long missed;
    private long due; // the current run's due time; only the firing thread touches it

    private PeriodicTimer(TimerWheel wheel, long periodNanos, Runnable task, boolean fixedRate) {
        this.wheel = wheel;
        this.periodNanos = periodNanos;
        this.task = task;
        this.fixedRate = fixedRate;
    }

    static PeriodicTimer start(
            TimerWheel wheel,
            Duration initialDelay,
            Duration period,
            Runnable task,
            boolean fixedRate) {
        Args.notNull(initialDelay, "initialDelay");
        Args.notNull(period, fixedRate ? "period" : "delay");
        Args.notNull(task, "task");
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException(
                    (fixedRate ? "period" : "delay") + " must be > 0, was " + period);
        }
        PeriodicTimer p = new PeriodicTimer(wheel, saturate(period), task, fixedRate);
        p.due = Rt.nanoTime() + Math.max(0L, saturate(initialDelay));
        p.current = wheel.scheduleAt(p.due, p::fire);
        return p;
    }

    /**
     * Stops the series: no run starts after this returns, except one whose firing had already begun
     * (a run in progress completes).
     *
     * @return {@code true} if this call stopped it, {@code false} if it was already cancelled or
     *     had failed
     */
    public boolean cancel() {
        if (!STATE.compareAndSet(this, ACTIVE, CANCELLED)) { // volatile: see the notes
            return false;
        }
        Rt.releaseTo(this); // the testkit: isCancelled() that answers true acquires from here
        Timeout t = current;
        if (t != null) {
            t.cancel();
        }
        return true;
    }

    /**
     * Whether {@link #cancel()} stopped the series.
     *
     * @return {@code true} once cancelled
     */
    public boolean isCancelled() {
        return observed(CANCELLED);
    }

    /**
     * Whether a run threw, which ended the series.
     *
     * @return {@code true} once a run failed
     */
    public boolean isFailed() {
        return observed(FAILED);
    }

    /** Whether the series ended in {@code end}; a true answer acquires what its setter did. */
    private boolean observed(int end) {
        if ((int) STATE.getVolatile(this) != end) {
            return false;
        }
        Rt.acquireFrom(this); // the testkit: cancel() or the failed run released into the timer
        return true;
    }

    /**
     * How many runs have completed (a snapshot).
     *
     * @return the number of completed runs
     */
    public long runs() {
        return runs;
    }

    /**
     * How many ticks a fixed-rate series skipped because a run started after them (always 0 with a
     * fixed delay).
     *
     * @return the number of skipped ticks
     */
    public long missedTicks() {
        return missed;
    }

    /**
     * The period (fixed rate) or the delay between runs (fixed delay).
     *
     * @return the period
     */
    public Duration period() {
        return Duration.ofNanos(periodNanos);
    }

    @Override
    public String toString() {
        return "PeriodicTimer["
                + (fixedRate ? "rate " : "delay ")
                + period()
                + ", "
                + switch ((int) STATE.getVolatile(this)) {
                    case ACTIVE -> "active";
                    case CANCELLED -> "cancelled";
                    default -> "failed";
                }
                + ", runs="
                + runs
                + ", missed="
                + missed
                + "]";
    }

    // ---- internals ----

    private void fire() {
        if ((int) STATE.getVolatile(this) != ACTIVE) {
            return;
        }
        try {
            task.run();
        } catch (Throwable t) {
            if (STATE.compareAndSet(this, ACTIVE, FAILED)) {
                Rt.releaseTo(this); // the testkit: as cancel(), for isFailed()
            }
            throw t; // the wheel reports it to the driver's uncaught-exception handler
        }
        runs = runs + 1; // single writer: the firing thread; runs never overlap
        long now = Rt.nanoTime();
        if (fixedRate) {
            long next = due + periodNanos;
            if (now - next > 0) { // late past further ticks: skip them (see the class notes)
                long behind = (now - due) / periodNanos; // ticks whose due time has passed
                missed = missed + (behind - 1);
                next = due + behind * periodNanos;
                if (now - next > 0) {
                    next += periodNanos;
                    missed = missed + 1;
                }
            }
            due = next;
        } else {
            due = now + periodNanos;
        }
        Timeout t = wheel.scheduleAt(due, this::fire);
        current = t; // volatile write, then read state: see the notes
        if ((int) STATE.getVolatile(this) != ACTIVE) {
            t.cancel();
        }
    }

    private static long saturate(Duration d) {
        try {
            return Math.min(d.toNanos(), Long.MAX_VALUE / 4);
        } catch (ArithmeticException tooLong) {
            return d.isNegative() ? Long.MIN_VALUE / 4 : Long.MAX_VALUE / 4;
        }
    }
}
