package dev.braid.testkit.junit;

import dev.braid.testkit.Fault;
import dev.braid.testkit.Simulation;
import dev.braid.testkit.Strategy;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A JUnit 5 test whose body runs under braid's deterministic scheduler, once per schedule. The
 * method's own invocation is replaced: the extension calls the method reflectively inside each
 * simulated schedule, as the root thread, on the same test instance. Keep per-schedule state local
 * to the method (instance fields and statics outlive a schedule).
 *
 * <p>A failure's message carries the schedule string; put it in {@link #replay} (or pass it as the
 * configuration parameter / system property {@value SimTestExtension#REPLAY_PARAMETER}) to rerun
 * exactly that schedule.
 */
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Test
@ExtendWith(SimTestExtension.class)
public @interface SimTest {
    /**
     * How many schedules to run (each with a seed mixed from {@code seed} and its index).
     *
     * @return how many schedules to run
     */
    int schedules() default Simulation.DEFAULT_SCHEDULES;

    /**
     * The seed of the first schedule.
     *
     * @return the seed of the first schedule
     */
    long seed() default 0;

    /**
     * The step bound per schedule (reported as a livelock when exceeded).
     *
     * @return how long a thread may run without reaching a braid operation, in milliseconds
     */
    long maxSteps() default Simulation.DEFAULT_MAX_STEPS;

    /**
     * How long a thread may run without reaching a braid operation, in milliseconds.
     *
     * @return how long a thread may run without reaching a braid operation, in milliseconds
     */
    long watchdogMillis() default 1000;

    /**
     * How schedules are chosen (see {@link Simulation.Builder#strategy}).
     *
     * @return the strategy
     */
    Strategy strategy() default Strategy.PORTFOLIO;

    /**
     * PCT's bug depth (see {@link Simulation.Builder#depth}).
     *
     * @return the depth
     */
    int depth() default Simulation.DEFAULT_DEPTH;

    /**
     * The bounded search's preemption bound, -1 for none (see {@link
     * Simulation.Builder#preemptionBound}).
     *
     * @return the bound
     */
    int preemptionBound() default Simulation.DEFAULT_PREEMPTION_BOUND;

    /**
     * Whether a failure is shrunk to the fewest preemptions (see {@link
     * Simulation.Builder#shrink}).
     *
     * @return whether to shrink
     */
    boolean shrink() default true;

    /**
     * How many engines run schedules at once: -1 (the default) for the builder's default (the
     * system property {@value Simulation#PARALLELISM_PROPERTY}, else 1), 0 for one per processor
     * (see {@link Simulation.Builder#parallelism}).
     *
     * @return the parallelism
     */
    int parallelism() default -1;

    /**
     * This run's shard of the schedule indexes as {@code "index/count"}, or empty (the default) for
     * the system property {@value Simulation#SHARD_PROPERTY}, else all of them (see {@link
     * Simulation.Builder#shard(int, int)}).
     *
     * @return the shard, or empty
     */
    String shard() default "";

    /**
     * Whether a simulated thread other than the root that ends with an uncaught throwable fails the
     * schedule (default true); false for tests that expect a child to fail.
     *
     * @return whether a child's uncaught throwable fails the schedule
     * @see Simulation.Builder#failOnUncaught(boolean)
     */
    boolean failOnUncaught() default true;

    /**
     * Faults to inject (opt-in; none by default), each a recorded choice so failures replay.
     *
     * @return the faults
     * @see Simulation.Builder#faults(Fault...)
     */
    Fault[] faults() default {};

    /**
     * The chance that an injection point injects one of {@link #faults()}.
     *
     * @return a probability in {@code (0, 1]}
     */
    double faultProbability() default Simulation.DEFAULT_FAULT_PROBABILITY;

    /**
     * A schedule string ({@code braid1:...}) to replay instead of exploring.
     *
     * @return a schedule string ({@code braid1:...}) to replay instead of exploring
     */
    String replay() default "";
}
