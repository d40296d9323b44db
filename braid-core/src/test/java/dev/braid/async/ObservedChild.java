package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a test's child program in a JVM of its own (the {@code braid.async.observe} switch is read
 * once per JVM), with or without the switch, and returns the dump lines it printed.
 */
final class ObservedChild {
    private ObservedChild() {}

    /** The lines starting "task '" that {@code program}'s main printed; fails if it failed. */
    static List<String> taskLines(Class<?> program, boolean observe) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String cp =
                System.getProperty("java.class.path")
                        + File.pathSeparator
                        + System.getProperty("jdk.module.path", "");
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", cp));
        if (observe) {
            cmd.add("-Dbraid.async.observe=true");
        }
        cmd.add(program.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the program ended within 60 s").isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        return out.lines().filter(l -> l.startsWith("task '")).toList();
    }
}
