package dev.braid.testkit;

import dev.braid.internal.rt.Op;
import dev.braid.internal.rt.Rt;

/**
 * Helpers for code under test that runs inside a simulation: an explicit preemption point, the
 * virtual clock, and a seeded random source. Outside a simulation they fall back to the JDK.
 * Replays stay exact only if code under test uses these (or braid) instead of {@code Thread.yield},
 * {@code System.nanoTime}, {@code System.currentTimeMillis} and {@code Math.random}.
 */
public final class Sim {
    private Sim() {}

    /** A scheduling point: the scheduler may run any other runnable thread here. */
    public static void yieldNow() {
        Rt.yieldPoint(Op.YIELD, null);
    }

    /**
     * The clock: virtual inside a simulation.
     *
     * @return the clock: virtual inside a simulation
     */
    public static long nanoTime() {
        return Rt.nanoTime();
    }

    /**
     * The wall clock in milliseconds since the epoch: inside a simulation it starts at
     * 2026-01-01T00:00:00Z and advances with the virtual clock, so a {@code Date} deadline built
     * from it means the same in every replay.
     *
     * @return the wall clock in milliseconds since the epoch: inside a simulation it starts at
     *     2026-01-01T00:00:00Z and advances with the virtual clock, so a {@code Date} deadline
     *     built from it means the same in every replay
     */
    public static long currentTimeMillis() {
        return Rt.currentTimeMillis();
    }

    /**
     * A random long: from the schedule's seed inside a simulation, so replays draw the same.
     *
     * @return a random long: from the schedule's seed inside a simulation, so replays draw the same
     */
    public static long nextLong() {
        return Rt.nextLong();
    }

    /**
     * A random int in {@code [0, bound)}, seeded inside a simulation.
     *
     * @param bound the exclusive upper bound (positive)
     * @return a random int in {@code [0, bound)}, seeded inside a simulation
     */
    public static int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, was " + bound);
        }
        return (int) Math.floorMod(Rt.nextLong(), (long) bound);
    }

    /**
     * Wraps a user callback for fault injection ({@link Fault#CALLBACK}): inside a simulation with
     * that fault enabled, each call of the returned runnable is an injection point (a recorded
     * choice, so replays are exact) where it throws {@link InjectedFault} instead of running {@code
     * body}; otherwise, and outside a simulation, it just runs {@code body}.
     *
     * <pre>{@code
     * scope.onCancel(Sim.callback(() -> log.add("cancelled")));   // may throw when injected
     * }</pre>
     *
     * @param body the callback
     * @return a runnable that runs {@code body} or, when a fault is injected, throws
     * @throws NullPointerException if {@code body} is null
     */
    public static Runnable callback(Runnable body) {
        java.util.Objects.requireNonNull(body, "body");
        return () -> {
            if (dev.braid.testkit.internal.Engine.callbackFault()) {
                throw new InjectedFault();
            }
            body.run();
        };
    }

    /**
     * The caller's deterministic id: spawn order inside a simulation (the root is 0).
     *
     * @return the caller's deterministic id: spawn order inside a simulation (the root is 0)
     */
    public static long threadId() {
        return Rt.threadId(Thread.currentThread());
    }
}
