package dev.braid.testkit.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.atomic.AtomicI32;
import dev.braid.atomic.Ordering;
import dev.braid.testkit.Census;
import dev.braid.testkit.Exploration;
import dev.braid.testkit.NoLiveThreads;
import dev.braid.testkit.Schedule;
import dev.braid.testkit.SimResult;
import dev.braid.testkit.Simulation;
import dev.braid.testkit.Strategy;
import dev.braid.testkit.internal.Seeds;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every randomized strategy finds planted bugs, and its strings replay; seeds; count mode. */
class StrategiesTest {
    @AfterEach
    void noSimulatedThreadOutlivesItsRun() {
        NoLiveThreads.check();
    }

    @ParameterizedTest
    @EnumSource(
            value = Strategy.class,
            names = {"RANDOM", "PCT", "POS", "SURW", "PORTFOLIO", "COVERAGE"})
    void findsTheTwoPreemptionBugAndItsStringReplays(Strategy strategy) {
        Simulation sim =
                Simulation.builder()
                        .strategy(strategy)
                        .depth(3) // PCT: two change points (each thread dropped once)
                        .seed(3)
                        .schedules(10_000)
                        .shrink(false)
                        .build();
        Exploration e = sim.explore(() -> PlantedBugs.ringOfFlags(2));
        SimResult found = e.failure().orElseThrow(() -> new AssertionError(e.message()));
        for (int i = 0; i < 3; i++) {
            SimResult again = sim.rerun(found.schedule(), () -> PlantedBugs.ringOfFlags(2));
            assertThat(again.message()).isEqualTo(found.message());
        }
        // schedule i is a function of (base seed, i): a second exploration finds the same
        Exploration twice = sim.explore(() -> PlantedBugs.ringOfFlags(2));
        assertThat(twice.schedulesRun()).isEqualTo(e.schedulesRun());
        assertThat(twice.failure().orElseThrow().schedule()).isEqualTo(found.schedule());
    }

    @Test
    void strategyNamesAreRecordedInTheString() {
        for (Strategy s : new Strategy[] {Strategy.PCT, Strategy.POS, Strategy.SURW}) {
            Exploration e =
                    Simulation.builder()
                            .strategy(s)
                            .schedules(5_000)
                            .shrink(false)
                            .build()
                            .explore(PlantedBugs::lostUpdate);
            String schedule = e.failure().orElseThrow().schedule();
            if (e.schedulesRun() > 1) { // schedule 0 is always a random profiling run
                assertThat(Schedule.parse(schedule).strategy())
                        .isEqualTo(s.name().toLowerCase(java.util.Locale.ROOT));
            }
        }
    }

    @Test
    void scheduleSeedsAreMixedSoNearbyBaseSeedsDoNotOverlap() {
        Set<Long> a = new HashSet<>();
        Set<Long> b = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            a.add(Seeds.forSchedule(42, i));
            b.add(Seeds.forSchedule(43, i));
        }
        assertThat(a).hasSize(10_000);
        a.retainAll(b);
        assertThat(a).isEmpty();

        Exploration e =
                Simulation.builder()
                        .seed(42)
                        .schedules(5_000)
                        .shrink(false)
                        .build()
                        .explore(PlantedBugs::lostUpdate);
        Schedule failing = Schedule.parse(e.failure().orElseThrow().schedule());
        assertThat(failing.seed()).isEqualTo(Seeds.forSchedule(42, e.schedulesRun() - 1));
    }

    /** Two threads race to be the last writer; the root fails with the winner's name. */
    static void lastWriterFails() throws InterruptedException {
        AtomicI32 last = new AtomicI32(0);
        JoinHandle<Void> a = Threads.spawn(() -> last.store(1, Ordering.SEQ_CST));
        JoinHandle<Void> b = Threads.spawn(() -> last.store(2, Ordering.SEQ_CST));
        a.join();
        b.join();
        throw new AssertionError("last writer " + last.load(Ordering.SEQ_CST));
    }

    @Test
    void countModeRunsEveryScheduleAndGroupsTheFailures() {
        Simulation sim = Simulation.builder().seed(5).schedules(400).build();
        Census census = sim.count(StrategiesTest::lastWriterFails);
        assertThat(census.schedules()).isEqualTo(400);
        assertThat(census.failures()).isEqualTo(400);
        assertThat(census.failureRate()).isEqualTo(1.0);
        assertThat(census.kinds()).hasSize(2);
        assertThat(census.kinds().get(0).count() + census.kinds().get(1).count()).isEqualTo(400);
        assertThat(census.message())
                .contains("400 of 400 schedules failed")
                .contains("last writer 1")
                .contains("last writer 2");
        for (Census.Kind k : census.kinds()) {
            SimResult again = sim.rerun(k.first().schedule(), StrategiesTest::lastWriterFails);
            assertThat(again.message()).isEqualTo(k.first().message());
        }

        Census lost = sim.count(PlantedBugs::lostUpdate);
        assertThat(lost.failures()).isBetween(1, 399);
        assertThat(lost.kinds()).hasSize(1);
        assertThat(lost.kinds().get(0).count()).isEqualTo(lost.failures());

        Census bounded =
                Simulation.builder()
                        .strategy(Strategy.BOUNDED)
                        .preemptionBound(1)
                        .schedules(100_000)
                        .build()
                        .count(PlantedBugs::lostUpdate);
        assertThat(bounded.failures()).isPositive().isLessThan(bounded.schedules());
        assertThat(bounded.schedules()).isLessThan(100_000);
    }

    /**
     * Count mode honours the shard, as explore does: n CI jobs together count the schedules of one
     * long count (each also runs schedule 0, the profile). It used to run every schedule in every
     * shard.
     */
    @Test
    void countModeRunsOnlyItsShard() {
        Simulation.Builder b = Simulation.builder().seed(5).schedules(30);
        Census whole = b.build().count(PlantedBugs::lostUpdate);
        int zeroFailed = b.schedules(1).build().count(PlantedBugs::lostUpdate).failures();
        int schedules = 0;
        int failures = 0;
        for (int k = 0; k < 3; k++) {
            Census part = b.schedules(30).shard(k, 3).build().count(PlantedBugs::lostUpdate);
            assertThat(part.schedules()).as("shard %d", k).isEqualTo(k == 0 ? 10 : 11);
            schedules += part.schedules();
            failures += part.failures();
        }
        assertThat(schedules - 2).isEqualTo(whole.schedules()).isEqualTo(30);
        assertThat(failures - 2 * zeroFailed).isEqualTo(whole.failures());
    }
}
