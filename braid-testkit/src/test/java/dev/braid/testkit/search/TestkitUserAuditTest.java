package dev.braid.testkit.search;

import static dev.braid.testkit.search.SimTestSearchAttributesTest.failure;
import static dev.braid.testkit.search.SimTestSearchAttributesTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.testkit.Exploration;
import dev.braid.testkit.Sim;
import dev.braid.testkit.SimBody;
import dev.braid.testkit.SimResult;
import dev.braid.testkit.Simulation;
import dev.braid.testkit.Strategy;
import dev.braid.testkit.junit.SimTest;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The testkit as a user meets it through docs/testkit.md (the audit of 2026-12-04): the failure
 * found by each strategy, and its shrunk form, replay from their strings through the static {@code
 * Simulation.replay}; the {@code @SimTest} attributes the doc lists that no other test drives
 * ({@code shard}, {@code maxSteps}, {@code shrink}, {@code parallelism}) do what it says; the HTML
 * report escapes a failure's message, not only thread names.
 */
class TestkitUserAuditTest {
    static final AtomicInteger RUNS = new AtomicInteger();

    @BeforeEach
    void reset() {
        RUNS.set(0);
    }

    /** The strategy names docs/testkit.md gives for a schedule string's second field. */
    static final Map<Strategy, Set<String>> DOC_NAMES =
            Map.of(
                    Strategy.RANDOM, Set.of("random"),
                    Strategy.PCT, Set.of("pct"),
                    Strategy.POS, Set.of("pos"),
                    Strategy.SURW, Set.of("surw"),
                    Strategy.BOUNDED, Set.of("dfs"),
                    Strategy.COVERAGE, Set.of("rff", "random"),
                    Strategy.PORTFOLIO, Set.of("random", "pct", "pos", "surw"));

    @Test
    void everyStrategysFailureAndItsShrunkFormReplayFromTheirStrings() {
        SimBody body = PlantedBugs::lostUpdate;
        List<String> wrong = new ArrayList<>();
        for (Strategy s : Strategy.values()) {
            Exploration e =
                    Simulation.builder()
                            .strategy(s)
                            .seed(5)
                            .schedules(2_000)
                            .progress(false)
                            .build()
                            .explore(body);
            if (e.failure().isEmpty()) {
                wrong.add(s + ": found nothing in 2000 schedules");
                continue;
            }
            String name = e.failure().get().schedule().split(":")[1];
            if (!DOC_NAMES.get(s).contains(name)) {
                wrong.add(
                        s
                                + ": string names strategy '"
                                + name
                                + "', docs/testkit.md says "
                                + DOC_NAMES.get(s));
            }
            List<SimResult> found = new ArrayList<>();
            found.add(e.failure().get());
            e.shrunk().ifPresent(sh -> found.add(sh.result()));
            for (SimResult f : found) {
                String schedule = f.schedule();
                SimResult again = Simulation.replay(schedule, body);
                if (again.getClass() != f.getClass()
                        || !schedule.equals(again.schedule())
                        || again.message().contains("diverged")) {
                    wrong.add(s + ": " + schedule + " replayed as " + again.message());
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void moreThanMaxStepsIsALivelockAndVirtualTimeMakesAnHourCheap() {
        SimResult spin =
                Simulation.builder()
                        .maxSteps(200)
                        .build()
                        .runOnce(
                                1,
                                () -> {
                                    for (int i = 0; i < 10_000; i++) {
                                        Sim.yieldNow();
                                    }
                                });
        assertThat(spin).isInstanceOf(SimResult.Livelock.class);

        long[] clock = new long[2];
        long wall = System.nanoTime();
        SimResult slept =
                Simulation.builder()
                        .build()
                        .runOnce(
                                1,
                                () -> {
                                    clock[0] = Sim.nanoTime();
                                    Threads.sleep(Duration.ofHours(1));
                                    clock[1] = Sim.nanoTime();
                                });
        assertThat(slept.isFailure()).as(slept.message()).isFalse();
        assertThat(clock[0]).as("virtual time starts at 1,000 s").isEqualTo(1_000_000_000_000L);
        assertThat(clock[1] - clock[0]).isGreaterThanOrEqualTo(Duration.ofHours(1).toNanos());
        // a virtual hour in well under a wall minute (a loaded machine cannot reach the bound)
        assertThat(System.nanoTime() - wall).isLessThan(Duration.ofMinutes(1).toNanos());
    }

    @Test
    void theHtmlReportEscapesAFailuresMessage() throws Exception {
        String hostile = "<img src=x onerror=alert(1)>";
        Exploration e =
                Simulation.builder()
                        .seed(1)
                        .schedules(50)
                        .shrink(false)
                        .progress(false)
                        .traceName("audit-escape")
                        .build()
                        .explore(
                                () -> {
                                    JoinHandle<Void> t = Threads.spawn(Sim::yieldNow);
                                    t.join();
                                    throw new IllegalStateException(hostile);
                                });
        assertThat(e.failure()).isPresent();
        String html = Files.readString(e.trace().orElseThrow().file().orElseThrow());
        assertThat(html).doesNotContain(hostile).contains("&lt;img src=x onerror=alert(1)&gt;");
    }

    // ---- @SimTest attributes, run through EngineTestKit (nested: not picked up by Surefire) ----

    static class Sharded {
        @SimTest(schedules = 40, seed = 3, shard = "1/4")
        void counts() {
            RUNS.incrementAndGet();
        }
    }

    static class Parallel {
        @SimTest(schedules = 200, seed = 3, parallelism = 2)
        void counts() throws InterruptedException {
            RUNS.incrementAndGet();
            PlantedBugs.atomicCounter();
        }
    }

    static class StepBound {
        @SimTest(schedules = 5, maxSteps = 200)
        void spinsLong() {
            for (int i = 0; i < 10_000; i++) {
                Sim.yieldNow();
            }
        }
    }

    static class NotShrunk {
        @SimTest(schedules = 500, seed = 11, shrink = false)
        void lost() throws InterruptedException {
            PlantedBugs.lostUpdate();
        }
    }

    static class Shrunk {
        @SimTest(schedules = 500, seed = 11)
        void lost() throws InterruptedException {
            PlantedBugs.lostUpdate();
        }
    }

    @Test
    void shardRunsItsShareOfTheScheduleIndexesPlusTheProfilingRun() {
        run(Sharded.class).testEvents().assertStatistics(s -> s.started(1).succeeded(1));
        assertThat(RUNS.get()).as("indexes 1, 5, ..., 37 and schedule 0").isEqualTo(11);
    }

    @Test
    void parallelismRunsEveryScheduleOnce() {
        run(Parallel.class).testEvents().assertStatistics(s -> s.started(1).succeeded(1));
        assertThat(RUNS.get()).isEqualTo(200);
    }

    @Test
    void maxStepsBoundsARunAndSaysSo() {
        String message = failure(run(StepBound.class));
        assertThat(message).contains("200");
    }

    @Test
    void shrinkFalseReportsTheOriginalOnly() {
        assertThat(failure(run(NotShrunk.class))).doesNotContain("shrunk to");
        assertThat(failure(run(Shrunk.class))).contains("shrunk to");
    }
}
