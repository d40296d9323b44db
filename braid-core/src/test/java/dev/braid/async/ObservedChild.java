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

    /**
     * In the child: prints {@code ex}'s dump once each of its {@code tasks} tasks is listed by name
     * past its first poll (or after 30 s). A task still in its first poll is only counted ("1
     * task(s) not listed"), a line that would make up the number too (the tenth session's CI: a
     * dump missing a task).
     */
    static void printSettledDump(ThreadedExecutor ex, int tasks) throws InterruptedException {
        List<String> dump = ex.dumpTasks();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!settled(dump, tasks) && System.nanoTime() < until) {
            Thread.sleep(5); // until each task's first poll left it pending
            dump = ex.dumpTasks();
        }
        dump.forEach(System.out::println);
    }

    private static boolean settled(List<String> dump, int tasks) {
        return dump.size() == tasks
                && dump.stream().allMatch(l -> l.startsWith("task '") && !l.contains("polls=0"));
    }
}
