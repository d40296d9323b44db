package dev.braid.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;

/**
 * Every benchmark forks with the perf suite's heap rule ({@code
 * ../shared/reference/perf-suite.md}): a fixed ({@code -Xms} = {@code -Xmx}), pre-touched ({@code
 * -XX:+AlwaysPreTouch}) heap. Without it G1 grows the heap while measuring and a fork pays
 * first-touch page faults, which made {@code AsyncWorkloads}' forks bimodal for two sessions
 * (docs/perf/async.md, "The suite's heap").
 */
class BenchHeapTest {
    @Test
    void everyBenchmarkForksWithAFixedPreTouchedHeap() throws Exception {
        List<String> benchmarks = new ArrayList<>();
        List<String> offenders = new ArrayList<>();
        for (Class<?> c : benchmarkClasses()) {
            for (Method m : c.getDeclaredMethods()) {
                if (!m.isAnnotationPresent(Benchmark.class)) {
                    continue;
                }
                String name = c.getSimpleName() + "." + m.getName();
                benchmarks.add(name);
                Fork fork =
                        m.isAnnotationPresent(Fork.class)
                                ? m.getAnnotation(Fork.class)
                                : c.getAnnotation(Fork.class);
                String why = heapProblem(fork);
                if (why != null) {
                    offenders.add(name + ": " + why);
                }
            }
        }
        assertThat(benchmarks).as("benchmarks found in target/classes").hasSizeGreaterThan(50);
        assertThat(offenders).as("benchmarks without the suite's heap").isEmpty();
    }

    @Test
    void theRuleRejectsAGrowingOrUntouchedHeap() {
        assertThat(heapProblem(null)).isEqualTo("no @Fork");
        assertThat(heapProblem(Unpinned.class.getAnnotation(Fork.class))).contains("-Xms");
        assertThat(heapProblem(Growing.class.getAnnotation(Fork.class))).contains("differ");
        assertThat(heapProblem(Untouched.class.getAnnotation(Fork.class)))
                .contains("AlwaysPreTouch");
        assertThat(heapProblem(Pinned.class.getAnnotation(Fork.class))).isNull();
    }

    @Fork(1)
    static final class Unpinned {}

    @Fork(
            value = 1,
            jvmArgsAppend = {"-Xms1g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
    static final class Growing {}

    @Fork(
            value = 1,
            jvmArgs = {"-Xms2g", "-Xmx2g"})
    static final class Untouched {}

    @Fork(
            value = 1,
            jvmArgs = {"-Xms2g", "-Xmx2g"},
            jvmArgsAppend = {"-XX:+AlwaysPreTouch"})
    static final class Pinned {}

    /** Why {@code fork} breaks the heap rule, or null if it keeps it. */
    static String heapProblem(Fork fork) {
        if (fork == null) {
            return "no @Fork";
        }
        List<String> args = new ArrayList<>(List.of(fork.jvmArgs()));
        args.addAll(List.of(fork.jvmArgsAppend()));
        args.addAll(List.of(fork.jvmArgsPrepend()));
        args.removeIf(a -> a.startsWith("blank_blank_blank")); // JMH's "not set"
        String xms = last(args, "-Xms");
        String xmx = last(args, "-Xmx");
        if (xms == null || xmx == null) {
            return "no -Xms/-Xmx in " + args;
        }
        if (!xms.equals(xmx)) {
            return "-Xms" + xms + " and -Xmx" + xmx + " differ: the heap grows while measuring";
        }
        if (!args.contains("-XX:+AlwaysPreTouch")) {
            return "no -XX:+AlwaysPreTouch in " + args;
        }
        return null;
    }

    private static String last(List<String> args, String prefix) {
        String v = null;
        for (String a : args) {
            if (a.startsWith(prefix)) {
                v = a.substring(prefix.length());
            }
        }
        return v;
    }

    private static List<Class<?>> benchmarkClasses() throws IOException, ClassNotFoundException {
        Path root = Path.of("target", "classes");
        List<Class<?>> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String rel = root.relativize(p).toString();
                if (rel.contains("jmh_generated")) {
                    continue;
                }
                String name =
                        rel.substring(0, rel.length() - ".class".length())
                                .replace(p.getFileSystem().getSeparator(), ".");
                out.add(Class.forName(name, false, BenchHeapTest.class.getClassLoader()));
            }
        }
        return out;
    }
}
