package dev.braid.testkit.junit;

import dev.braid.testkit.Exploration;
import dev.braid.testkit.SimBody;
import dev.braid.testkit.SimResult;
import dev.braid.testkit.Simulation;
import dev.braid.testkit.Trace;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;

/**
 * Runs a {@link SimTest} method inside simulated schedules: skips JUnit's own invocation and
 * invokes the method reflectively as each schedule's root body.
 */
public final class SimTestExtension implements InvocationInterceptor {
    /** Configuration parameter (or system property) holding a schedule string to replay. */
    public static final String REPLAY_PARAMETER = "braid.testkit.replay";

    /** Creates the extension (JUnit does this). */
    public SimTestExtension() {}

    @Override
    public void interceptTestMethod(
            Invocation<Void> invocation,
            ReflectiveInvocationContext<Method> invocationContext,
            ExtensionContext extensionContext)
            throws Throwable {
        Method method = invocationContext.getExecutable();
        SimTest config = method.getAnnotation(SimTest.class);
        if (config == null) {
            throw new ExtensionConfigurationException(
                    "SimTestExtension needs @SimTest on " + method.getName());
        }
        invocation.skip();
        Object target = invocationContext.getTarget().orElse(null);
        Object[] args = invocationContext.getArguments().toArray();
        method.setAccessible(true);
        SimBody body =
                () -> {
                    try {
                        method.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                };
        Simulation.Builder builder =
                Simulation.builder()
                        .seed(config.seed())
                        .schedules(config.schedules())
                        .maxSteps(config.maxSteps())
                        .watchdog(Duration.ofMillis(config.watchdogMillis()))
                        .strategy(config.strategy())
                        .depth(config.depth())
                        .preemptionBound(config.preemptionBound())
                        .shrink(config.shrink())
                        .failOnUncaught(config.failOnUncaught())
                        .faults(config.faults())
                        .faultProbability(config.faultProbability())
                        .traceName(
                                method.getDeclaringClass().getSimpleName()
                                        + "."
                                        + method.getName());
        if (config.parallelism() >= 0) {
            builder.parallelism(config.parallelism());
        }
        if (!config.shard().isBlank()) {
            builder.shard(config.shard());
        }
        Simulation sim = builder.build();
        String replay =
                config.replay().isBlank()
                        ? extensionContext.getConfigurationParameter(REPLAY_PARAMETER).orElse("")
                        : config.replay();
        if (!replay.isBlank()) {
            SimResult result = sim.rerun(replay.strip(), body);
            if (result.isFailure()) {
                Trace trace = sim.trace(result.schedule(), body);
                AssertionError e = new AssertionError(result.message() + trace.text());
                if (result instanceof SimResult.Failed f) {
                    e.initCause(f.cause());
                } else if (result instanceof SimResult.ThreadFailed f) {
                    e.initCause(f.cause());
                }
                throw e;
            }
            return;
        }
        Exploration exploration = sim.explore(body);
        exploration.assertPassed();
    }
}
