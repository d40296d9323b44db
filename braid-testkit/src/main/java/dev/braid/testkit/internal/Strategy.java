package dev.braid.testkit.internal;

import dev.braid.internal.rt.Op;

/**
 * Picks which runnable thread runs next. One instance serves one run; it is called only by the
 * thread holding the baton, so it needs no synchronization. Random is the first strategy; PCT
 * (priorities with change points) and bounded DFS fit the same shape: PCT keeps a priority per task
 * (see {@link #onSpawn}) and chooses the highest, DFS replays a prefix and then branches.
 */
public interface Strategy {
    /** The name recorded in the schedule string. */
    String name();

    /** The seed recorded in the schedule string (also seeds the simulation's random source). */
    long seed();

    /**
     * Chooses one of {@code count >= 2} runnable tasks.
     *
     * @param runnable the runnable task ids, ascending, in {@code runnable[0..count)}
     * @param current the id of the task that reached the scheduling point
     * @param op what that task is doing
     * @param step the step number within the run
     * @return an index in {@code [0, count)}
     * @throws Divergence if the strategy replays a schedule that the program does not follow
     */
    int choose(int[] runnable, int count, int current, Op op, long step);

    /**
     * Chooses one of {@code count >= 2} options of the memory model: which store a load reads or
     * where a store goes in modification order. Option 0 is always the sequentially consistent one
     * (the newest store, the end of the order), which is what this default picks.
     *
     * @param current the id of the task making the access
     * @param step the step number within the run
     * @throws Divergence if the strategy replays a schedule that the program does not follow
     */
    default int chooseMemory(int count, int current, long step) {
        return 0;
    }

    /** Called when task {@code id} is created (the root is task 0). */
    default void onSpawn(int id) {}

    /**
     * Called before a scheduling point: task {@code task} is about to do {@code op} on {@code
     * resource} (null if none is known), and may be preempted first. POS and SURW use it.
     *
     * @param task the task's id
     * @param op the operation it announces
     * @param resource what it operates on, or null
     */
    default void onYield(int task, Op op, Object resource) {}

    /**
     * Called at every step, choice or not, after the scheduler collected the runnable tasks and
     * before it chooses: task {@code task} has run the step it announced before (with whatever code
     * followed it) and now announces {@code op} on {@code resource}. The bounded search uses it to
     * tell which steps commute (ADR 0159).
     *
     * @param task the task's id
     * @param op the operation it announces next
     * @param resource what it operates on, or null
     * @param hidden whether the step it has just run had effects beyond its announced operation
     *     that another task's step may observe (a SEQ_CST access or fence, a happens-before edge
     *     through an object, a hand-off, a wake-up, a draw from the shared random source)
     */
    default void onStep(int task, Op op, Object resource, boolean hidden) {}

    /**
     * Whether picking {@code runnable[pick]} at a scheduling point is a preemption: the task that
     * reached the point could go on and is not offering the processor (a spin or a yield).
     *
     * @param runnable the runnable task ids in {@code runnable[0..count)}
     * @param count how many are runnable
     * @param current the task that reached the point
     * @param op its operation
     * @param pick the index chosen
     * @return whether that choice preempts {@code current}
     */
    static boolean isPreemption(int[] runnable, int count, int current, Op op, int pick) {
        if (op == Op.SPIN || op == Op.YIELD || runnable[pick] == current) {
            return false;
        }
        for (int i = 0; i < count; i++) {
            if (runnable[i] == current) {
                return true;
            }
        }
        return false;
    }

    /**
     * Checked after the run: a replay verifies that it used every recorded choice.
     *
     * @return null if the run was consistent, otherwise a description of the divergence
     */
    default String finish(int choicesMade, int fingerprint) {
        return null;
    }

    /** A replayed schedule asked for a choice the program cannot make. */
    final class Divergence extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Divergence(String message) {
            super(message, null, false, false);
        }
    }
}
