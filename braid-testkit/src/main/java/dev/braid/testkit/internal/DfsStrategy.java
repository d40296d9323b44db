package dev.braid.testkit.internal;

import dev.braid.internal.rt.Op;
import java.util.Arrays;

/**
 * One run of a bounded depth-first search over schedules: replays a prefix of choices, then takes
 * the default (non-preempting) choice at every later point, and afterwards names the prefix of the
 * next schedule in depth-first order ({@link #next()}), or null when the tree is exhausted.
 */
public final class DfsStrategy implements Strategy {
    /*
     * Implementation notes
     *
     * Algorithm. Stateless search as in CHESS: the program is deterministic given its choices, so a
     * schedule is identified by its choice sequence and the search keeps no program states, only the
     * last run's choice points. Each point records how many options it had, which one was taken, the
     * index of the task that reached the point among the runnable ones (-1 if it blocked or ended),
     * whether its operation offers the processor (SPIN or YIELD), and the preemptions taken before
     * it. next() backtracks to the deepest point with an untried option whose preemption cost keeps
     * the total within the bound and returns the choices up to there plus that option.
     *
     * Options. At each point the default comes first: the current task if it may go on, else the
     * lowest-numbered runnable task. Switching away from a task that could go on is a preemption
     * (cost 1); switching at a YIELD costs nothing (CHESS does not count context switches at
     * yields); at a SPIN the spinning task is not offered at all and the next task after it (in id
     * order) is the default, so spin loops make progress and the search cannot descend into an
     * endless spin. Memory-model choices (which store a load reads) are points with every option
     * free, option 0 (sequentially consistent) first.
     *
     * Tradeoffs. No partial-order reduction: two threads with k independent yield points each give
     * C(2k, k) schedules, which is what the acceptance test counts. The preemption bound is what
     * keeps larger programs tractable: with n points and bound b about C(n, b) schedules.
     *
     * References. Musuvathi and Qadeer, "Iterative context bounding for systematic testing of
     * multithreaded programs" (PLDI 2007); Godefroid, "Model checking for programming languages
     * using VeriSoft" (POPL 1997) for stateless search.
     */

    /** The name in schedule strings of exploration runs. */
    public static final String NAME = "dfs";

    private static final byte FREE = 1;
    private static final byte SPIN = 2;

    private final String name;
    private final long seed;
    private final int bound;
    private final int[] prefix;

    private int size;
    private int[] options = new int[32];
    private int[] chosen = new int[32];
    private int[] currentIndex = new int[32];
    private byte[] kind = new byte[32];
    private int[] before = new int[32];
    private int preemptions;

    /**
     * A run that replays {@code prefix} and then takes default choices.
     *
     * @param name the strategy name for the schedule string
     * @param seed the seed of the simulation's random source
     * @param bound the preemption bound, or a negative number for none
     * @param prefix the choices to replay first
     */
    public DfsStrategy(String name, long seed, int bound, int[] prefix) {
        this.name = name;
        this.seed = seed;
        this.bound = bound;
        this.prefix = prefix.clone();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long seed() {
        return seed;
    }

    /**
     * How many preemptions this run took.
     *
     * @return the count so far
     */
    public int preemptions() {
        return preemptions;
    }

    @Override
    public int choose(int[] runnable, int count, int current, Op op, long step) {
        int cur = -1;
        for (int i = 0; i < count; i++) {
            if (runnable[i] == current) {
                cur = i;
                break;
            }
        }
        byte k = op == Op.SPIN && cur >= 0 ? SPIN : op == Op.YIELD ? FREE : 0;
        int def = k == SPIN ? (cur + 1) % count : Math.max(cur, 0);
        int c = pick(count, def, step);
        if (k == SPIN && c == cur) {
            throw new Divergence("choice " + (size + 1) + " picks a spinning thread");
        }
        record(count, c, cur, k);
        return c;
    }

    @Override
    public int chooseMemory(int count, int current, long step) {
        int c = pick(count, 0, step);
        record(count, c, -1, FREE);
        return c;
    }

    private int pick(int count, int def, long step) {
        if (size >= prefix.length) {
            return def;
        }
        int c = prefix[size];
        if (c >= count) {
            throw new Divergence(
                    "choice "
                            + (size + 1)
                            + " was #"
                            + c
                            + " but only "
                            + count
                            + " options exist"
                            + " at step "
                            + step);
        }
        return c;
    }

    private void record(int count, int c, int cur, byte k) {
        if (size == options.length) {
            int n = size * 2;
            options = Arrays.copyOf(options, n);
            chosen = Arrays.copyOf(chosen, n);
            currentIndex = Arrays.copyOf(currentIndex, n);
            kind = Arrays.copyOf(kind, n);
            before = Arrays.copyOf(before, n);
        }
        options[size] = count;
        chosen[size] = c;
        currentIndex[size] = cur;
        kind[size] = k;
        before[size] = preemptions;
        preemptions += cost(size, c);
        size++;
    }

    private int cost(int point, int c) {
        int cur = currentIndex[point];
        return kind[point] == 0 && cur >= 0 && c != cur ? 1 : 0;
    }

    private int defaultOption(int point) {
        int cur = currentIndex[point];
        return kind[point] == SPIN ? (cur + 1) % options[point] : Math.max(cur, 0);
    }

    /**
     * The choices of the next schedule in depth-first order: this run's choices up to the deepest
     * point with an untried option within the bound, then that option. Options are tried default
     * first, then in index order.
     *
     * @return the next prefix, or null if every schedule within the bound has been run
     */
    public int[] next() {
        for (int p = size - 1; p >= 0; p--) {
            int alt = nextOption(p);
            if (alt >= 0) {
                int[] next = Arrays.copyOf(chosen, p + 1);
                next[p] = alt;
                return next;
            }
        }
        return null;
    }

    /** The option after {@code chosen[p]} in the point's order that fits the bound, or -1. */
    private int nextOption(int p) {
        int def = defaultOption(p);
        int c = chosen[p];
        // order: def, then 0, 1, ... skipping def (and the spinning task at a SPIN point)
        int start = c == def ? 0 : c + 1;
        for (int o = start; o < options[p]; o++) {
            if (o == def || (kind[p] == SPIN && o == currentIndex[p])) {
                continue;
            }
            if (bound < 0 || before[p] + cost(p, o) <= bound) {
                return o;
            }
        }
        return -1;
    }
}
