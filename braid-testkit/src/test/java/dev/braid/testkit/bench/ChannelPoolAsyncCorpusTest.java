package dev.braid.testkit.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.atomic.Ordering;
import dev.braid.testkit.Exploration;
import dev.braid.testkit.NoLiveThreads;
import dev.braid.testkit.SimResult;
import dev.braid.testkit.Simulation;
import dev.braid.testkit.Strategy;
import dev.braid.testkit.Trace;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bug corpus over channels, select, the pool and async tasks, with smoke budgets: the default
 * strategy finds every planted bug, as the kind of failure it is, with the names of the threads,
 * channels and tasks involved; the failure's string replays to the same result and the same trace
 * twice; every correct twin passes its whole budget. The full budgets and the other strategies run
 * in {@code BugBenchmark} ({@code braid-testkit/bench.sh}).
 */
class ChannelPoolAsyncCorpusTest {
    /** Smoke budgets: the bugs are found within 20 schedules at seed 1 (findings-testkit10). */
    private static final int BUG_BUDGET = 1000;

    private static final int CONTROL_BUDGET = 200;

    /** What each bug's report must be and name. */
    private record Expected(Class<? extends SimResult> kind, List<String> names) {}

    private static final Map<String, Expected> EXPECTED =
            Map.ofEntries(
                    Map.entry(
                            "ch-len-then-recv",
                            new Expected(
                                    SimResult.Deadlock.class,
                                    List.of("to receive on channel 'jobs'", "cycle: "))),
                    Map.entry(
                            "ch-close-racing-send",
                            new Expected(
                                    SimResult.ThreadFailed.class,
                                    List.of("'producer-2'", "channel 'out': it is closed"))),
                    Map.entry(
                            "select-manual-retry",
                            new Expected(SimResult.Failed.class, List.of("sum of 1, sent 3"))),
                    Map.entry(
                            "ch-worker-shutdown",
                            new Expected(SimResult.Failed.class, List.of("of 3 jobs"))),
                    Map.entry(
                            "ch-two-pipelines",
                            new Expected(
                                    SimResult.Deadlock.class,
                                    List.of(
                                            "cycle: stage-a -> to send on channel 'a-to-b' (full,"
                                                    + " 1 of 1) -> stage-b -> to send on channel"
                                                    + " 'b-to-a' (full, 1 of 1) -> stage-a"
                                                    + " (assumed: ",
                                            "served by no simulated thread"))),
                    Map.entry(
                            "ch-mutex-cycle",
                            new Expected(
                                    SimResult.Deadlock.class,
                                    List.of(
                                            "'producer' waits to send on channel 'results'",
                                            "'consumer' waits for Mutex(state) held by"
                                                    + " 'producer'",
                                            "cycle: producer -> to send on channel 'results'"
                                                    + " (full, 1 of 1) -> consumer -> Mutex(state)"
                                                    + " -> producer (assumed: "))),
                    Map.entry(
                            "pool-child-joins-parent",
                            new Expected(SimResult.Failed.class, List.of("joins its own handle"))),
                    Map.entry(
                            "pool-sibling-join-cycle",
                            new Expected(
                                    SimResult.Deadlock.class,
                                    List.of(
                                            "'braid-pool-worker-",
                                            "waits for join of TaskHandle",
                                            "cycle: braid-pool-worker-"))),
                    Map.entry(
                            "pool-scope-read-early",
                            new Expected(SimResult.Failed.class, List.of("read 0"))),
                    Map.entry(
                            "pool-relaxed-publish",
                            new Expected(SimResult.DataRace.class, List.of("data race on Plain"))),
                    Map.entry(
                            "pool-blocked-worker",
                            new Expected(
                                    SimResult.Deadlock.class,
                                    List.of("waits to receive on channel 'ready'"))),
                    Map.entry(
                            "async-check-then-waker",
                            new Expected(
                                    SimResult.Deadlock.class,
                                    List.of("task 'exec-blockOn'", "idle (awaiting a wake)"))),
                    Map.entry(
                            "async-first-wake-only",
                            new Expected(
                                    SimResult.Deadlock.class,
                                    List.of("task 'exec-blockOn'", "idle (awaiting a wake)"))),
                    Map.entry(
                            "async-counter-across-await",
                            new Expected(SimResult.Failed.class, List.of("lost update"))),
                    Map.entry(
                            "async-timeout-tie",
                            new Expected(SimResult.Failed.class, List.of("the timeout won"))),
                    Map.entry(
                            "async-task-thread-cycle",
                            new Expected(SimResult.Deadlock.class, List.of("task 'client'"))));

    @AfterEach
    void noSimulatedThreadOutlivesItsRun() {
        NoLiveThreads.check();
    }

    static Stream<BugPrograms.Program> bugs() {
        return BugPrograms.channelPoolAsync().stream().filter(p -> !p.control());
    }

    static Stream<BugPrograms.Program> controls() {
        return BugPrograms.channelPoolAsync().stream().filter(BugPrograms.Program::control);
    }

    private static Simulation smoke(int schedules) {
        return Simulation.builder()
                .seed(1)
                .schedules(schedules)
                .shrink(false)
                .progress(false)
                .traceDirectory(Optional.empty())
                .build();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bugs")
    void theDefaultStrategyFindsTheBugAndItsStringReplaysExactly(BugPrograms.Program p) {
        Expected expected = EXPECTED.get(p.name());
        assertThat(expected).as("expectations for %s", p.name()).isNotNull();
        Simulation sim = smoke(BUG_BUDGET);
        Exploration e = sim.explore(p.body());
        SimResult found =
                e.failure().orElseThrow(() -> new AssertionError(p.name() + ": not found"));
        assertThat(found).as(e.message()).isInstanceOf(expected.kind());
        assertThat(e.message()).contains(expected.names()).contains("replay: " + found.schedule());

        SimResult again = Simulation.replay(found.schedule(), p.body());
        assertThat(again.getClass()).as(again.message()).isEqualTo(found.getClass());
        assertThat(again.schedule()).isEqualTo(found.schedule());
        assertThat(again.steps()).isEqualTo(found.steps());
        assertThat(again.message()).isEqualTo(found.message());

        Trace first = sim.trace(found.schedule(), p.body());
        Trace second = sim.trace(found.schedule(), p.body());
        assertThat(first.steps()).isNotEmpty().isEqualTo(second.steps());
        assertThat(first.result().steps()).isEqualTo(found.steps());
    }

    /**
     * POS gave a spinning pool worker a fresh priority in [0, 1) at each spin and left its partner
     * the 3e-6 it had drawn, so the partner never ran: a false livelock at schedule 588 of seed 1.
     * At a spin the other runnable tasks now draw fresh priorities.
     */
    @Test
    void posLetsThePartnerOfASpinningWorkerRun() {
        Exploration e =
                Simulation.builder()
                        .strategy(Strategy.POS)
                        .seed(1)
                        .schedules(600)
                        .shrink(false)
                        .progress(false)
                        .traceDirectory(Optional.empty())
                        .build()
                        .explore(() -> PoolBugPrograms.publish(Ordering.RELEASE, Ordering.ACQUIRE));
        assertThat(e.passed()).as(e.message()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("controls")
    void theCorrectTwinPassesItsWholeBudget(BugPrograms.Program p) {
        Exploration e = smoke(CONTROL_BUDGET).explore(p.body());
        assertThat(e.passed()).as(e.message()).isTrue();
        assertThat(e.schedulesRun()).isEqualTo(CONTROL_BUDGET);
    }
}
