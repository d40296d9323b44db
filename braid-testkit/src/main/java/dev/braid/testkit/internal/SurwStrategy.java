package dev.braid.testkit.internal;

import dev.braid.internal.rt.Op;
import java.util.Arrays;
import java.util.SplittableRandom;

/** SURW: picks a task with probability proportional to the operations it has left. */
public final class SurwStrategy implements Strategy {
    /*
     * Implementation notes
     *
     * Algorithm (after "Selectively Uniform Concurrency Testing", ASPLOS 2025). A uniform choice at
     * every point does not sample interleavings uniformly: with threads of a and b operations it
     * switches early far more often than the a+b choose a interleavings warrant, and the bugs that
     * need one thread to run almost to the end before the other starts are rare. Choosing thread t
     * with probability proportional to its remaining operations r_t makes every interleaving of
     * independent threads equally likely (the weights are the multinomial counts of completions).
     * Remaining operations are estimated: a profiled earlier schedule of the same exploration gives
     * each task id's operation count; this run counts down from it (never below 1, so a task that
     * outlives its estimate still runs).
     *
     * Selective. Only operations that touch shared state are counted (SPIN, YIELD and CLOCK are
     * not), which is the paper's "interesting events" restriction with braid's announced operations
     * as the interesting set; every interleaving stays possible because every weight is at least 1.
     *
     * Memory-model choices are uniform.
     */

    /** The name in schedule strings. */
    public static final String NAME = "surw";

    private final long seed;
    private final SplittableRandom random;
    private final Profile profile;
    private int[] done = new int[8];

    /**
     * A SURW run.
     *
     * @param seed its seed
     * @param profile operation counts of an earlier run of the same program
     */
    public SurwStrategy(long seed, Profile profile) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
        this.profile = profile;
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
    public void onYield(int task, Op op, Object resource) {
        if (Profile.counted(op)) {
            if (task >= done.length) {
                done = Arrays.copyOf(done, Math.max(task + 1, done.length * 2));
            }
            done[task]++;
        }
    }

    @Override
    public int choose(int[] runnable, int count, int current, Op op, long step) {
        long total = 0;
        for (int i = 0; i < count; i++) {
            total += weight(runnable[i]);
        }
        long r = random.nextLong(total);
        for (int i = 0; i < count; i++) {
            r -= weight(runnable[i]);
            if (r < 0) {
                return i;
            }
        }
        return count - 1;
    }

    private int weight(int task) {
        int used = task < done.length ? done[task] : 0;
        return Math.max(1, profile.operations(task) - used);
    }

    @Override
    public int chooseMemory(int count, int current, long step) {
        return random.nextInt(count);
    }
}
