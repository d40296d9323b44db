package dev.braid.internal.rt;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MutableCallSite;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The runtime seam: the only place in braid that blocks, wakes, spawns, reads the clock or draws
 * randomness. Every primitive calls these methods instead of the JDK; an ArchUnit test enforces it.
 *
 * <p>In production every method is the JDK call it names. When the testkit has {@linkplain #install
 * installed} a {@link Simulator}, a call made by a simulated thread is routed to that thread's
 * {@link SimThread} instead; calls from any other thread still go to the JDK.
 */
public final class Rt {
    /*
     * Implementation notes
     *
     * Mechanism. Whether a simulator was ever installed is held in a MutableCallSite whose target is
     * a constant method handle. C2 treats the call site's target as a constant and records a
     * dependency on it, so until install() runs, `if (simulating())` folds to `if (false)` and every
     * seam method compiles to the bare JDK call: the seam costs nothing in a process that never runs
     * a simulation (measured by braid-bench's SeamCost, see docs/adr/0003-runtime-seam.md).
     * install() swaps the target to `true` and calls MutableCallSite.syncAll, which deoptimises every
     * method compiled against the old target; from then on each seam call costs one ThreadLocal
     * lookup in Simulator.current(). Test JVMs pay that; production JVMs never install.
     *
     * Tradeoffs. A plain static boolean would cost a load and a branch per call in the hot path; a
     * static final cannot change at run time; choosing a sim-aware object at construction would put
     * a field and a megamorphic call in every primitive. The call site gives constant folding with a
     * one-way switch, which is all the testkit needs.
     */

    private static final MutableCallSite SIMULATING_SITE =
            new MutableCallSite(MethodHandles.constant(boolean.class, false));
    private static final MethodHandle SIMULATING = SIMULATING_SITE.dynamicInvoker();
    private static volatile Simulator simulator;
    private static final AtomicLong THREAD_COUNTER = new AtomicLong();

    private Rt() {}

    /**
     * Installs the simulator that routes simulated threads' seam calls. May be called once per JVM;
     * later calls with the same instance are no-ops.
     *
     * @throws IllegalStateException if a different simulator is already installed
     */
    public static synchronized void install(Simulator sim) {
        Objects.requireNonNull(sim, "sim");
        if (simulator == sim) {
            return;
        }
        if (simulator != null) {
            throw new IllegalStateException("a different simulator is already installed");
        }
        simulator = sim;
        SIMULATING_SITE.setTarget(MethodHandles.constant(boolean.class, true));
        MutableCallSite.syncAll(new MutableCallSite[] {SIMULATING_SITE});
    }

    /** Whether a simulator was ever installed in this JVM (a JIT constant until it is). */
    public static boolean simulating() {
        try {
            return (boolean) SIMULATING.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /**
     * The calling thread's simulated self, or {@code null} in production or outside a simulation.
     */
    public static SimThread sim() {
        if (!simulating()) {
            return null;
        }
        Simulator s = simulator;
        return s == null ? null : s.current();
    }

    /** Announces a visible operation on {@code resource} (which may be {@code null}). */
    public static void yieldPoint(Op op, Object resource) {
        if (simulating()) {
            SimThread t = sim();
            if (t != null) {
                t.yieldPoint(op, resource);
            }
        }
    }

    /**
     * Parks the caller until unparked, interrupted, or spuriously. Callers re-check their condition
     * in a loop, as with {@link LockSupport#park(Object)}.
     */
    public static void park(Object blocker) {
        if (simulating()) {
            SimThread t = sim();
            if (t != null) {
                t.park(blocker);
                return;
            }
        }
        LockSupport.park(blocker);
    }

    /**
     * Parks the caller until unparked, interrupted, {@link #nanoTime()} reaches {@code
     * deadlineNanos}, or spuriously.
     */
    public static void parkUntil(Object blocker, long deadlineNanos) {
        if (simulating()) {
            SimThread t = sim();
            if (t != null) {
                t.parkUntil(blocker, deadlineNanos);
                return;
            }
        }
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining > 0) {
            LockSupport.parkNanos(blocker, remaining);
        }
    }

    /** Makes {@code thread}'s park permit available. {@code null} is ignored, as by the JDK. */
    public static void unpark(Thread thread) {
        if (simulating()) {
            SimThread t = sim();
            if (t != null) {
                t.unpark(thread);
                return;
            }
        }
        LockSupport.unpark(thread);
    }

    /**
     * Tells the simulator's memory model that everything the caller did so far happens-before what
     * {@code thread} does after its next {@link #receiveHandOffs()} (or its next return from a
     * park), without waking it. For hand-overs that production orders through a volatile word the
     * model does not see (a status field, a queue word) and that need not end in an unpark. Free in
     * production; {@code null} is ignored.
     */
    public static void handOff(Thread thread) {
        if (simulating()) {
            SimThread t = sim();
            if (t != null && thread != null) {
                t.handOff(thread);
            }
        }
    }

    /** The receiving side of {@link #handOff}: the caller acquires what was handed to it. */
    public static void receiveHandOffs() {
        if (simulating()) {
            SimThread t = sim();
            if (t != null) {
                t.receiveHandOffs();
            }
        }
    }

    /** Interrupts {@code thread}. */
    public static void interrupt(Thread thread) {
        Objects.requireNonNull(thread, "thread");
        if (simulating()) {
            SimThread t = sim();
            if (t != null) {
                t.interrupt(thread);
                return;
            }
        }
        thread.interrupt();
    }

    /** Creates and starts a thread as {@code spec} describes, running {@code body}. */
    public static Thread spawn(ThreadSpec spec, Runnable body) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(body, "body");
        if (simulating()) {
            SimThread t = sim();
            if (t != null) {
                return t.spawn(spec, body);
            }
        }
        String name =
                spec.name() != null ? spec.name() : "braid-" + THREAD_COUNTER.incrementAndGet();
        Thread thread;
        if (spec.virtual()) {
            thread = Thread.ofVirtual().name(name).unstarted(body);
        } else {
            thread =
                    Thread.ofPlatform()
                            .name(name)
                            .daemon(spec.daemon())
                            .stackSize(spec.stackSize())
                            .unstarted(body);
        }
        thread.start();
        return thread;
    }

    /** The monotonic clock in nanoseconds (virtual under simulation). */
    public static long nanoTime() {
        if (simulating()) {
            SimThread t = sim();
            if (t != null) {
                return t.nanoTime();
            }
        }
        return System.nanoTime();
    }

    /**
     * The real monotonic clock, {@link System#nanoTime()}, also on a simulated thread. Only for
     * state that a simulation may create but that real threads read after it: a driven timer
     * wheel's origin (the shared wheel may be created on a simulated thread, and its driver is
     * always a real thread reading the real clock). Everything a simulated thread waits on uses
     * {@link #nanoTime()}.
     */
    public static long realNanoTime() {
        return System.nanoTime();
    }

    /**
     * The wall clock, in milliseconds since the epoch (virtual under simulation). Only for turning
     * a wall-clock deadline (a {@link java.util.Date}) into a duration once, at the API boundary;
     * measure elapsed time and wait with {@link #nanoTime()}.
     */
    public static long currentTimeMillis() {
        if (simulating()) {
            SimThread t = sim();
            if (t != null) {
                return t.currentTimeMillis();
            }
        }
        return System.currentTimeMillis();
    }

    /** A random {@code long} (seeded and replayable under simulation). */
    public static long nextLong() {
        if (simulating()) {
            SimThread t = sim();
            if (t != null) {
                return t.nextLong();
            }
        }
        return ThreadLocalRandom.current().nextLong();
    }

    /** An identifier for {@code thread}: the JDK's id, or spawn order under simulation. */
    public static long threadId(Thread thread) {
        Objects.requireNonNull(thread, "thread");
        if (simulating()) {
            SimThread t = sim();
            if (t != null) {
                return t.threadId(thread);
            }
        }
        return thread.threadId();
    }

    /** One iteration of a spin-wait loop. Under simulation, lets other threads run. */
    public static void spinWait() {
        if (simulating()) {
            SimThread t = sim();
            if (t != null) {
                t.yieldPoint(Op.SPIN, null);
                return;
            }
        }
        Thread.onSpinWait();
    }

    /** Offers the processor to other threads. */
    public static void yieldNow() {
        if (simulating()) {
            SimThread t = sim();
            if (t != null) {
                t.yieldPoint(Op.YIELD, null);
                return;
            }
        }
        Thread.yield();
    }

    /** Records that the caller now holds {@code resource} (simulation only; free in production). */
    public static void acquired(Object resource) {
        if (simulating()) {
            SimThread t = sim();
            if (t != null) {
                t.acquired(resource);
            }
        }
    }

    /** Records that the caller no longer holds {@code resource}. */
    public static void released(Object resource) {
        if (simulating()) {
            SimThread t = sim();
            if (t != null) {
                t.released(resource);
            }
        }
    }

    /**
     * Records that the caller has read, with an acquire (or volatile) read, a state of {@code
     * resource} that earlier operations announced on it published: under the testkit, everything
     * those operations released into {@code resource} happens before what the caller does next (ADR
     * 0130). Unlike {@link #acquired}, the caller does not become a holder and releases nothing;
     * not a yield point, so no schedule changes. Free in production; {@code null} is ignored (ADR
     * 0134).
     */
    public static void acquireFrom(Object resource) {
        if (simulating()) {
            SimThread t = sim();
            if (t != null && resource != null) {
                t.acquireFrom(resource);
            }
        }
    }

    /**
     * Records that the caller has written {@code resource}'s state with a volatile write or CAS
     * that a later acquire read of it may read from (directly or through a chain of
     * read-modify-writes): under the testkit, everything the caller did so far is published to
     * later {@link #acquireFrom} and announced operations on {@code resource}. Not a yield point;
     * free in production; {@code null} is ignored (ADR 0134).
     */
    public static void releaseTo(Object resource) {
        if (simulating()) {
            SimThread t = sim();
            if (t != null && resource != null) {
                t.releaseTo(resource);
            }
        }
    }

    /**
     * Records that the caller's write to {@code to} read {@code from} (a CAS or swap that reads a
     * word other threads published and writes its successor): under the testkit, what was released
     * into {@code from} is released into {@code to} as well, so a later {@link #acquireFrom} of
     * {@code to} is ordered after it. The caller acquires its happens-before (what those releasers
     * did is ordered before the caller's next accesses, as in production) but not its coherence
     * floors, which keeps recorded schedules replaying (ADR 0134, ADR 0152). Not a yield point;
     * free in production; {@code null} is ignored.
     */
    public static void passOn(Object from, Object to) {
        if (simulating()) {
            SimThread t = sim();
            if (t != null && from != null && to != null) {
                t.passOn(from, to);
            }
        }
    }

    /**
     * Records that a task (a pool task or an async task) ended with {@code failure}, which only its
     * handle keeps: under the testkit, a run whose every thread ends while no one has read the
     * outcome (an {@link #acquireFrom} of {@code handle}: a join, a poll) fails with it, as an
     * uncaught throwable of a thread does (failures are never hidden). Call it before the outcome
     * is published, so that a joiner cannot read it first. Not a yield point; free in production;
     * {@code null} arguments are ignored (findings-testkit13).
     *
     * @param handle the object whose {@link #acquireFrom} reads the outcome
     * @param name the task as reports name it
     * @param failure what the task threw
     */
    public static void taskFailed(Object handle, String name, Throwable failure) {
        if (simulating()) {
            SimThread t = sim();
            if (t != null && handle != null && failure != null) {
                t.taskFailed(handle, name, failure);
            }
        }
    }

    /**
     * Sleeps until {@link #nanoTime()} reaches {@code deadlineNanos}.
     *
     * @throws InterruptedException if the caller is interrupted (its interrupt status is cleared)
     */
    public static void sleepUntil(long deadlineNanos) throws InterruptedException {
        yieldPoint(Op.SLEEP, null);
        while (true) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            if (nanoTime() - deadlineNanos >= 0) {
                return;
            }
            parkUntil(SLEEP_BLOCKER, deadlineNanos);
        }
    }

    private static final Object SLEEP_BLOCKER =
            new Object() {
                @Override
                public String toString() {
                    return "sleep";
                }
            };
}
