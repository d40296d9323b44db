package dev.braid.testkit;

import dev.braid.testkit.internal.Engine;
import dev.braid.testkit.internal.Explorer;
import dev.braid.testkit.internal.RandomStrategy;
import dev.braid.testkit.internal.ReplayStrategy;
import dev.braid.testkit.internal.RunSettings;
import dev.braid.testkit.internal.SearchConfig;
import dev.braid.thread.PanicHook;
import dev.braid.thread.Panics;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs code under braid's deterministic scheduler. Exactly one simulated thread runs at a time; at
 * every braid operation the strategy picks who runs next; time is virtual; every outcome carries a
 * schedule string that {@link #replay} reproduces exactly.
 *
 * <pre>{@code
 * Simulation.builder().seed(42).schedules(1000).build()
 *         .explore(() -> { ... spawn threads, lock, assert ... })
 *         .assertPassed();
 * }</pre>
 */
public final class Simulation {
    /** Default number of schedules that {@link #explore} runs. */
    public static final int DEFAULT_SCHEDULES = 1000;

    /** Default step bound per schedule. */
    public static final long DEFAULT_MAX_STEPS = 100_000;

    /** Default chance that an injection point injects one of the enabled faults. */
    public static final double DEFAULT_FAULT_PROBABILITY = 0.1;

    /** Default directory of HTML traces of failures, relative to the working directory. */
    public static final String DEFAULT_TRACE_DIRECTORY = "target/braid-traces";

    /** System property that sets the trace directory ({@code off}: no HTML traces). */
    public static final String TRACE_PROPERTY = "braid.testkit.traces";

    /** Default watchdog: how long a thread may run without reaching a braid operation. */
    public static final Duration DEFAULT_WATCHDOG = Duration.ofSeconds(1);

    /** Default PCT depth. */
    public static final int DEFAULT_DEPTH = 3;

    /** Default preemption bound of the bounded search. */
    public static final int DEFAULT_PREEMPTION_BOUND = 2;

    /** System property naming this JVM's shard of every exploration, as {@code k/n}. */
    public static final String SHARD_PROPERTY = "braid.testkit.shard";

    /** System property with the default number of engines an exploration runs at once. */
    public static final String PARALLELISM_PROPERTY = "braid.testkit.parallelism";

    /** Default number of schedules shrinking may run. */
    public static final int DEFAULT_SHRINK_BUDGET = 2000;

    private static final Simulation DEFAULTS = builder().build();

    private final long maxSteps;
    private final Duration watchdog;
    private final SearchConfig config;
    private final RunSettings settings;
    private final Optional<java.nio.file.Path> traceDirectory;
    private final String traceName;

    private Simulation(Builder b) {
        this.traceDirectory = b.traceDirectory;
        this.traceName = b.traceName;
        this.settings =
                new RunSettings(
                        b.failOnUncaught, b.faults, b.faultProbability, Fault.suffix(b.faults));
        this.maxSteps = b.maxSteps;
        this.watchdog = b.watchdog;
        this.config =
                new SearchConfig(
                        b.strategy,
                        b.seed,
                        b.schedules,
                        b.maxSteps,
                        b.watchdog,
                        b.depth,
                        b.preemptionBound,
                        b.reduce,
                        b.searchMemory,
                        b.shrink,
                        b.shrinkBudget,
                        b.parallelism,
                        b.shard,
                        b.shards,
                        b.progress,
                        settings);
    }

    /**
     * A builder with the defaults: seed 0, 1000 schedules, 100,000 steps, 1 s watchdog, the random
     * strategy, shrinking on.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs {@code body} under up to {@code schedules} schedules of the configured strategy; stops
     * at the first failure and, if shrinking is on, shrinks it. Schedule {@code i} of a randomized
     * strategy gets a seed mixed from the base seed and {@code i}, so it is the same schedule in
     * every exploration with these settings, and explorations from nearby seeds are independent. A
     * {@link Strategy#BOUNDED} search stops early, "exhausted", when it has run every schedule
     * within its preemption bound.
     *
     * @param body the program: spawns threads, synchronizes, asserts
     * @return what the exploration found
     */
    public Exploration explore(SimBody body) {
        Objects.requireNonNull(body, "body");
        PanicCapture capture = PanicCapture.install();
        try {
            Exploration found = new Explorer(config, body).explore();
            if (found.failure().isPresent()) {
                return found.withTrace(diagnose(found.failure().get(), body));
            }
            return found;
        } finally {
            capture.close();
        }
    }

    /**
     * Count mode: runs every schedule, failing or not, and reports the failure rate and the
     * distinct failures (grouped by exception and message, deadlocked threads, or racing sites),
     * each with a replay string. Nothing is shrunk.
     *
     * @param body the program
     * @return the tally
     */
    public Census count(SimBody body) {
        Objects.requireNonNull(body, "body");
        PanicCapture capture = PanicCapture.install();
        try {
            return new Explorer(config, body).count();
        } finally {
            capture.close();
        }
    }

    /**
     * {@link #explore} and {@link Exploration#assertPassed()}: throws an AssertionError on failure.
     *
     * @param body the code to run in the root simulated thread
     */
    public void check(SimBody body) {
        explore(body).assertPassed();
    }

    /**
     * Runs {@code body} once under the random strategy with {@code seed}.
     *
     * @param seed the seed of the schedule
     * @param body the code to run in the root simulated thread
     * @return the run's outcome
     */
    public SimResult runOnce(long seed, SimBody body) {
        Objects.requireNonNull(body, "body");
        return runCapturingPanics(body, new RandomStrategy(seed));
    }

    /**
     * Reruns exactly the schedule that {@code schedule} (a {@code braid1:...} string from a result)
     * describes, with the default settings: no simulation needs to be built. If the program no
     * longer follows the schedule, the result is {@link SimResult.Nondeterminism}, naming the step
     * and call site where it left it. A failure found with other settings ({@code maxSteps}, {@code
     * failOnUncaught(false)}) replays exactly with that simulation's {@link #rerun}.
     *
     * @param schedule the schedule string
     * @param body the code that produced it
     * @return the outcome of the replay
     * @throws IllegalArgumentException if {@code schedule} is not a schedule string
     */
    public static SimResult replay(String schedule, SimBody body) {
        return DEFAULTS.rerun(schedule, body);
    }

    /**
     * Reruns exactly the schedule that {@code schedule} describes, with this simulation's settings
     * (step bound, watchdog, {@code failOnUncaught}). If the program no longer follows it, the
     * result is {@link SimResult.Nondeterminism}.
     *
     * @param schedule the schedule string
     * @param body the code that produced it
     * @return the outcome of the replay
     * @throws IllegalArgumentException if {@code schedule} is not a schedule string
     */
    public SimResult rerun(String schedule, SimBody body) {
        Objects.requireNonNull(body, "body");
        Schedule parsed = Schedule.parse(schedule);
        PanicCapture capture = PanicCapture.install();
        try {
            return Engine.run(
                    body, new ReplayStrategy(parsed), maxSteps, watchdog, settingsFor(parsed));
        } finally {
            capture.close();
        }
    }

    /**
     * Replays {@code schedule} and records every step with its source line: the text that failure
     * messages carry and, unless turned off ({@link Builder#traceDirectory}), an HTML timeline
     * written to the trace directory ({@link Trace#file()} names it).
     *
     * @param schedule a {@code braid1:...} schedule string, normally a failure's
     * @param body the code that produced it
     * @return the trace; its {@link Trace#result()} is the replay's outcome
     * @throws IllegalArgumentException if {@code schedule} is not a schedule string
     */
    public Trace trace(String schedule, SimBody body) {
        Objects.requireNonNull(body, "body");
        Schedule parsed = Schedule.parse(schedule);
        PanicCapture capture = PanicCapture.install();
        Trace trace;
        try {
            trace =
                    Engine.trace(
                            body,
                            new ReplayStrategy(parsed),
                            maxSteps,
                            watchdog,
                            settingsFor(parsed));
        } finally {
            capture.close();
        }
        if (traceDirectory.isPresent()) {
            try {
                trace = trace.withFile(trace.writeHtml(traceDirectory.get(), traceName));
            } catch (java.io.IOException | RuntimeException e) {
                System.err.println("braid: could not write the trace of " + schedule + ": " + e);
            }
        }
        return trace;
    }

    /** This simulation's settings with the faults that {@code schedule}'s name says were on. */
    private RunSettings settingsFor(Schedule schedule) {
        java.util.Set<Fault> faults = Fault.of(schedule.strategy());
        return new RunSettings(settings.failOnUncaught(), faults, 0, Fault.suffix(faults));
    }

    /** The trace of a failure, or empty where a second run would not help (watchdog). */
    private Optional<Trace> diagnose(SimResult failure, SimBody body) {
        if (failure instanceof SimResult.UncontrolledBlocking) {
            return Optional.empty();
        }
        return Optional.of(trace(failure.schedule(), body));
    }

    private SimResult runCapturingPanics(
            SimBody body, dev.braid.testkit.internal.Strategy strategy) {
        PanicCapture capture = PanicCapture.install();
        try {
            return Engine.run(body, strategy, maxSteps, watchdog, settings);
        } finally {
            capture.close();
        }
    }

    /** Configures a {@link Simulation}. */
    public static final class Builder {
        private long seed;
        private int schedules = DEFAULT_SCHEDULES;
        private long maxSteps = DEFAULT_MAX_STEPS;
        private Duration watchdog = DEFAULT_WATCHDOG;
        private Strategy strategy = Strategy.PORTFOLIO;
        private int depth = DEFAULT_DEPTH;
        private int preemptionBound = DEFAULT_PREEMPTION_BOUND;
        private boolean reduce = true;
        private long searchMemory = Runtime.getRuntime().maxMemory() / 4;
        private boolean shrink = true;
        private int shrinkBudget = DEFAULT_SHRINK_BUDGET;
        private int parallelism = 1;
        private int shard;
        private int shards = 1;
        private boolean progress = true;
        private boolean failOnUncaught = true;
        private Optional<java.nio.file.Path> traceDirectory = defaultTraceDirectory();
        private String traceName = "";
        private java.util.Set<Fault> faults = java.util.EnumSet.noneOf(Fault.class);
        private double faultProbability = DEFAULT_FAULT_PROBABILITY;

        private Builder() {
            String p = System.getProperty(PARALLELISM_PROPERTY, "").strip();
            if (!p.isEmpty()) {
                try {
                    parallelism(Integer.parseInt(p));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(
                            PARALLELISM_PROPERTY + " must be a number, was '" + p + "'", e);
                }
            }
            String s = System.getProperty(SHARD_PROPERTY, "").strip();
            if (!s.isEmpty()) {
                shard(s);
            }
        }

        /**
         * How many engines run schedules at once, each on its own thread (default 1, or the system
         * property {@value #PARALLELISM_PROPERTY}; 0 means one per available processor). Schedule
         * {@code i} is the same schedule whatever the parallelism, and the reported failure is the
         * first failing index, as in a sequential run. The body must keep its state per run (no
         * shared statics), since runs overlap. A bounded search and count mode run sequentially.
         *
         * @param parallelism at least 0
         * @return this builder
         * @throws IllegalArgumentException if {@code parallelism < 0}
         */
        public Builder parallelism(int parallelism) {
            if (parallelism < 0) {
                throw new IllegalArgumentException(
                        "parallelism must be >= 0 (0: one per processor), was " + parallelism);
            }
            this.parallelism =
                    parallelism == 0 ? Runtime.getRuntime().availableProcessors() : parallelism;
            return this;
        }

        /**
         * Runs only shard {@code index} of {@code count} of the schedule indexes (those {@code i}
         * with {@code i mod count == index}, plus schedule 0, the profiling run), so {@code count}
         * JVMs or machines together run the schedules of one exploration. The default comes from
         * the system property {@value #SHARD_PROPERTY} ({@code index/count}), else 0 of 1.
         *
         * @param index the shard, in {@code [0, count)}
         * @param count the number of shards, at least 1
         * @return this builder
         * @throws IllegalArgumentException if the shard is out of range
         */
        public Builder shard(int index, int count) {
            if (count < 1 || index < 0 || index >= count) {
                throw new IllegalArgumentException(
                        "shard must be index/count with 0 <= index < count, was "
                                + index
                                + "/"
                                + count);
            }
            this.shard = index;
            this.shards = count;
            return this;
        }

        /**
         * {@link #shard(int, int)} from text {@code "index/count"}, as in the system property.
         *
         * @param spec for example {@code "1/4"}
         * @return this builder
         * @throws IllegalArgumentException if {@code spec} is not {@code index/count} in range
         */
        public Builder shard(String spec) {
            Objects.requireNonNull(spec, "spec");
            String[] parts = spec.strip().split("/", -1);
            try {
                if (parts.length == 2) {
                    return shard(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(
                    "shard must be index/count (for example 1/4), was '" + spec + "'");
        }

        /**
         * Whether an exploration that runs longer than 10 s prints a progress line to standard
         * error every 10 s: schedules done, schedules per second, failures (default true).
         *
         * @param progress whether to print progress
         * @return this builder
         */
        public Builder progress(boolean progress) {
            this.progress = progress;
            return this;
        }

        /**
         * How {@link Simulation#explore} chooses schedules (default {@link Strategy#PORTFOLIO}, ADR
         * 0064).
         *
         * @param strategy the strategy
         * @return this builder
         */
        public Builder strategy(Strategy strategy) {
            this.strategy = Objects.requireNonNull(strategy, "strategy");
            return this;
        }

        /**
         * PCT's bug depth d: d - 1 priority change points per schedule (default 3).
         *
         * @param depth at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code depth < 1}
         */
        public Builder depth(int depth) {
            if (depth < 1) {
                throw new IllegalArgumentException("depth must be >= 1, was " + depth);
            }
            this.depth = depth;
            return this;
        }

        /**
         * The bounded search's preemption bound: at most this many switches away from a thread that
         * could go on (default 2). Switches at a yield or a spin are free, as in CHESS.
         *
         * @param preemptionBound at least 0, or -1 for no bound (every schedule)
         * @return this builder
         * @throws IllegalArgumentException if {@code preemptionBound < -1}
         */
        public Builder preemptionBound(int preemptionBound) {
            if (preemptionBound < -1) {
                throw new IllegalArgumentException(
                        "preemptionBound must be >= 0 (or -1 for none), was " + preemptionBound);
            }
            this.preemptionBound = preemptionBound;
            return this;
        }

        /**
         * Whether the bounded search skips schedules equivalent to ones it runs (default true; ADR
         * 0159): a thread preempted before an access to one of braid's atomic cells is not run
         * again in that branch until another thread takes a step that does not commute with that
         * access. Every schedule within the preemption bound still has an equivalent one that runs
         * (the same order of every pair of dependent steps), so every bug within the bound is still
         * reached; {@code false} enumerates every schedule within the bound, as before. Other
         * strategies ignore it.
         *
         * @param reduce whether to skip equivalent schedules
         * @return this builder
         */
        public Builder reduction(boolean reduce) {
            this.reduce = reduce;
            return this;
        }

        /**
         * How many bytes of runs the bounded search may keep (default a quarter of the maximum
         * heap; ADR 0172). {@code BOUNDED} with a preemption bound goes level by level and keeps
         * the runs of a level to generate the next (about 30 bytes per choice point each); past
         * this cap it expands the rest of the level depth-first instead, so the search never runs
         * out of memory and, run to exhaustion, runs the same set of schedules (a budget that ends
         * first may cover fewer schedules with few deviations). Other strategies ignore it.
         *
         * @param bytes at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes < 1}
         */
        public Builder searchMemory(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("searchMemory must be >= 1 byte, was " + bytes);
            }
            this.searchMemory = bytes;
            return this;
        }

        /**
         * Whether {@link Simulation#explore} shrinks a failure to the fewest preemptions (default
         * true).
         *
         * @param shrink whether to shrink
         * @return this builder
         */
        public Builder shrink(boolean shrink) {
            this.shrink = shrink;
            return this;
        }

        /**
         * How many schedules shrinking may run (default 2000); when they run out the report says
         * the result may not be minimal.
         *
         * @param shrinkBudget at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code shrinkBudget < 1}
         */
        public Builder shrinkBudget(int shrinkBudget) {
            if (shrinkBudget < 1) {
                throw new IllegalArgumentException(
                        "shrinkBudget must be >= 1, was " + shrinkBudget);
            }
            this.shrinkBudget = shrinkBudget;
            return this;
        }

        /**
         * Enables fault injection (opt-in; none by default): at each point where one of {@code
         * faults} is allowed, the run injects one with {@link #faultProbability} as a recorded
         * choice, so failures replay exactly. A failure's trace lists what was injected.
         *
         * @param faults the faults to inject (none: turns injection off)
         * @return this builder
         */
        public Builder faults(Fault... faults) {
            Objects.requireNonNull(faults, "faults");
            java.util.Set<Fault> set = java.util.EnumSet.noneOf(Fault.class);
            for (Fault f : faults) {
                set.add(Objects.requireNonNull(f, "faults element"));
            }
            this.faults = set;
            return this;
        }

        /**
         * The chance that an injection point injects a fault (default {@value
         * #DEFAULT_FAULT_PROBABILITY}).
         *
         * @param probability in {@code (0, 1]}
         * @return this builder
         * @throws IllegalArgumentException if {@code probability} is not in {@code (0, 1]}
         */
        public Builder faultProbability(double probability) {
            if (!(probability > 0 && probability <= 1)) {
                throw new IllegalArgumentException(
                        "faultProbability must be in (0, 1], was " + probability);
            }
            this.faultProbability = probability;
            return this;
        }

        private static Optional<java.nio.file.Path> defaultTraceDirectory() {
            String p = System.getProperty(TRACE_PROPERTY, DEFAULT_TRACE_DIRECTORY);
            if (p.isBlank() || p.equals("off") || p.equals("false")) {
                return Optional.empty();
            }
            return Optional.of(java.nio.file.Path.of(p));
        }

        /**
         * Where the HTML trace of a failure goes (default {@value #DEFAULT_TRACE_DIRECTORY},
         * relative to the working directory, which under Maven is the module's directory; the
         * system property {@value #TRACE_PROPERTY} overrides it, {@code off} turns traces off).
         *
         * @param directory the directory, or empty for no HTML file (the failure message still
         *     carries the last steps)
         * @return this builder
         */
        public Builder traceDirectory(Optional<java.nio.file.Path> directory) {
            this.traceDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * A prefix for trace file names, such as the test's name (default {@code trace}).
         *
         * @param name the prefix; characters unsafe in file names become {@code _}
         * @return this builder
         */
        public Builder traceName(String name) {
            this.traceName = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Whether a simulated thread other than the root that ends with an uncaught throwable (for
         * a braid thread: a panic) fails the run at once, as a {@link SimResult.ThreadFailed} with
         * its name and throwable (default true). Turn it off only for tests that expect a child to
         * fail and check that failure themselves (through {@code JoinHandle.join}, a scope, or the
         * deadlock report, which still names the throwable a dead holder died with).
         *
         * @param failOnUncaught false to let children fail silently
         * @return this builder
         */
        public Builder failOnUncaught(boolean failOnUncaught) {
            this.failOnUncaught = failOnUncaught;
            return this;
        }

        /**
         * The seed of the first schedule (default 0).
         *
         * @param seed the seed of the first schedule
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * How many schedules {@link Simulation#explore} runs (default 1000).
         *
         * @param schedules how many schedules to run (at least 1)
         * @return this builder
         */
        public Builder schedules(int schedules) {
            if (schedules < 1) {
                throw new IllegalArgumentException("schedules must be >= 1, was " + schedules);
            }
            this.schedules = schedules;
            return this;
        }

        /**
         * The step bound per schedule, reported as a livelock (default 100,000).
         *
         * @param maxSteps the step bound per schedule (at least 1)
         * @return this builder
         */
        public Builder maxSteps(long maxSteps) {
            if (maxSteps < 1) {
                throw new IllegalArgumentException("maxSteps must be >= 1, was " + maxSteps);
            }
            this.maxSteps = maxSteps;
            return this;
        }

        /**
         * How long a simulated thread may run without reaching a braid operation before it is
         * reported as blocked outside braid (default 1 s).
         *
         * @param watchdog how long a thread may run between braid operations
         * @return this builder
         */
        public Builder watchdog(Duration watchdog) {
            Objects.requireNonNull(watchdog, "watchdog");
            if (watchdog.isNegative() || watchdog.isZero()) {
                throw new IllegalArgumentException("watchdog must be positive, was " + watchdog);
            }
            this.watchdog = watchdog;
            return this;
        }

        /**
         * The simulation.
         *
         * @return the simulation
         */
        public Simulation build() {
            return new Simulation(this);
        }
    }

    /**
     * Hands panics of simulated threads to their run (which fails unless {@link
     * Builder#failOnUncaught(boolean)} turned that off); other threads' panics go to the previous
     * hook.
     */
    private static final class PanicCapture {
        private final PanicHook previous;
        private final PanicHook mine;

        private PanicCapture(PanicHook previous) {
            this.previous = previous;
            this.mine =
                    (thread, failure) -> {
                        if (Engine.insideSimulation()) {
                            Engine.panicked(failure);
                        } else {
                            previous.onPanic(thread, failure);
                        }
                    };
        }

        static PanicCapture install() {
            PanicHook current = Panics.hook();
            PanicCapture capture = new PanicCapture(current);
            Panics.setHook(capture.mine);
            return capture;
        }

        void close() {
            Panics.setHook(previous);
        }
    }
}
