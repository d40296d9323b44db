package dev.braid.testkit.internal;

import dev.braid.testkit.SimResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The coverage-guided search (RFF's loop): reads-from pairs are coverage; a run that adds pairs
 * joins the corpus; later runs either mutate a corpus entry or are steered toward a pair that is
 * possible but not yet covered.
 */
final class CoverageSearch {
    /*
     * Implementation notes
     *
     * Loop. Schedule i is one of three kinds, chosen by a random source seeded from the base seed:
     * (1) steered (half of the schedules once there are candidates): a run that CoverageStrategy
     * biases toward one uncovered candidate pair, on top of a mutated corpus entry (half of the
     * steered runs, so the pair may join pairs the parent covered) or fresh; (2) mutated (two thirds of the
     * rest once the corpus is not empty): a corpus entry's choices up to a random cut, another
     * thread at the cut, random after; (3) fresh: uniformly random. Each run's pairs are added to
     * `seen`; a run that added any joins the corpus.
     *
     * Candidates. Every reading or writing event ever executed is remembered. In the run where an
     * event is first seen, it is paired with the events of other tasks on the same object in that
     * run (a new read with their writes and with the initial value, a new write with their reads);
     * a pair neither covered (`seen`) nor offered before becomes a candidate ("possible, not yet
     * covered", RFF's notion). Only runs with new events cost more than a set lookup per event. A
     * steered run takes a random candidate out of the list (skipping ones covered meanwhile); one
     * that stays uncovered goes back, up to TRIES steered runs. The list is capped
     * (MAX_CANDIDATES), so a program with many events costs bounded memory; beyond the cap new
     * candidates are dropped.
     *
     * Dependence. Schedule i depends on every earlier schedule (the corpus, the candidates), so the
     * search is sequential, and a different schedule budget does not change schedules before it.
     *
     * References. Wolff, Shi, Sen, Kasikci, "Reads-from fuzzing" (RFF, ASPLOS 2024).
     */

    static final int MAX_CANDIDATES = 50_000;

    /** Steered runs a candidate gets before it is dropped uncovered. */
    static final int TRIES = 3;

    private final Explorer explorer;
    private final SearchConfig config;
    private final SplittableRandom rng;
    private final Set<Long> seen = new HashSet<>();
    private final List<int[]> corpus = new ArrayList<>();
    private final Set<Long> known = new HashSet<>();
    private final Set<Long> offered = new HashSet<>();
    private final List<long[]> candidates = new ArrayList<>();

    /** Schedules that were steered, and how many of those covered their target. */
    int steered;

    int hits;

    CoverageSearch(Explorer explorer, SearchConfig config) {
        this.explorer = explorer;
        this.config = config;
        this.rng = new SplittableRandom(Seeds.forSchedule(config.seed(), -1));
    }

    /**
     * Runs up to the schedule budget or the first failure.
     *
     * @return the failure and its 1-based schedule count, or null and the budget
     */
    SimResult run(int[] ran) {
        for (int i = 0; i < config.schedules(); i++) {
            long seed = Seeds.forSchedule(config.seed(), i);
            long[] target = !candidates.isEmpty() && rng.nextBoolean() ? takeCandidate() : null;
            CoverageStrategy s;
            if (target != null) {
                int[] prefix = rng.nextBoolean() ? mutatedPrefix() : new int[0];
                s = new CoverageStrategy(seed, prefix, target[0], target[1]);
                steered++;
            } else {
                s = new CoverageStrategy(seed, mutatedPrefix());
            }
            SimResult r = explorer.runWith(s);
            ran[0] = i + 1;
            if (r.isFailure()) {
                return r;
            }
            boolean novel = false;
            for (long pair : s.pairs()) {
                novel |= seen.add(pair);
            }
            if (target != null) {
                if (seen.contains(CoverageStrategy.pair(target[0], target[1]))) {
                    hits++;
                } else if (++target[2] < TRIES) {
                    candidates.add(target); // missed: another prefix or seed may hit it
                }
            }
            if (novel) {
                corpus.add(s.picks());
            }
            learn(s.events(), s.eventResources());
        }
        return null;
    }

    /** A corpus entry cut at a random choice with another thread there, or empty (fresh). */
    private int[] mutatedPrefix() {
        if (corpus.isEmpty() || rng.nextInt(3) == 0) {
            return new int[0];
        }
        int[] parent = corpus.get(rng.nextInt(corpus.size()));
        if (parent.length == 0) {
            return parent;
        }
        int cut = rng.nextInt(parent.length);
        int[] prefix = Arrays.copyOf(parent, cut + 1);
        int other = parent[rng.nextInt(parent.length)];
        prefix[cut] = other != parent[cut] ? other : -1; // -1: a random thread there
        return prefix;
    }

    /** A random uncovered candidate (removed from the list), or null if none is left. */
    private long[] takeCandidate() {
        while (!candidates.isEmpty()) {
            int k = rng.nextInt(candidates.size());
            long[] c = candidates.get(k);
            candidates.set(k, candidates.get(candidates.size() - 1));
            candidates.remove(candidates.size() - 1);
            if (!seen.contains(CoverageStrategy.pair(c[0], c[1]))) {
                return c;
            }
        }
        return null;
    }

    /**
     * Remembers new events, and pairs each with the events of other tasks on the same object in
     * this run: a new read with their writes, a new write with their reads.
     */
    private void learn(long[] events, int[] resourceOf) {
        for (int i = 0; i < events.length; i++) {
            long e = events[i];
            if (!known.add(e)) {
                continue;
            }
            int task = CoverageStrategy.taskOf(e);
            if (CoverageStrategy.reads(e)) {
                offer(e, 0); // the read seeing the initial value, before any write
            }
            for (int j = 0; j < events.length; j++) {
                long other = events[j];
                if (resourceOf[j] != resourceOf[i] || CoverageStrategy.taskOf(other) == task) {
                    continue;
                }
                if (CoverageStrategy.reads(e) && CoverageStrategy.writes(other)) {
                    offer(e, other);
                }
                if (CoverageStrategy.writes(e) && CoverageStrategy.reads(other)) {
                    offer(other, e);
                }
            }
        }
    }

    private void offer(long read, long write) {
        long pair = CoverageStrategy.pair(read, write);
        if (candidates.size() < MAX_CANDIDATES && !seen.contains(pair) && offered.add(pair)) {
            candidates.add(new long[] {read, write, 0});
        }
    }
}
