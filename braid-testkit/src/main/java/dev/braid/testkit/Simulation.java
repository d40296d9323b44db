package dev.braid.testkit;

import dev.braid.testkit.internal.Engine;
import dev.braid.testkit.internal.RandomStrategy;
import dev.braid.testkit.internal.ReplayStrategy;
import dev.braid.testkit.internal.RunSettings;
import dev.braid.testkit.internal.Strategy;
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

    private static final Simulation DEFAULTS = builder().build();

    private final long seed;
    private final int schedules;
    private final long maxSteps;
    private final Duration watchdog;
    private final RunSettings settings;
    private final Optional<java.nio.file.Path> traceDirectory;
    private final String traceName;

    private Simulation(Builder b) {
        this.traceDirectory = b.traceDirectory;
        this.traceName = b.traceName;
        this.settings =
                new RunSettings(
                        b.failOnUncaught, b.faults, b.faultProbability, Fault.suffix(b.faults));
        this.seed = b.seed;
        this.schedules = b.schedules;
        this.maxSteps = b.maxSteps;
        this.watchdog = b.watchdog;
    }

    /** A builder with the defaults: seed 0, 1000 schedules, 100,000 steps, 1 s watchdog. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs {@code body} under {@code schedules} random schedules, seeds {@code seed}, {@code seed +
     * 1}, ...; stops at the first failure.
     */
    public Exploration explore(SimBody body) {
        Objects.requireNonNull(body, "body");
        PanicCapture capture = PanicCapture.install();
        try {
            for (int i = 0; i < schedules; i++) {
                SimResult r =
                        Engine.run(
                                body, new RandomStrategy(seed + i), maxSteps, watchdog, settings);
                if (r.isFailure()) {
                    return new Exploration(i + 1, seed, Optional.of(r), diagnose(r, body));
                }
            }
        } finally {
            capture.close();
        }
        return new Exploration(schedules, seed, Optional.empty());
    }

    /**
     * {@link #explore} and {@link Exploration#assertPassed()}: throws an AssertionError on failure.
     */
    public void check(SimBody body) {
        explore(body).assertPassed();
    }

    /** Runs {@code body} once under the random strategy with {@code seed}. */
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

    private SimResult runCapturingPanics(SimBody body, Strategy strategy) {
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
        private boolean failOnUncaught = true;
        private Optional<java.nio.file.Path> traceDirectory = defaultTraceDirectory();
        private String traceName = "";
        private java.util.Set<Fault> faults = java.util.EnumSet.noneOf(Fault.class);
        private double faultProbability = DEFAULT_FAULT_PROBABILITY;

        private Builder() {}

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

        /** The seed of the first schedule (default 0). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** How many schedules {@link Simulation#explore} runs (default 1000). */
        public Builder schedules(int schedules) {
            if (schedules < 1) {
                throw new IllegalArgumentException("schedules must be >= 1, was " + schedules);
            }
            this.schedules = schedules;
            return this;
        }

        /** The step bound per schedule, reported as a livelock (default 100,000). */
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
         */
        public Builder watchdog(Duration watchdog) {
            Objects.requireNonNull(watchdog, "watchdog");
            if (watchdog.isNegative() || watchdog.isZero()) {
                throw new IllegalArgumentException("watchdog must be positive, was " + watchdog);
            }
            this.watchdog = watchdog;
            return this;
        }

        /** The simulation. */
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
