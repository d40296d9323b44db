package dev.braid.testkit.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The order in which the bounded search runs its schedules: fewest deviations from the default
 * schedule first. The set of schedules is the depth-first search's (every schedule within the
 * preemption bound); each run is a {@link DfsStrategy} that replays a prefix, and this class names
 * the next prefix.
 */
final class BoundedSearch {
    /*
     * Implementation notes
     *
     * Algorithm. A deviation is a choice other than the default at a point: a preemption, a switch
     * to another task than the default where the current one blocked, ended, yielded or spun, or a
     * memory-model choice other than the newest store. Level L runs the schedules with exactly L
     * deviations, breadth-first, as delay-bounded scheduling counts delays (Emmi, Qadeer and
     * Rakamaric, POPL 2011) and iterative context bounding counts preemptions (Musuvathi and
     * Qadeer, PLDI 2007). A schedule of level L is its prefix up to its last deviation, then
     * default choices; it is generated once, from the run of level L - 1 that takes the same
     * choices before that point and the default there: level L + 1's prefixes are, for each run of
     * level L in the order they ran, each point after the run's own last deviation and each
     * deviating option there that keeps the run within the preemption bound (DfsStrategy.escalates,
     * which also leaves out the tasks the reduction put to sleep, ADR 0159). Every schedule within
     * the bound has finitely many deviations, so the levels reach all of them: the set is the
     * plain depth-first search's, only the order differs, and a budget goes to the schedules
     * closest to the default first. The runtime's own start-up and idle choices (which worker
     * runs, parks, looks for work) mostly lie deep in a run; the plain search enumerated the last
     * points' combinations first and spent the budget there (ADR 0159).
     *
     * State. The runs of the level being run (kept, compacted, to generate the next level: at
     * most as many as the schedules left in the budget, since each gives at least one), and a
     * cursor over the runs of the level before: which run, which point, which option. Memory is
     * about 30 bytes per choice point of each kept run (DfsStrategy.footprint).
     *
     * Memory cap (edges15, ADR 0172). The kept runs of both levels are counted in bytes; a run
     * that would take them past the cap is not kept for the next level but expanded at once,
     * depth-first: its alternatives run next, each run that can branch pushes a cursor of its own
     * (a stack as deep as the deviations of one schedule), and the level resumes when the stack
     * is empty. Every alternative is still generated exactly once, by the run it extends, so an
     * exhausted search runs the same set of schedules; only the order changes (a subtree past the
     * cap runs before the rest of its level, so a budget that ends early covers fewer schedules of
     * the low levels). The cap bounds the kept runs plus the stack, never the schedules.
     *
     * References. Emmi, Qadeer and Rakamaric, "Delay-bounded scheduling" (POPL 2011); Musuvathi
     * and Qadeer, "Iterative context bounding for systematic testing of multithreaded programs"
     * (PLDI 2007).
     */

    /** A run and the first point at which it may branch (the length of its entry). */
    private record Run(DfsStrategy dfs, int from) {}

    /** A run being expanded depth-first, and the next alternative of it to try. */
    private static final class Cursor {
        final Run run;
        int point;
        int option;

        Cursor(Run run) {
            this.run = run;
            this.point = run.from();
        }
    }

    /** How many bytes the kept runs may take (both levels and the depth-first stack). */
    private final long memory;

    /** The bytes the kept runs take now (DfsStrategy.footprint). */
    private long kept;

    /** The runs past the cap, expanded depth-first before the level goes on. */
    private final Deque<Cursor> deep = new ArrayDeque<>();

    /** How many runs were expanded depth-first because the cap was reached. */
    private long overflowed;

    private int level;

    /** The first point at which the current entry's runs may branch. */
    private int base;

    /** The runs of this level, kept to generate the next level's entries. */
    private List<Run> ran = new ArrayList<>();

    /** The runs of the level before, and the cursor over their preempting alternatives. */
    private List<Run> parents = List.of();

    private int parent;
    private int point;
    private int option;

    /**
     * A search that keeps at most {@code memory} bytes of runs (about; DfsStrategy.footprint).
     *
     * @param memory the cap, at least 1
     */
    BoundedSearch(long memory) {
        if (memory < 1) {
            throw new IllegalArgumentException("memory must be at least 1 byte, was " + memory);
        }
        this.memory = memory;
    }

    /**
     * How many runs this search expanded depth-first, past its memory cap, instead of keeping them
     * for the next level.
     *
     * @return the count (0 while the runs fit)
     */
    long overflowed() {
        return overflowed;
    }

    /**
     * How many alternatives of the next level (preemptions, weak memory choices) the runs of the
     * current level take beyond their defaults.
     *
     * @return the level, from 0
     */
    int level() {
        return level;
    }

    /**
     * The prefix of the next schedule after {@code run} (which replayed the prefix this search
     * named last), or null when every schedule within the bound has run.
     *
     * @param run the run that just ended
     * @param left how many more schedules the budget allows
     * @return the next prefix, or null
     */
    int[] next(DfsStrategy run, int left) {
        if (canEscalate(run, base) && (!deep.isEmpty() || ran.size() < left)) {
            run.compact();
            long size = run.footprint();
            if (deep.isEmpty() && kept + size <= memory) {
                ran.add(new Run(run, base)); // for the next level
            } else {
                if (deep.isEmpty()) {
                    overflowed++;
                }
                deep.push(new Cursor(new Run(run, base))); // its alternatives run next
            }
            kept += size;
        }
        while (true) {
            int[] entry = nextDeep();
            if (entry == null) {
                entry = nextEntry();
            }
            if (entry != null) {
                base = entry.length;
                return entry;
            }
            if (ran.isEmpty()) {
                return null;
            }
            level++;
            parents = ran;
            ran = new ArrayList<>();
            parent = 0;
            point = -1;
            option = 0;
        }
    }

    /** Whether {@code run} has an alternative of the next level at point {@code from} or later. */
    private static boolean canEscalate(DfsStrategy run, int from) {
        for (int p = from; p < run.branchEnd(); p++) {
            for (int o = 0; o < run.optionsAt(p); o++) {
                if (run.escalates(p, o)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The next alternative of the run on top of the depth-first stack, popping spent runs. */
    private int[] nextDeep() {
        while (!deep.isEmpty()) {
            Cursor c = deep.peek();
            DfsStrategy dfs = c.run.dfs();
            while (c.point < dfs.branchEnd()) {
                while (c.option < dfs.optionsAt(c.point)) {
                    int o = c.option++;
                    if (dfs.escalates(c.point, o)) {
                        return dfs.prefixWith(c.point, o);
                    }
                }
                c.point++;
                c.option = 0;
            }
            deep.pop();
            kept -= dfs.footprint();
        }
        return null;
    }

    /** The next alternative of the level before, in run, point, option order. */
    private int[] nextEntry() {
        while (parent < parents.size()) {
            Run r = parents.get(parent);
            if (point < r.from()) {
                point = r.from();
                option = 0;
            }
            while (point < r.dfs().branchEnd()) {
                while (option < r.dfs().optionsAt(point)) {
                    int o = option++;
                    if (r.dfs().escalates(point, o)) {
                        return r.dfs().prefixWith(point, o);
                    }
                }
                point++;
                option = 0;
            }
            parents.set(parent, null); // expanded: its choices are no longer needed
            kept -= r.dfs().footprint();
            parent++;
            point = -1;
        }
        return null;
    }
}
