package dev.braid.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.internal.rt.Rt;
import dev.braid.testkit.nojunit.NoJUnitMain;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The testkit works without JUnit on the module path ({@code requires static}): a JVM with only
 * braid and braid-testkit on its module path runs an exploration, and loads no JUnit class.
 */
class NoJUnitTest {
    private static String location(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    @Test
    void aSimulationRunsWithoutJUnitOnTheModulePath() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String modulePath = location(Rt.class) + File.pathSeparator + location(Simulation.class);
        List<String> command =
                List.of(
                        java,
                        "--module-path",
                        modulePath,
                        "--add-modules",
                        "dev.braid.testkit",
                        "-Xlog:class+load=info",
                        "-cp",
                        location(NoJUnitMain.class),
                        NoJUnitMain.class.getName());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out)
                .contains("found: Failed")
                .contains("traced: true")
                .contains("junit in boot layer: false")
                .contains("testkit module: dev.braid.testkit")
                .doesNotContain("org.junit")
                .doesNotContain("org.opentest4j");
    }
}
