package dev.braid.testkit.internal;

import dev.braid.internal.rt.Op;
import java.util.Arrays;
import java.util.SplittableRandom;

/** POS: random priorities per pending operation, redrawn for the operations that race. */
public final class PosStrategy implements Strategy {
    /*
     * Implementation notes
     *
     * Algorithm (Yuan, Yang, Gu, CAV 2018, "Partial order aware concurrency sampling"). Each task's
     * pending operation carries a random priority, drawn when the task announces it (onYield). At a
     * choice point the runnable task whose pending operation has the highest priority runs; the
     * pending operations of the other runnable tasks that race with it (same resource, not both
     * loads) get fresh priorities. Independent operations keep their relative order, so schedules
     * that differ only in the order of independent operations are not sampled twice as often as
     * the rest: sampling is close to uniform over partial orders rather than over interleavings.
     *
     * State. A task's pending operation is the one it last announced; a task woken from a park has
     * its PARK (with the blocker) pending, a fresh task none (racing with nothing). Resources are
     * compared by identity, only within one run, never by hash.
     *
     * Liveness. When a task spins (it announces SPIN, or the same operation on the same object
     * PctStrategy.REPEAT_SPIN times or more in a row with no other task announcing in between: a
     * flag loaded in a wait loop), the other runnable tasks draw fresh priorities at the next
     * choice, so each runs with probability about 1/2 per spin. Without that, a partner whose
     * pending operation does not race with the spinner's kept the priority it drew, and one that
     * drew 3e-6 lost to a spinning pool worker for 100,000 steps (a false livelock, testkit 10).
     * Lowering the spinner instead is sticky: a task lowered while it spun keeps that priority
     * while another task loops with fresh draws. Memory-model choices are uniform.
     *
     * References. Yuan, Yang, Gu, "Partial order aware concurrency sampling" (CAV 2018).
     */

    /** The name in schedule strings. */
    public static final String NAME = "pos";

    private final long seed;
    private final SplittableRandom random;
    private double[] priority = new double[8];
    private Op[] pendingOp = new Op[8];
    private Object[] pendingResource = new Object[8];

    /** The task whose announcements of one (operation, object) are being counted, or -1. */
    private int repeater = -1;

    private int repeats;

    /** Whether the task that announced last is spinning: the others redraw at the next choice. */
    private boolean spinning;

    /**
     * A POS run.
     *
     * @param seed the seed of its priorities
     */
    public PosStrategy(long seed) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public long seed() {
        return seed;
    }

    @Override
    public void onSpawn(int id) {
        if (id >= priority.length) {
            int n = Math.max(id + 1, priority.length * 2);
            priority = Arrays.copyOf(priority, n);
            pendingOp = Arrays.copyOf(pendingOp, n);
            pendingResource = Arrays.copyOf(pendingResource, n);
        }
        priority[id] = random.nextDouble();
    }

    @Override
    public void onYield(int task, Op op, Object resource) {
        boolean same =
                task == repeater && op == pendingOp[task] && resource == pendingResource[task];
        repeats = same ? repeats + 1 : 1;
        repeater = task;
        pendingOp[task] = op;
        pendingResource[task] = resource;
        priority[task] = random.nextDouble();
        spinning = op == Op.SPIN || repeats >= PctStrategy.REPEAT_SPIN;
    }

    @Override
    public int choose(int[] runnable, int count, int current, Op op, long step) {
        if (spinning) {
            spinning = false;
            for (int i = 0; i < count; i++) {
                if (runnable[i] != current) {
                    priority[runnable[i]] = random.nextDouble(); // let the spinner's partners run
                }
            }
        }
        int best = 0;
        for (int i = 1; i < count; i++) {
            if (priority[runnable[i]] > priority[runnable[best]]) {
                best = i;
            }
        }
        int winner = runnable[best];
        Object res = pendingResource[winner];
        if (res != null) {
            for (int i = 0; i < count; i++) {
                int t = runnable[i];
                if (t != winner
                        && pendingResource[t] == res
                        && races(pendingOp[winner], pendingOp[t])) {
                    priority[t] = random.nextDouble();
                }
            }
        }
        return best;
    }

    private static boolean races(Op a, Op b) {
        return !(a == Op.LOAD && b == Op.LOAD);
    }

    @Override
    public int chooseMemory(int count, int current, long step) {
        return random.nextInt(count);
    }
}
