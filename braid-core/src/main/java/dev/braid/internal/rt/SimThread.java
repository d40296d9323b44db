package dev.braid.internal.rt;

/**
 * The testkit's side of the seam for one simulated thread: every operation here is called by that
 * thread itself (the "caller"), only while a simulation controls it.
 *
 * <p>Semantics mirror the production implementation in {@link Rt} so that code behaves the same in
 * both worlds, except that time is virtual and every choice between runnable threads is the
 * scheduler's:
 *
 * <ul>
 *   <li>{@link #park} and {@link #parkUntil} follow {@link
 *       java.util.concurrent.locks.LockSupport}'s permit semantics (an unpark before the park makes
 *       it return at once); they may return early only if the caller was interrupted;
 *   <li>{@code blocker} names what the caller waits for; a {@link Thread} blocker means "waits for
 *       that thread to finish". Deadlock reports use it together with {@link #acquired}/{@link
 *       #released}.
 * </ul>
 */
public interface SimThread {
    /** Announces a visible operation; the scheduler may run other threads before returning. */
    void yieldPoint(Op op, Object resource);

    /** Blocks the caller until it is unparked (or interrupted). */
    void park(Object blocker);

    /**
     * Blocks the caller until it is unparked, interrupted, or the virtual clock reaches {@code
     * deadlineNanos} (a value of {@link #nanoTime()}'s scale).
     */
    void parkUntil(Object blocker, long deadlineNanos);

    /** Makes {@code thread}'s permit available, waking it if it is parked. */
    void unpark(Thread thread);

    /**
     * A happens-before edge from everything the caller did so far to what {@code thread} does after
     * its next {@link #receiveHandOffs()} or return from a park; does not wake it.
     */
    void handOff(Thread thread);

    /** The caller acquires every edge handed to it so far (see {@link #handOff}). */
    void receiveHandOffs();

    /** Interrupts {@code thread}, waking it if it is parked. */
    void interrupt(Thread thread);

    /** Creates and starts a thread that takes part in the same simulation. */
    Thread spawn(ThreadSpec spec, Runnable body);

    /** The virtual monotonic clock, in nanoseconds. */
    long nanoTime();

    /**
     * The virtual wall clock, in milliseconds since the epoch: a fixed starting instant plus the
     * virtual time elapsed, so it advances with {@link #nanoTime()} and is the same in every
     * replay.
     */
    long currentTimeMillis();

    /** A draw from the simulation's seeded generator. */
    long nextLong();

    /** A deterministic identifier for {@code thread} (spawn order within the simulation). */
    long threadId(Thread thread);

    /** The caller now holds {@code resource} (for the wait-for graph). */
    void acquired(Object resource);

    /** The caller no longer holds {@code resource}. */
    void released(Object resource);

    /**
     * The caller acquires what operations on {@code resource} released into it, without holding it
     * and without a yield point (see {@link Rt#acquireFrom}).
     */
    void acquireFrom(Object resource);

    /**
     * The caller releases everything it did so far into {@code resource}, without holding it and
     * without a yield point (see {@link Rt#releaseTo}).
     */
    void releaseTo(Object resource);

    /**
     * What was released into {@code from} is released into {@code to} as well; the caller acquires
     * its clock, not its floors (see {@link Rt#passOn}).
     */
    void passOn(Object from, Object to);

    /**
     * A task ended with {@code failure}, kept in {@code handle} until someone acquires from it (see
     * {@link Rt#taskFailed}).
     */
    void taskFailed(Object handle, String name, Throwable failure);
}
