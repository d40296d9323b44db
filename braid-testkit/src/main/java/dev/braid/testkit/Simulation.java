package dev.braid.testkit;

import dev.braid.testkit.internal.Engine;
import dev.braid.testkit.internal.RandomStrategy;
import dev.braid.testkit.internal.ReplayStrategy;
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

    /** Default watchdog: how long a thread may run without reaching a braid operation. */
    public static final Duration DEFAULT_WATCHDOG = Duration.ofSeconds(1);

    private final long seed;
    private final int schedules;
    private final long maxSteps;
    private final Duration watchdog;

    private Simulation(Builder b) {
        this.seed = b.seed;
        this.schedules = b.schedules;
        this.maxSteps = b.maxSteps;
        this.watchdog = b.watchdog;
    }

    /**
     * A builder with the defaults: seed 0, 1000 schedules, 100,000 steps, 1 s watchdog.
     *
     * @return this builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs {@code body} under {@code schedules} random schedules, seeds {@code seed}, {@code seed +
     * 1}, ...; stops at the first failure.
     *
     * @param body the code to run in the root simulated thread
     * @return the exploration: the number of schedules run and the first failure, if any
     */
    public Exploration explore(SimBody body) {
        Objects.requireNonNull(body, "body");
        PanicCapture capture = PanicCapture.install();
        try {
            for (int i = 0; i < schedules; i++) {
                SimResult r = Engine.run(body, new RandomStrategy(seed + i), maxSteps, watchdog);
                if (r.isFailure()) {
                    return new Exploration(i + 1, seed, Optional.of(r));
                }
            }
        } finally {
            capture.close();
        }
        return new Exploration(schedules, seed, Optional.empty());
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
     * describes. If the program no longer follows it, the result is {@link
     * SimResult.Nondeterminism}.
     *
     * @param schedule the schedule string to replay
     * @param body the code to run in the root simulated thread
     * @return the run's outcome
     * @throws IllegalArgumentException if {@code schedule} is not a schedule string
     */
    public SimResult replay(String schedule, SimBody body) {
        Objects.requireNonNull(body, "body");
        Schedule parsed = Schedule.parse(schedule);
        return runCapturingPanics(body, new ReplayStrategy(parsed));
    }

    private SimResult runCapturingPanics(SimBody body, Strategy strategy) {
        PanicCapture capture = PanicCapture.install();
        try {
            return Engine.run(body, strategy, maxSteps, watchdog);
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

        private Builder() {}

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

    /** Swallows panics of simulated threads; other threads' panics go to the previous hook. */
    private static final class PanicCapture {
        private final PanicHook previous;
        private final PanicHook mine;

        private PanicCapture(PanicHook previous) {
            this.previous = previous;
            this.mine =
                    (thread, failure) -> {
                        if (!Engine.insideSimulation()) {
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
