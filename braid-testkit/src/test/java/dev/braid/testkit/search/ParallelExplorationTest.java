package dev.braid.testkit.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.testkit.Exploration;
import dev.braid.testkit.NoLiveThreads;
import dev.braid.testkit.SimBody;
import dev.braid.testkit.Simulation;
import dev.braid.testkit.Strategy;
import dev.braid.testkit.internal.Engine;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Parallel and sharded explorations report what a sequential one reports. */
class ParallelExplorationTest {
    private static final SimBody RARE = () -> PlantedBugs.ringOfFlags(3);

    @AfterEach
    void noSimulatedThreadOutlivesItsRun() {
        NoLiveThreads.check();
    }

    private static Simulation.Builder base(long seed) {
        return Simulation.builder()
                .strategy(Strategy.RANDOM)
                .seed(seed)
                .schedules(20_000)
                .shrink(false)
                .progress(false);
    }

    @Test
    void sameFirstFailingScheduleAsSequential() {
        for (long seed = 1; seed <= 4; seed++) {
            Exploration sequential = base(seed).parallelism(1).build().explore(RARE);
            assertThat(sequential.failure()).as("seed %d", seed).isPresent();
            for (int workers : new int[] {2, 4}) {
                Exploration parallel = base(seed).parallelism(workers).build().explore(RARE);
                assertThat(parallel.schedulesRun())
                        .as("seed %d, %d workers", seed, workers)
                        .isEqualTo(sequential.schedulesRun());
                assertThat(parallel.failure().orElseThrow().schedule())
                        .isEqualTo(sequential.failure().orElseThrow().schedule());
            }
        }
    }

    @Test
    void passingParallelExplorationRunsEverySchedule() {
        Exploration e =
                base(9).schedules(3_000).parallelism(3).build().explore(PlantedBugs::atomicCounter);
        assertThat(e.passed()).as(e.message()).isTrue();
        assertThat(e.schedulesRun()).isEqualTo(3_000);
    }

    @Test
    void theShardHoldingTheFirstFailureFindsTheSameSchedule() {
        Exploration sequential = base(2).build().explore(RARE);
        int index = sequential.schedulesRun() - 1; // 0-based
        assertThat(index).isPositive();
        int shards = 3;
        Exploration mine = base(2).shard(index % shards, shards).build().explore(RARE);
        assertThat(mine.failure().orElseThrow().schedule())
                .isEqualTo(sequential.failure().orElseThrow().schedule());
        // the shard ran schedule 0 and its own indexes up to the failure, and no other
        int expected = 1;
        for (int i = 1; i <= index; i++) {
            expected += i % shards == index % shards ? 1 : 0;
        }
        assertThat(mine.schedulesRun()).isEqualTo(expected);
    }

    /**
     * The carrier a virtual thread is mounted on, from its {@code toString} ("...@carrier"); a
     * carrier's compensation helper (a pinned park, or a carrier the OS descheduled long under
     * load, ADR 0063) counts as that carrier.
     */
    private static String carrier() {
        String s = Thread.currentThread().toString();
        String c = s.substring(s.lastIndexOf('@') + 1);
        return c.endsWith("-helper") ? c.substring(0, c.length() - "-helper".length()) : c;
    }

    @Test
    void eachEngineRunsItsSimulatedThreadsOnACarrierOfItsOwn() {
        // ADR 0063: the testkit's surefire run opens java.base/java.lang, so carriers are on
        Set<String> carriers = ConcurrentHashMap.newKeySet();
        SimBody body =
                () -> {
                    carriers.add(carrier());
                    PlantedBugs.atomicCounter();
                    carriers.add(carrier());
                };
        // schedule 0 (the profiling run) runs on the caller's carrier; the others on the workers,
        // each its own carrier (ADR 0068: one engine, one thread)
        String caller = "braid-carrier-" + Thread.currentThread().getName();
        String worker = "braid-explore-";
        assertThat(base(3).schedules(50).build().explore(body).passed()).isTrue();
        assertThat(carriers).containsExactlyInAnyOrder(caller, worker + 0);
        carriers.clear();
        assertThat(base(3).schedules(2_000).parallelism(2).build().explore(body).passed()).isTrue();
        assertThat(carriers)
                .isSubsetOf(caller, worker + 0, worker + 1)
                .containsAnyOf(worker + 0, worker + 1);
    }

    @Test
    void theSharedPoolAndOwnCarriersFindTheSameSchedule() {
        Exploration own = base(5).build().explore(RARE);
        Exploration shared;
        System.setProperty("braid.testkit.carrier", "shared");
        try {
            shared = base(5).build().explore(RARE);
        } finally {
            System.clearProperty("braid.testkit.carrier");
        }
        assertThat(shared.schedulesRun()).isEqualTo(own.schedulesRun());
        assertThat(shared.failure().orElseThrow().schedule())
                .isEqualTo(own.failure().orElseThrow().schedule());
    }

    @Test
    void liveThreadsCountsTheThreadsOfRunsInFlightOnEveryCarrier() {
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        SimBody body =
                () -> {
                    // the child looks while the root waits for it: both are alive
                    JoinHandle<Boolean> child = Threads.spawn(() -> seen.add(Engine.liveThreads()));
                    child.join();
                };
        for (String carrier : new String[] {"own", "shared"}) {
            seen.clear();
            System.setProperty("braid.testkit.carrier", carrier);
            try {
                assertThat(base(4).schedules(200).parallelism(2).build().explore(body).passed())
                        .isTrue();
            } finally {
                System.clearProperty("braid.testkit.carrier");
            }
            // a run's own two at least (other engines' threads add to it)
            assertThat(seen)
                    .as(carrier)
                    .isNotEmpty()
                    .allSatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(2));
            // and back to zero once they ended: explore's teardown waits a bounded time, so a
            // thread descheduled past it ends just after explore returned (waited for here)
            NoLiveThreads.check();
        }
    }
}
