package dev.braid.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.internal.rt.Rt;
import dev.braid.testkit.firstrun.FirstRunMain;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * ADR 0129: the first simulated run of a JVM replays like every later run. A static initializer of
 * braid-core that reaches a braid operation ({@code TaskHandle} cancels a shared token) used to run
 * inside the first run that touched its class, adding steps to that run only; its string then
 * replayed as {@code Nondeterminism} in the same JVM, and a string recorded later did not replay as
 * the first run of a fresh JVM. A fresh JVM is the only place to see it: this test's own JVM has
 * long initialized the pool.
 */
class FirstRunReplayTest {
    private static String location(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    private static String run(List<String> launch) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(launch);
        command.add(FirstRunMain.class.getName());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void theFirstRunOfAJvmReplaysOnTheClassPath() throws Exception {
        String classPath =
                String.join(
                        File.pathSeparator,
                        location(Rt.class),
                        location(Simulation.class),
                        location(FirstRunMain.class));
        String out = run(List.of("-cp", classPath));
        assertThat(out)
                .contains("first: Passed")
                .contains("replay: Passed")
                .contains("same schedule: true");
    }

    @Test
    void theFirstRunOfAJvmReplaysOnTheModulePath() throws Exception {
        String modulePath = location(Rt.class) + File.pathSeparator + location(Simulation.class);
        String out =
                run(
                        List.of(
                                "--module-path",
                                modulePath,
                                "--add-modules",
                                "dev.braid.testkit",
                                "-cp",
                                location(FirstRunMain.class)));
        assertThat(out)
                .contains("first: Passed")
                .contains("replay: Passed")
                .contains("same schedule: true");
    }
}
