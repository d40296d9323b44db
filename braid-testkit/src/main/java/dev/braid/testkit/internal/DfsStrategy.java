package dev.braid.testkit.internal;

import dev.braid.internal.rt.Op;
import java.util.Arrays;

/**
 * One run of the bounded search over schedules: replays a prefix of choices, then takes the default
 * (non-preempting) choice at every later point, and afterwards names the prefix of the next
 * schedule in depth-first order ({@link #next()}, or null when the tree is exhausted) or, for the
 * order of fewest deviations first, its alternatives ({@link #escalates}).
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
     * free, option 0 (sequentially consistent) first. Every option but the default is a deviation
     * in BoundedSearch's order (fewest deviations first).
     *
     * Reduction (ADR 0159): the preempted task sleeps. At a point where the current task t could go
     * on and announces a load, store or read-modify-write of a braid atomic cell (op p), the
     * default (t goes on) is explored first; in every branch that preempts t there, t is *asleep*:
     * it is not offered, at any later point of that branch, until some task runs a step that is
     * dependent with p (a step on the same cell unless both are loads, any step on another kind
     * of object or on none except a task's first step, or any step with effects the scheduler
     * cannot attribute to one cell: a SEQ_CST access or fence, acquireFrom/releaseTo/passOn,
     * acquired/released, hand-offs, unparks, spawns, task failures, the shared random source, an
     * interrupt's wake-up: Strategy.onStep's hidden). Such a schedule E is equivalent (the same
     * order of every pair of dependent steps) to E', which runs p at the preemption point and
     * preempts t one step later, and E' has no more preemptions than E: the switch away from t
     * moves one step later (a preemption at most, none if t then blocks, ends or yields) and the
     * switch back to t disappears or becomes the same switch. E' takes the default where E
     * preempted t, so t's sleep does not prune it and the bound keeps it; if another sleeper
     * prunes E', the same step applies again; each step takes the default at the first point
     * where the new schedule differs from the old (a descent over a finite tree, defaults
     * first), so the chain ends at a schedule that is run, in either order
     * (depth-first or BoundedSearch's): every schedule with at most `bound` preemptions has an
     * equivalent one that is run. A task that runs wakes (it ran while asleep only in a redundant
     * tail or as an option past the 64 a point's mask covers, where sleep is not enforced). This is
     * Godefroid's sleep set (VeriSoft, POPL 1997) restricted to the one sleeper for which it
     * composes with a preemption bound; putting every explored sibling to sleep does not (the
     * bound makes independent steps dependent: Coons, Musuvathi, McKinley, OOPSLA 2013). A point
     * where every runnable task sleeps starts a redundant tail: the run goes on with default
     * choices (its verdict is real) but offers no alternatives there or later. Steps between two
     * braid operations are assumed to share nothing except through braid operations, the same
     * assumption that lets the search switch only at them.
     *
     * Tradeoffs. The reduction prunes only what follows a preemption; a point's first-level
     * alternatives all run. Two threads of yields (free points, no resource) are not reduced:
     * C(2k, k) schedules, which is what the acceptance test counts. The preemption bound is what
     * keeps larger programs tractable: with n points and bound b about C(n, b) schedules.
     *
     * References. Musuvathi and Qadeer, "Iterative context bounding for systematic testing of
     * multithreaded programs" (PLDI 2007); Godefroid, "Model checking for programming languages
     * using VeriSoft" (POPL 1997) for stateless search and sleep sets; Flanagan and Godefroid,
     * "Dynamic partial-order reduction for model checking software" (POPL 2005) for the
     * dependence of steps; Coons, Musuvathi and McKinley, "Bounded partial-order reduction"
     * (OOPSLA 2013) for why a preemption bound and a reduction interfere.
     */

    /** The name in schedule strings of exploration runs. */
    public static final String NAME = "dfs";

    private static final byte FREE = 1;
    private static final byte SPIN = 2;
    private static final byte MEMORY = 3;

    private final String name;
    private final long seed;
    private final int bound;
    private final int[] prefix;
    private final boolean reduce;

    private int size;
    private int[] options = new int[32];
    private int[] chosen = new int[32];
    private int[] currentIndex = new int[32];
    private byte[] kind = new byte[32];
    private int[] before = new int[32];
    private int[] defaults = new int[32];

    /** Per point, the options whose task was asleep there (bit i: option i; only i < 64). */
    private long[] asleepAt = new long[32];

    private int preemptions;

    /** The point from which on this run is a redundant tail (every runnable task slept), or -1. */
    private int redundantFrom = -1;

    /**
     * Per task: the operation and object it announced last (its next step), and whether it sleeps.
     */
    private Op[] pendingOp = new Op[8];

    private Object[] pendingResource = new Object[8];
    private boolean[] asleep = new boolean[8];
    private int sleepers;

    /**
     * A run that replays {@code prefix} and then takes default choices, without the reduction.
     *
     * @param name the strategy name for the schedule string
     * @param seed the seed of the simulation's random source
     * @param bound the preemption bound, or a negative number for none
     * @param prefix the choices to replay first
     */
    public DfsStrategy(String name, long seed, int bound, int[] prefix) {
        this(name, seed, bound, prefix, false);
    }

    /**
     * A run that replays {@code prefix} and then takes default choices.
     *
     * @param name the strategy name for the schedule string
     * @param seed the seed of the simulation's random source
     * @param bound the preemption bound, or a negative number for none
     * @param prefix the choices to replay first
     * @param reduce whether a preempted task sleeps until a dependent step (ADR 0159)
     */
    public DfsStrategy(String name, long seed, int bound, int[] prefix, boolean reduce) {
        this.name = name;
        this.seed = seed;
        this.bound = bound;
        this.prefix = prefix.clone();
        this.reduce = reduce;
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

    /**
     * Whether this run ended in a redundant tail: a point where every runnable task slept.
     *
     * @return whether the run had such a point
     */
    public boolean redundant() {
        return redundantFrom >= 0;
    }

    @Override
    public void onSpawn(int id) {
        if (id >= pendingOp.length) {
            int n = Math.max(id + 1, pendingOp.length * 2);
            pendingOp = Arrays.copyOf(pendingOp, n);
            pendingResource = Arrays.copyOf(pendingResource, n);
            asleep = Arrays.copyOf(asleep, n);
        }
    }

    @Override
    public void onStep(int task, Op op, Object resource, boolean hidden) {
        if (reduce) {
            if (asleep[task]) { // it ran: past 64 options (no mask bit) or in a redundant tail
                asleep[task] = false;
                sleepers--;
            }
            if (sleepers > 0) {
                // task has just run the step it announced before; it wakes what it depends on
                Op ranOp = pendingOp[task];
                Object ranOn = pendingResource[task];
                for (int t = 0; t < asleep.length && sleepers > 0; t++) {
                    if (asleep[t]
                            && (hidden
                                    || dependent(ranOp, ranOn, pendingOp[t], pendingResource[t]))) {
                        asleep[t] = false;
                        sleepers--;
                    }
                }
            }
            pendingOp[task] = op;
            pendingResource[task] = resource;
        }
    }

    /**
     * Whether two announced steps may not commute: true unless both are loads, stores or
     * read-modify-writes of braid atomic cells, on different cells or both loads of one, or one is
     * a task's first step (null: it starts and runs its own code up to its first braid operation;
     * effects beyond that are reported as hidden).
     */
    static boolean dependent(Op a, Object onA, Op b, Object onB) {
        if (a == null || b == null) {
            return false;
        }
        if (!isCellAccess(a, onA) || !isCellAccess(b, onB)) {
            return true;
        }
        return onA == onB && !(a == Op.LOAD && b == Op.LOAD);
    }

    /** A load, store or read-modify-write of one of braid's atomic cells (dev.braid.atomic). */
    static boolean isCellAccess(Op op, Object resource) {
        return (op == Op.LOAD || op == Op.STORE || op == Op.RMW)
                && resource != null
                && resource.getClass().getPackageName().equals("dev.braid.atomic");
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
        long sleeping = 0;
        if (sleepers > 0 && redundantFrom < 0) {
            for (int i = 0; i < count && i < 64; i++) {
                if (asleep[runnable[i]]) {
                    sleeping |= 1L << i;
                }
            }
        }
        int def = defaultOf(k, cur, count, sleeping);
        if (def < 0) { // every option sleeps: whatever follows is covered by an earlier schedule
            redundantFrom = size;
            sleeping = 0;
            def = defaultOf(k, cur, count, 0);
        }
        int c = pick(count, def, step);
        if (k == SPIN && c == cur) {
            throw new Divergence("choice " + (size + 1) + " picks a spinning thread");
        }
        record(count, c, cur, k, def, sleeping);
        if (reduce
                && redundantFrom < 0
                && k == 0
                && cur >= 0
                && c != cur
                && isCellAccess(pendingOp[current], pendingResource[current])
                && !asleep[current]) {
            asleep[current] = true; // preempted before a step that may commute: ADR 0159
            sleepers++;
        }
        return c;
    }

    /**
     * The default option: the current task if it may go on (not at a SPIN), else the first runnable
     * task after it (at a SPIN) or the lowest; sleeping options are passed over. -1 if every
     * candidate sleeps.
     */
    private static int defaultOf(byte k, int cur, int count, long sleeping) {
        if (k == SPIN) {
            for (int j = 1; j < count; j++) {
                int o = (cur + j) % count;
                if (!sleeps(sleeping, o)) {
                    return o;
                }
            }
            return -1;
        }
        if (cur >= 0 && !sleeps(sleeping, cur)) {
            return cur;
        }
        for (int o = 0; o < count; o++) {
            if (!sleeps(sleeping, o)) {
                return o;
            }
        }
        return -1;
    }

    private static boolean sleeps(long sleeping, int option) {
        return option < 64 && (sleeping & (1L << option)) != 0;
    }

    @Override
    public int chooseMemory(int count, int current, long step) {
        int c = pick(count, 0, step);
        record(count, c, -1, MEMORY, 0, 0);
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

    private void record(int count, int c, int cur, byte k, int def, long sleeping) {
        if (size == options.length) {
            resize(size * 2);
        }
        options[size] = count;
        chosen[size] = c;
        currentIndex[size] = cur;
        kind[size] = k;
        before[size] = preemptions;
        defaults[size] = def;
        asleepAt[size] = sleeping;
        preemptions += cost(size, c);
        size++;
    }

    /** Gives every per-point array length {@code n} (growing, or trimming to the run's size). */
    private void resize(int n) {
        options = Arrays.copyOf(options, n);
        chosen = Arrays.copyOf(chosen, n);
        currentIndex = Arrays.copyOf(currentIndex, n);
        kind = Arrays.copyOf(kind, n);
        before = Arrays.copyOf(before, n);
        defaults = Arrays.copyOf(defaults, n);
        asleepAt = Arrays.copyOf(asleepAt, n);
    }

    private int cost(int point, int c) {
        int cur = currentIndex[point];
        return kind[point] == 0 && cur >= 0 && c != cur ? 1 : 0;
    }

    /**
     * The choices of the next schedule in depth-first order: this run's choices up to the deepest
     * point with an untried option within the bound, then that option. Options are tried default
     * first, then in index order; a redundant tail offers none.
     *
     * @return the next prefix, or null if every schedule within the bound has been run
     */
    public int[] next() {
        int last = redundantFrom >= 0 ? redundantFrom - 1 : size - 1;
        for (int p = last; p >= 0; p--) {
            int alt = nextOption(p);
            if (alt >= 0) {
                int[] next = Arrays.copyOf(chosen, p + 1);
                next[p] = alt;
                return next;
            }
        }
        return null;
    }

    /**
     * About how many bytes a {@linkplain #compact() compacted} run holds: 29 per choice point (six
     * int or byte arrays and a long array, one slot each), its prefix, and the objects' own
     * headers. The bounded search counts its kept runs with it.
     *
     * @return the estimate, in bytes
     */
    long footprint() {
        return 29L * options.length + 4L * prefix.length + 256;
    }

    /** Drops what a finished run no longer needs (per-task state, spare capacity). */
    void compact() {
        resize(size);
        pendingOp = null;
        pendingResource = null;
        asleep = null;
    }

    /**
     * The point after the last one that may branch: the number of points, or the start of a
     * redundant tail.
     *
     * @return that point
     */
    int branchEnd() {
        return redundantFrom >= 0 ? redundantFrom : size;
    }

    /**
     * How many options point {@code p} had.
     *
     * @param p a point before {@link #branchEnd()}
     * @return the count
     */
    int optionsAt(int p) {
        return options[p];
    }

    /**
     * Whether option {@code o} at point {@code p} is an alternative of the next level of the
     * bounded search's order (BoundedSearch): any option other than the default that keeps this run
     * within the bound (a preemption, a switch to another task than the default where the current
     * one blocked, yielded or spun, a memory-model choice other than the newest store), unless it
     * is a sleeping task's or the spinner's at a SPIN.
     *
     * @param p a point before {@link #branchEnd()}
     * @param o an option at {@code p}
     * @return whether it is such an alternative
     */
    boolean escalates(int p, int o) {
        if (kind[p] == MEMORY) {
            return o != 0;
        }
        return o != defaults[p]
                && !(kind[p] == SPIN && o == currentIndex[p])
                && !sleeps(asleepAt[p], o)
                && (bound < 0 || before[p] + cost(p, o) <= bound);
    }

    /**
     * This run's choices before point {@code p}, then {@code o}.
     *
     * @param p a point
     * @param o an option at {@code p}
     * @return a new prefix
     */
    int[] prefixWith(int p, int o) {
        int[] next = Arrays.copyOf(chosen, p + 1);
        next[p] = o;
        return next;
    }

    /** The option after {@code chosen[p]} in the point's order that fits the bound, or -1. */
    private int nextOption(int p) {
        int def = defaults[p];
        int c = chosen[p];
        // order: def, then 0, 1, ... skipping def, sleeping tasks and the spinner at a SPIN
        int start = c == def ? 0 : c + 1;
        for (int o = start; o < options[p]; o++) {
            if (o == def || (kind[p] == SPIN && o == currentIndex[p]) || sleeps(asleepAt[p], o)) {
                continue;
            }
            if (bound < 0 || before[p] + cost(p, o) <= bound) {
                return o;
            }
        }
        return -1;
    }
}
