package dev.braid.testkit.internal;

import dev.braid.internal.rt.Op;
import java.util.Arrays;
import java.util.SplittableRandom;

/** PCT: the runnable task with the highest priority runs; priorities drop at change points. */
public final class PctStrategy implements Strategy {
    /*
     * Implementation notes
     *
     * Algorithm (Burckhardt, Kothari, Musuvathi, Nagarakatte, ASPLOS 2010). Every task gets a
     * random initial priority of at least d when it is spawned. Before the run, d - 1 change points
     * are drawn uniformly from [1, k], k being the number of choice points an earlier schedule of
     * the same exploration had (Profile). At every choice point the runnable task with the highest
     * priority runs; when the choice-point counter reaches the j-th change point (j = 1..d-1) the
     * task that reached the point drops to priority d - j, below every initial priority. A bug of
     * depth d (d ordering constraints) is hit with probability at least 1/(n k^(d-1)).
     *
     * Steps. The paper counts every instruction; only choice points matter here (at other points
     * exactly one task can run), so k counts those and the bound holds with the smaller k.
     *
     * Liveness. Strict priorities starve a spinning task's partner forever; a task that announces a
     * SPIN drops below every other priority (a fresh, lower value each time), as the PCT paper's
     * implementation does for yields in spin loops. A plain YIELD is not such a hint (code puts one
     * between a read and a write to be interleaved there), but a task that reaches YIELD_SPIN
     * yields in a row without another task running in between is spinning (Sim.yieldNow in a
     * wait loop, which docs/testkit.md recommends) and drops the same way; without this a correct
     * wait loop was reported as a livelock (ADR 0064). The same holds for a wait loop without a
     * yield (a load of a flag again and again): a task that announces the same operation on the
     * same object REPEAT_SPIN times in a row (onYield; any other operation of it, e.g. a store or
     * an unlock, or another task's, ends the streak) is spinning and drops the same way, when it
     * next reaches a choice point. Memory-model choices are uniformly random.
     *
     * References. Burckhardt et al., "A randomized scheduler with probabilistic guarantees of
     * finding bugs" (ASPLOS 2010).
     */

    /** The name in schedule strings. */
    public static final String NAME = "pct";

    private final long seed;
    private final int depth;
    private final SplittableRandom random;
    private final int[] changePoints;
    private long[] priority = new long[8];
    private int nextChange;
    private int choices;
    private long lowest;
    private int spinner = -1;
    private int spins;

    /** Yields in a row, with no other task running between them, that count as a spin. */
    static final int YIELD_SPIN = 64;

    /** Announcements in a row of one task's same (operation, object) that count as a spin. */
    static final int REPEAT_SPIN = 64;

    private int repeater = -1;
    private Op repeatedOp;
    private Object repeatedOn;
    private int repeats;

    /**
     * A PCT run.
     *
     * @param seed the seed of its priorities and change points
     * @param depth the bug depth d (at least 1): d - 1 change points
     * @param estimatedChoices the expected number of choice points (k)
     */
    public PctStrategy(long seed, int depth, int estimatedChoices) {
        this.seed = seed;
        this.depth = depth;
        this.random = new SplittableRandom(seed);
        int k = Math.max(1, estimatedChoices);
        changePoints = new int[depth - 1];
        for (int i = 0; i < changePoints.length; i++) {
            changePoints[i] = 1 + random.nextInt(k);
        }
        Arrays.sort(changePoints);
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
            priority = Arrays.copyOf(priority, Math.max(id + 1, priority.length * 2));
        }
        priority[id] = depth + (random.nextLong() >>> 2);
    }

    @Override
    public void onYield(int task, Op op, Object resource) {
        if (task == repeater && op == repeatedOp && resource == repeatedOn) {
            repeats++;
        } else {
            repeater = task;
            repeatedOp = op;
            repeatedOn = resource;
            repeats = 1;
        }
    }

    @Override
    public int choose(int[] runnable, int count, int current, Op op, long step) {
        choices++;
        while (nextChange < changePoints.length && changePoints[nextChange] <= choices) {
            priority[current] = depth - 1 - nextChange;
            nextChange++;
        }
        if (op == Op.YIELD) {
            spins = current == spinner ? spins + 1 : 1;
            spinner = current;
        }
        boolean repeating = current == repeater && repeats >= REPEAT_SPIN;
        if (op == Op.SPIN || (op == Op.YIELD && spins >= YIELD_SPIN) || repeating) {
            priority[current] = --lowest;
            spins = 0;
            repeats = 0;
        }
        int best = 0;
        for (int i = 1; i < count; i++) {
            if (priority[runnable[i]] > priority[runnable[best]]) {
                best = i;
            }
        }
        if (runnable[best] != current) {
            spinner = -1; // another task runs: the next yield starts a new count
        }
        return best;
    }

    @Override
    public int chooseMemory(int count, int current, long step) {
        return random.nextInt(count);
    }
}
