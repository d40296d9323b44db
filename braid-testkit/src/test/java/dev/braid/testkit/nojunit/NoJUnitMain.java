package dev.braid.testkit.nojunit;

import dev.braid.sync.Mutex;
import dev.braid.testkit.Exploration;
import dev.braid.testkit.SimResult;
import dev.braid.testkit.Simulation;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;

/**
 * Runs an exploration, a failure's trace and a replay in a JVM whose module path holds braid and
 * braid-testkit only (started by {@code NoJUnitTest}); it must not touch JUnit.
 */
public final class NoJUnitMain {
    private NoJUnitMain() {}

    /**
     * Explores a lost update, replays the failure, and prints what it found.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        Exploration e =
                Simulation.builder()
                        .seed(1)
                        .schedules(500)
                        .traceDirectory(java.util.Optional.empty())
                        .build()
                        .explore(
                                () -> {
                                    Mutex<Integer> m = Mutex.named("m", 0);
                                    JoinHandle<Void> t =
                                            Threads.spawn(
                                                    () -> {
                                                        int v = m.withLock(x -> x);
                                                        m.update(x -> v + 1);
                                                    });
                                    int v = m.withLock(x -> x);
                                    m.update(x -> v + 1);
                                    t.join();
                                    if (m.withLock(x -> x) != 2) {
                                        throw new IllegalStateException("lost update");
                                    }
                                });
        SimResult failure = e.failure().orElseThrow();
        System.out.println("found: " + failure.getClass().getSimpleName());
        System.out.println("traced: " + e.trace().isPresent());
        System.out.println(
                "junit in boot layer: "
                        + ModuleLayer.boot().findModule("org.junit.jupiter.api").isPresent());
        System.out.println("testkit module: " + Simulation.class.getModule().getName());
    }
}
