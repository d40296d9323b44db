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

    /** Default watchdog: how long a thread may run without reaching a braid operation. */
    public static final Duration DEFAULT_WATCHDOG = Duration.ofSeconds(1);

    private final long seed;
    private final int schedules;
    private final long maxSteps;
    private final Duration watchdog;
    private final RunSettings settings;

    private Simulation(Builder b) {
        this.settings = new RunSettings(b.failOnUncaught);
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
     * describes. If the program no longer follows it, the result is {@link
     * SimResult.Nondeterminism}.
     *
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

        private Builder() {}

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
