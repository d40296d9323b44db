package dev.braid.testkit.junit;

import dev.braid.testkit.Simulation;
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
     * How many random schedules to run (seeds {@code seed}, {@code seed + 1}, ...).
     *
     * @return how many random schedules to run (seeds {@code seed}, {@code seed + 1}, ...)
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
     * A schedule string ({@code braid1:...}) to replay instead of exploring.
     *
     * @return a schedule string ({@code braid1:...}) to replay instead of exploring
     */
    String replay() default "";
}
