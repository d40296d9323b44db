package dev.braid.time;

import dev.braid.internal.rt.Op;
import dev.braid.internal.rt.Rt;
import dev.braid.internal.rt.ThreadSpec;
import dev.braid.internal.util.Args;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs short tasks at deadlines on a hierarchical timing wheel, with one driver thread per wheel.
 *
 * <pre>{@code
 * Timeout t = TimerWheel.shared().schedule(Duration.ofSeconds(5), () -> log.warn("slow"));
 * ...
 * t.cancel();   // O(1); the wheel drops the task at once
 * }</pre>
 *
 * <p><b>Guarantees.</b> {@link #schedule} and {@link Timeout#cancel} are O(1). A task never runs
 * before its deadline, and runs at most about one {@link #tick()} after it when the driver thread
 * gets the processor on time. The tick is that bound, not the firing grid: the driver fires on a
 * grid of a quarter tick ({@link #resolution()}), so a task normally runs within a quarter tick of
 * its deadline, plus the time to wake the driver and to run the tasks due before it. The price is
 * up to four driver wake-ups per tick while timers come due in every quarter. A cancelled timer is
 * unlinked immediately: the wheel keeps no reference to it or its task. At most {@link #capacity()}
 * timers may be pending; beyond that {@link #schedule} throws {@link TimerOverloadException} (and
 * emits a JFR event).
 *
 * <p><b>Tasks</b> run on the wheel's driver thread, one after another, so they must be short and
 * must not block; hand longer work to an executor. A task that throws is reported to the driver
 * thread's uncaught-exception handler; the driver carries on. Scheduling happens-before the task
 * runs.
 *
 * <p><b>Driver.</b> The driver is a daemon platform thread, started on the first schedule; it parks
 * through the runtime seam until the next occupied slot, so an idle wheel costs no wake-ups. {@link
 * #shared()} is the process-wide wheel that braid's own timeouts use.
 *
 * <p><b>Under the testkit</b> a simulated thread's timer is not put on the wheel: it becomes a
 * simulated thread that sleeps on the virtual clock, so timeouts take no wall time and the race
 * between a timer and other threads is explored like any other interleaving.
 */
public final class TimerWheel implements AutoCloseable {
    /*
     * Implementation notes
     *
     * Algorithm. `Wheel` holds the levels; this class adds the lock, the bound, the driver and the
     * conversion between seam nanoseconds and the Wheel's ticks, which are `resNanos` long:
     * tick(t) = floor((t - origin) / resNanos) for "now", and ceil for deadlines, so an entry's
     * tick never precedes its deadline.
     *
     * Resolution. A driven wheel's Wheel ticks are a quarter of the user's tick (SUBTICKS; never
     * below 1 us, and never longer than the tick). Firing at the end of the grid step that holds
     * the deadline makes lateness uniform over one grid step before any driver overhead: with the
     * grid at the tick, the 99th percentile would be 0.99 tick plus the wake-up and the batch, so
     * "at most one tick late" would fail for about a third of the timers of a dense batch
     * (docs/perf/cancel-time.md, ADR 0017). A quarter-tick grid leaves three quarters of a tick
     * for the wake-up and the tasks due before. The cost is wake-ups: a driver with timers due in
     * every quarter wakes four times per tick; an idle or sparse wheel wakes no more than before.
     * The levels' reach shrinks by the same factor (64^6 quarter-ticks: 199 days at 1 ms), and
     * farther entries are re-inserted as before. Manual wheels (tests) keep the grid at the tick.
     *
     * State. Every field of the wheel and of pending entries is guarded by `lock`, a test-and-set
     * spin lock (0 free, 1 held). Critical sections are O(1) or O(due entries), contain no yield
     * point, no allocation but the driver's list and Wheel's staging array (80 bytes every 64
     * inserts, ADR 0067), and never block. `wakeAt` is the tick the driver will next wake at
     * (MAX_VALUE when parked without a deadline); a schedule that lands earlier
     * unparks the driver after releasing the lock. The driver registers itself under the lock
     * before its first look at the wheel, so no schedule can miss it.
     *
     * Conversion. Deadlines become grid ticks by ceil((deadline - origin) / resNanos) on every
     * schedule; GridMath does it with a precomputed reciprocal (a multiply and a correction)
     * instead of a 64-bit divide, with exactly Math.ceilDiv's result (ADR 0056). A driven wheel's
     * origin is read from the real clock (Rt.realNanoTime) even on a simulated thread: only its
     * real driver reads the grid, and the shared wheel is often made inside a simulation.
     *
     * Memory ordering. lock() is a volatile CAS (acquire); unlock() is setRelease, which publishes
     * the section's writes to the next holder. Entry `state` is read without the lock by Timeout's
     * queries and cancel()'s fast path; it is only written under the lock, by a release store
     * (TimerEntry.publish: no SEQ_CST fence, see TimerEntry's notes). So a cancel is one atomic
     * instruction, the lock's CAS, and a schedule likewise. A task is handed from the scheduler to
     * the driver through the lock, hence schedule happens-before run.
     *
     * Liveness. Lock-based but never blocking while held; a holder descheduled by the OS makes
     * others spin then yield. The driver is woken by unpark (permit semantics: an unpark that
     * arrives before its park is not lost).
     *
     * Tradeoffs. One lock per wheel instead of tokio's per-worker wheels: simple, eager removal is
     * trivial, and a 2-core machine gains nothing from sharding; revisit with the pool (issue 8).
     * Tasks run on the driver, like Netty's HashedWheelTimer, to avoid an executor hop per timer.
     *
     * References. See Wheel.
     */

    /** Default tick of {@link #shared()}. */
    public static final Duration DEFAULT_TICK = Duration.ofMillis(1);

    /** Grid steps per tick of a driven wheel (see "Resolution" in the notes). */
    static final int SUBTICKS = 4;

    /** Default bound on pending timers of {@link #shared()}. */
    public static final int DEFAULT_CAPACITY = 1 << 20;

    private static final VarHandle LOCK;

    static {
        try {
            LOCK = MethodHandles.lookup().findVarHandle(TimerWheel.class, "lock", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final class Shared {
        static final TimerWheel INSTANCE =
                new TimerWheel("braid-timer", DEFAULT_TICK.toNanos(), DEFAULT_CAPACITY, true, true);
    }

    @SuppressWarnings("unused") // accessed through LOCK
    private volatile int lock;

    private final String name;
    private final long tickNanos;
    private final long resNanos; // the Wheel's tick: see "Resolution"
    private final long resRecip; // GridMath.reciprocal(resNanos): see "Conversion"
    private final int capacity;
    private final long origin;
    private final boolean driven;
    private final boolean shared;
    private final Wheel wheel;
    private Thread driver; // guarded by lock
    private boolean driverStarted; // guarded by lock
    private boolean closed; // guarded by lock
    private long wakeAt = Long.MAX_VALUE; // guarded by lock

    TimerWheel(String name, long tickNanos, int capacity, boolean driven, boolean shared) {
        this(name, tickNanos, driven ? grid(tickNanos) : tickNanos, capacity, driven, shared);
    }

    private TimerWheel(
            String name,
            long tickNanos,
            long resNanos,
            int capacity,
            boolean driven,
            boolean shared) {
        this.name = name;
        this.tickNanos = tickNanos;
        this.resNanos = resNanos;
        this.resRecip = GridMath.reciprocal(resNanos);
        this.capacity = capacity;
        this.driven = driven;
        this.shared = shared;
        // A driven wheel's grid is read only by its driver, a real thread on the real clock (a
        // simulated thread's timer never goes on the grid: it becomes a SimTimer). Its origin must
        // come from that clock even when the wheel is made on a simulated thread, as the shared
        // wheel is when a simulation touches it first: a virtual origin (the testkit's clock starts
        // at 1,000 s and runs ahead by hours in a test) put every later real deadline before the
        // wheel's tick 0 on a machine up for less than that, and no timer ever fired.
        this.origin = driven ? Rt.realNanoTime() : Rt.nanoTime();
        this.wheel = new Wheel(0);
    }

    /**
     * The process-wide wheel: 1 ms tick, {@value #DEFAULT_CAPACITY} pending timers at most.
     *
     * @return the process-wide wheel: 1 ms tick, {@value #DEFAULT_CAPACITY} pending timers at most
     */
    public static TimerWheel shared() {
        return Shared.INSTANCE;
    }

    /**
     * A wheel of its own, with its own driver thread (started on first use, stopped by {@link
     * #close()}).
     *
     * @param name the wheel's name, also its driver thread's
     * @param tick how late a task may run at most
     * @param capacity the bound on pending timers
     * @return the new wheel
     * @throws NullPointerException if {@code name} or {@code tick} is null
     * @throws IllegalArgumentException if {@code name} is blank, {@code tick} is shorter than 1 µs
     *     or longer than 1 hour, or {@code capacity} is not positive
     */
    public static TimerWheel create(String name, Duration tick, int capacity) {
        Args.notBlank(name, "name");
        Args.notNull(tick, "tick");
        if (tick.compareTo(Duration.ofNanos(1_000)) < 0
                || tick.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("tick must be between 1 µs and 1 h, was " + tick);
        }
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be > 0, was " + capacity);
        }
        return new TimerWheel(name, tick.toNanos(), capacity, true, false);
    }

    /**
     * Runs {@code task} once {@code delay} has passed. A zero or negative delay runs it at the next
     * tick.
     *
     * @param delay how long from now to run the task
     * @param task the code to run on the wheel's driver thread; keep it short
     * @return a handle that cancels the timer
     * @throws NullPointerException if {@code delay} or {@code task} is null
     * @throws TimerOverloadException if {@link #capacity()} timers are pending
     * @throws IllegalStateException if the wheel is closed
     */
    public Timeout schedule(Duration delay, Runnable task) {
        Args.notNull(delay, "delay");
        Args.notNull(task, "task");
        long now = Rt.nanoTime();
        long nanos;
        try {
            nanos = Math.max(0L, delay.toNanos());
        } catch (ArithmeticException tooLong) {
            nanos = Long.MAX_VALUE / 4;
        }
        return scheduleAt(now + Math.min(nanos, Long.MAX_VALUE / 4), task);
    }

    /**
     * Runs {@code task} once {@code deadline} (a {@link dev.braid.cancel.Deadline}) has passed; a
     * deadline that has already passed runs it at the next tick.
     *
     * @param deadline when the task becomes due
     * @param task what to run, on the wheel's driver thread
     * @return the handle that cancels it
     * @throws NullPointerException if {@code deadline} or {@code task} is null
     * @throws IllegalArgumentException if {@code deadline} never comes ({@link
     *     dev.braid.cancel.Deadline#never()})
     * @throws TimerOverloadException if {@link #capacity()} timers are pending
     * @throws IllegalStateException if the wheel is closed
     */
    public Timeout scheduleAt(TimePoint deadline, Runnable task) {
        Args.notNull(deadline, "deadline");
        Args.notNull(task, "task");
        if (deadline.isNever()) {
            throw new IllegalArgumentException(
                    "deadline must not be Deadline.never(): its task would never run");
        }
        return scheduleAt(deadline.nanoTime(), task);
    }

    /**
     * Runs {@code task} every {@code period}, first after {@code initialDelay}, at a fixed rate:
     * the n-th run is due at {@code start + initialDelay + n * period}. A run that starts so late
     * that later ticks have already passed does not catch up with a burst: the missed ticks are
     * skipped (counted by {@link PeriodicTimer#missedTicks()}) and the next run is due at the next
     * tick of the original grid. A zero or negative initial delay runs the task at the next tick.
     *
     * @param initialDelay the delay before the first run
     * @param period the time between the starts of two runs
     * @param task what to run, on the wheel's driver thread (short, non-blocking)
     * @return the handle that cancels the series
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code period} is not positive
     * @throws TimerOverloadException if {@link #capacity()} timers are pending
     * @throws IllegalStateException if the wheel is closed
     */
    public PeriodicTimer scheduleAtFixedRate(
            Duration initialDelay, Duration period, Runnable task) {
        return PeriodicTimer.start(this, initialDelay, period, task, true);
    }

    /**
     * Runs {@code task} repeatedly with {@code delay} between the end of one run and the start of
     * the next, first after {@code initialDelay} (zero or negative: at the next tick). A late run
     * delays the following ones; no tick is ever missed.
     *
     * @param initialDelay the delay before the first run
     * @param delay the time between the end of a run and the start of the next
     * @param task what to run, on the wheel's driver thread (short, non-blocking)
     * @return the handle that cancels the series
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code delay} is not positive
     * @throws TimerOverloadException if {@link #capacity()} timers are pending
     * @throws IllegalStateException if the wheel is closed
     */
    public PeriodicTimer scheduleWithFixedDelay(
            Duration initialDelay, Duration delay, Runnable task) {
        return PeriodicTimer.start(this, initialDelay, delay, task, false);
    }

    /**
     * Runs {@code task} once the seam clock ({@code Rt.nanoTime()}, the scale of {@code
     * Deadline.nanoTime()}) reaches {@code deadlineNanos}; a deadline in the past runs it at the
     * next tick.
     *
     * @param deadlineNanos when to run the task, on the seam clock
     * @param task the code to run on the wheel's driver thread; keep it short
     * @return a handle that cancels the timer
     * @throws NullPointerException if {@code task} is null
     * @throws TimerOverloadException if {@link #capacity()} timers are pending
     * @throws IllegalStateException if the wheel is closed
     */
    public Timeout scheduleAt(long deadlineNanos, Runnable task) {
        Args.notNull(task, "task");
        Rt.yieldPoint(Op.SLEEP, this);
        if (driven && Rt.sim() != null) {
            return SimTimer.start(deadlineNanos, task);
        }
        TimerEntry e = new TimerEntry(this, deadlineNanos, task);
        long delta = deadlineNanos - origin;
        if (((deadlineNanos ^ origin) & (deadlineNanos ^ delta)) < 0) { // overflow: saturate
            delta = deadlineNanos < origin ? Long.MIN_VALUE / 2 : Long.MAX_VALUE / 2;
        }
        e.when = GridMath.ceilDiv(delta, resNanos, resRecip);
        boolean rejected = false;
        boolean spawn = false;
        Thread wake = null;
        lock();
        try {
            if (closed) {
                throw new IllegalStateException(name + " is closed");
            }
            if (wheel.size() >= capacity) {
                dropCancelled(e); // never returned: the state is moot, but keep it consistent
                rejected = true; // reported after unlocking: a JFR commit is not O(1)
            } else {
                wheel.insert(e);
                if (e.when < wakeAt) {
                    wakeAt = e.when;
                    wake = driver;
                }
                if (driven && !driverStarted) {
                    driverStarted = true;
                    spawn = true;
                }
            }
        } finally {
            unlock();
        }
        if (rejected) {
            reject();
        }
        if (spawn) {
            Rt.spawn(new ThreadSpec(name, true, false, 0), this::drive);
        } else if (wake != null) {
            Rt.unpark(wake);
        }
        return e;
    }

    /**
     * Number of timers pending right now (a snapshot).
     *
     * @return number of timers pending right now (a snapshot)
     */
    public int pending() {
        lock();
        try {
            return wheel.size();
        } finally {
            unlock();
        }
    }

    /**
     * The bound on pending timers.
     *
     * @return the bound on pending timers
     */
    public int capacity() {
        return capacity;
    }

    /**
     * The bound on lateness this wheel was made with: a task runs at most about one tick late.
     *
     * @return the bound on lateness this wheel was made with: a task runs at most about one tick
     *     late
     */
    public Duration tick() {
        return Duration.ofNanos(tickNanos);
    }

    /**
     * The grid the driver fires on: a quarter of {@link #tick()} (but at least 1 µs, and at most
     * the tick). A task runs at the first grid point at or after its deadline, once the driver is
     * awake.
     *
     * @return the grid the driver fires on: a quarter of {@link #tick()} (but at least 1 µs, and at
     *     most the tick)
     */
    public Duration resolution() {
        return Duration.ofNanos(resNanos);
    }

    /**
     * Stops the driver and cancels every pending timer (their tasks never run). Idempotent.
     *
     * @throws IllegalStateException on {@link #shared()}, which lives as long as the process
     */
    @Override
    public void close() {
        if (shared) {
            throw new IllegalStateException("the shared timer wheel cannot be closed");
        }
        Thread d;
        lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            wheel.drain(TimerWheel::dropCancelled);
            d = driver;
        } finally {
            unlock();
        }
        if (d != null) {
            Rt.unpark(d);
        }
    }

    @Override
    public String toString() {
        return "TimerWheel[" + name + ", tick=" + tick() + ", resolution=" + resolution() + "]";
    }

    // ---- internals ----

    boolean cancel(TimerEntry e) {
        Rt.yieldPoint(Op.OTHER, this);
        lock();
        try {
            if (e.state != TimerEntry.PENDING) {
                return false;
            }
            wheel.remove(e);
            dropCancelled(e);
            return true;
        } finally {
            unlock();
        }
    }

    /**
     * Runs every task due at {@code nowNanos} on the calling thread; returns how many ran. The
     * driver's step; tests call it directly on wheels built without a driver.
     */
    int advance(long nowNanos) {
        List<Runnable> due = new ArrayList<>();
        lock();
        try {
            expire(nowNanos, due);
        } finally {
            unlock();
        }
        runAll(due);
        return due.size();
    }

    /** A wheel without a driver thread, advanced by hand (tests). */
    static TimerWheel manual(long tickNanos, int capacity) {
        return new TimerWheel("manual-timer", tickNanos, capacity, false, false);
    }

    /** A manual wheel on a driven wheel's grid (tests of the quarter-tick firing). */
    static TimerWheel manualOnGrid(long tickNanos, int capacity) {
        return new TimerWheel("manual-timer", tickNanos, grid(tickNanos), capacity, false, false);
    }

    /** A driven wheel's grid step for {@code tickNanos}: see "Resolution" in the notes. */
    static long grid(long tickNanos) {
        return Math.max(Math.min(tickNanos, 1_000L), tickNanos / SUBTICKS);
    }

    long origin() {
        return origin;
    }

    private void expire(long nowNanos, List<Runnable> due) {
        long now = GridMath.floorDiv(nowNanos - origin, resNanos, resRecip);
        wheel.advance(
                now,
                e -> {
                    due.add(e.task);
                    e.task = null;
                    e.publish(TimerEntry.EXPIRED);
                });
    }

    private void drive() {
        List<Runnable> due = new ArrayList<>();
        while (true) {
            long next;
            lock();
            try {
                if (closed) {
                    driver = null;
                    return;
                }
                driver = Thread.currentThread();
                expire(Rt.nanoTime(), due);
                long exp = wheel.nextExpiration();
                next = exp < 0 ? Long.MAX_VALUE : exp;
                wakeAt = next;
            } finally {
                unlock();
            }
            runAll(due);
            due.clear();
            if (next == Long.MAX_VALUE) {
                Rt.park(this);
            } else {
                Rt.parkUntil(this, origin + next * resNanos);
            }
        }
    }

    private static void runAll(List<Runnable> due) {
        for (Runnable task : due) {
            runReporting(task);
        }
    }

    static void runReporting(Runnable task) {
        try {
            task.run();
        } catch (Throwable t) {
            Thread me = Thread.currentThread();
            me.getUncaughtExceptionHandler().uncaughtException(me, t);
        }
    }

    private static void dropCancelled(TimerEntry e) {
        e.task = null;
        e.publish(TimerEntry.CANCELLED);
    }

    private void reject() {
        TimerOverloadEvent ev = new TimerOverloadEvent();
        if (ev.shouldCommit()) {
            ev.wheel = name;
            ev.capacity = capacity;
            ev.commit();
        }
        throw new TimerOverloadException(name, capacity);
    }

    private void lock() {
        int spins = 0;
        while (!LOCK.compareAndSet(this, 0, 1)) { // volatile CAS: acquires the wheel
            if (++spins < 100) {
                Rt.spinWait();
            } else {
                Rt.yieldNow();
            }
        }
    }

    private void unlock() {
        LOCK.setRelease(this, 0); // release: publishes the section's writes
    }
}
