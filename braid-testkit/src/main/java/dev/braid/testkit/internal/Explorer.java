package dev.braid.testkit.internal;

import dev.braid.testkit.Census;
import dev.braid.testkit.Exploration;
import dev.braid.testkit.Shrunk;
import dev.braid.testkit.SimBody;
import dev.braid.testkit.SimResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs an exploration: picks each schedule's strategy and seed, stops at the first failure and
 * shrinks it, or (count mode) runs every schedule and groups the failures.
 */
public final class Explorer {
    /*
     * Implementation notes
     *
     * Schedules. Schedule i of a randomized exploration depends only on (base seed, i) and, for PCT
     * and SURW, on the profile of schedule 0: schedule 0 is always a uniformly random run (recorded
     * by Profile.Recorder), and its choice-point count and per-thread operation counts are the
     * estimates PCT and SURW need. So schedule i is the same schedule in every exploration with the
     * same settings, whichever other schedules ran, which is what replay, sharding and parallel runs
     * rely on. The seed of schedule i is Seeds.forSchedule(base, i).
     *
     * Portfolio. PORTFOLIO rotates, by schedule index, through SURW on every other slot and, between,
     * PCT with depths 1 to 3, POS and random (see ROTATION; ADR 0064's second amendment). SURW is the
     * fastest single strategy on the bug benchmark, so it gets half the schedules. PCT depth 1 (no
     * change point) runs one thread as far as it goes before another: it finds the bugs where a
     * thread must run last or be starved; depths 2 and 3 cover the ordering bugs; POS and random
     * the ones that need many switches on few shared objects or a plain uniform walk.
     *
     * Coverage. COVERAGE keeps a corpus of choice sequences (thread ids) whose runs added reads-from
     * pairs, mutates them, and steers runs toward reads-from pairs seen possible but not covered
     * (CoverageSearch, CoverageStrategy); it depends on earlier schedules, so it runs sequentially.
     *
     * Bounded search. BOUNDED runs DfsStrategy runs until every schedule within the preemption
     * bound has run or the schedule budget is spent, fewest deviations from the default schedule
     * first (BoundedSearch; without a bound, in plain depth-first order); a preempted task sleeps
     * until a dependent step (ADR 0159) unless reduction(false) or faults are set. The seed of the
     * simulation's random source is the base seed for every run.
     */

    /** The portfolio's rotation: strategy and PCT depth per slot. */
    private static final Slot[] ROTATION = {
        new Slot(dev.braid.testkit.Strategy.SURW, 0),
        new Slot(dev.braid.testkit.Strategy.PCT, 1),
        new Slot(dev.braid.testkit.Strategy.SURW, 0),
        new Slot(dev.braid.testkit.Strategy.POS, 0),
        new Slot(dev.braid.testkit.Strategy.SURW, 0),
        new Slot(dev.braid.testkit.Strategy.PCT, 2),
        new Slot(dev.braid.testkit.Strategy.SURW, 0),
        new Slot(dev.braid.testkit.Strategy.RANDOM, 0),
        new Slot(dev.braid.testkit.Strategy.SURW, 0),
        new Slot(dev.braid.testkit.Strategy.PCT, 3),
    };

    private record Slot(dev.braid.testkit.Strategy strategy, int depth) {}

    private final SearchConfig config;
    private final SimBody body;
    private Profile profile;

    /**
     * An explorer of {@code body}.
     *
     * @param config the settings
     * @param body the program
     */
    public Explorer(SearchConfig config, SimBody body) {
        this.config = config;
        this.body = body;
    }

    /**
     * Runs schedules until the first failure (shrunk if configured) or the end.
     *
     * @return what the exploration found
     */
    public Exploration explore() {
        if (config.strategy() == dev.braid.testkit.Strategy.BOUNDED) {
            return bounded();
        }
        if (config.strategy() == dev.braid.testkit.Strategy.COVERAGE) {
            return coverage();
        }
        SimResult first = run(0);
        if (first.isFailure()) {
            return failed(1, first);
        }
        Sweep sweep = new Sweep(this, config);
        sweep.run();
        if (sweep.failure != null) {
            return failed(sweep.ranUpToFailure(), sweep.failure);
        }
        return new Exploration(sweep.ran() + 1, config.seed(), Optional.empty());
    }

    private Exploration failed(int runs, SimResult r) {
        Optional<Shrunk> shrunk =
                config.shrink()
                        ? new Shrinker(
                                        body,
                                        config.maxSteps(),
                                        config.watchdog(),
                                        config.shrinkBudget(),
                                        config.settings())
                                .shrink(r)
                        : Optional.empty();
        return new Exploration(runs, config.seed(), Optional.of(r), shrunk, false);
    }

    /**
     * Runs schedule {@code i} for a worker of a {@link Sweep} (after schedule 0), with the worker
     * as the run's carrier.
     *
     * @param rescuer takes the result if the run holds the worker past its teardown limit (the
     *     worker then gets {@link Engine.Superseded})
     */
    SimResult runSchedule(int i, java.util.function.Consumer<SimResult> rescuer) {
        return Engine.runInline(
                body,
                strategyFor(i),
                config.maxSteps(),
                config.watchdog(),
                config.settings(),
                rescuer);
    }

    private Exploration bounded() {
        int[] prefix = new int[0];
        BoundedSearch search = iterative();
        int runs = 0;
        while (runs < config.schedules()) {
            DfsStrategy dfs =
                    new DfsStrategy(
                            DfsStrategy.NAME,
                            config.seed(),
                            config.preemptionBound(),
                            prefix,
                            reduces());
            SimResult r =
                    Engine.run(body, dfs, config.maxSteps(), config.watchdog(), config.settings());
            runs++;
            if (r.isFailure()) {
                return failed(runs, r);
            }
            prefix = search != null ? search.next(dfs, config.schedules() - runs) : dfs.next();
            if (prefix == null) {
                return new Exploration(
                        runs, config.seed(), Optional.empty(), Optional.empty(), true);
            }
        }
        return new Exploration(runs, config.seed(), Optional.empty());
    }

    /**
     * The order of a bounded search: fewest preemptions first when there is a bound; a plain
     * depth-first search (null) without one.
     */
    private BoundedSearch iterative() {
        return config.preemptionBound() >= 0 ? new BoundedSearch(config.searchMemory()) : null;
    }

    /**
     * Whether the bounded search reduces (ADR 0159): not with faults, whose draws follow the order
     * of steps, independent or not.
     */
    private boolean reduces() {
        return config.reduce() && config.settings().faults().isEmpty();
    }

    /**
     * RFF's loop (CoverageSearch): sequential, since each schedule learns from the earlier ones.
     */
    private Exploration coverage() {
        int[] ran = new int[1];
        SimResult failure = new CoverageSearch(this, config).run(ran);
        if (failure != null) {
            return failed(ran[0], failure);
        }
        return new Exploration(config.schedules(), config.seed(), Optional.empty());
    }

    /** Runs one schedule under {@code strategy} with this exploration's settings. */
    SimResult runWith(Strategy strategy) {
        return Engine.run(body, strategy, config.maxSteps(), config.watchdog(), config.settings());
    }

    /**
     * Runs every schedule (of this shard, for a randomized strategy) and groups the failures by
     * kind.
     *
     * @return the tally
     */
    public Census count() {
        Map<String, int[]> counts = new LinkedHashMap<>();
        Map<String, SimResult> firsts = new LinkedHashMap<>();
        int runs = 0;
        int failures = 0;
        int[] prefix = new int[0];
        boolean dfs = config.strategy() == dev.braid.testkit.Strategy.BOUNDED;
        BoundedSearch search = dfs ? iterative() : null;
        for (int i = 0; i < config.schedules() && prefix != null; i++) {
            SimResult r;
            if (dfs) {
                DfsStrategy s =
                        new DfsStrategy(
                                DfsStrategy.NAME,
                                config.seed(),
                                config.preemptionBound(),
                                prefix,
                                reduces());
                r = Engine.run(body, s, config.maxSteps(), config.watchdog(), config.settings());
                prefix = search != null ? search.next(s, config.schedules() - i - 1) : s.next();
            } else if (i > 0 && i % config.shards() != config.shard()) {
                continue; // another shard's schedule (schedule 0, the profile, runs in every shard)
            } else {
                r = run(i);
            }
            runs++;
            if (r.isFailure()) {
                failures++;
                String sig = Signature.of(r);
                counts.computeIfAbsent(sig, k -> new int[1])[0]++;
                firsts.putIfAbsent(sig, r);
            }
        }
        List<Census.Kind> kinds = new ArrayList<>();
        for (Map.Entry<String, int[]> e : counts.entrySet()) {
            kinds.add(new Census.Kind(e.getKey(), e.getValue()[0], firsts.get(e.getKey())));
        }
        kinds.sort(Comparator.comparingInt(Census.Kind::count).reversed());
        return new Census(runs, failures, kinds);
    }

    /** Runs schedule {@code i} (schedule 0 first, on the caller: it provides the profile). */
    SimResult run(int i) {
        Strategy s = strategyFor(i);
        SimResult r = Engine.run(body, s, config.maxSteps(), config.watchdog(), config.settings());
        if (s instanceof Profile.Recorder recorder) {
            profile = recorder.profile();
        }
        return r;
    }

    /** The strategy of schedule {@code i}; needs the profile for {@code i > 0}. */
    Strategy strategyFor(int i) {
        long seed = Seeds.forSchedule(config.seed(), i);
        if (i == 0) {
            return new Profile.Recorder(new RandomStrategy(seed));
        }
        Slot slot =
                config.strategy() == dev.braid.testkit.Strategy.PORTFOLIO
                        ? ROTATION[i % ROTATION.length]
                        : new Slot(config.strategy(), config.depth());
        return switch (slot.strategy()) {
            case RANDOM -> new RandomStrategy(seed);
            case PCT -> new PctStrategy(seed, slot.depth(), profile.choicePoints());
            case POS -> new PosStrategy(seed);
            case SURW -> new SurwStrategy(seed, profile);
            case COVERAGE -> new CoverageStrategy(seed, new int[0]); // count mode: no guidance
            case BOUNDED, PORTFOLIO -> throw new IllegalStateException(slot.toString());
        };
    }
}
