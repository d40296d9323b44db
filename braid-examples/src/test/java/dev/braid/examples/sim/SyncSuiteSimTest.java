package dev.braid.examples.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.rc.Arc;
import dev.braid.rc.Release;
import dev.braid.sync.Barrier;
import dev.braid.sync.BarrierWait;
import dev.braid.sync.OnceCell;
import dev.braid.sync.Permits;
import dev.braid.sync.Semaphore;
import dev.braid.testkit.Exploration;
import dev.braid.testkit.Sim;
import dev.braid.testkit.SimResult;
import dev.braid.testkit.Simulation;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Semaphore, OnceCell, Barrier and Arc under the testkit: blocking is a scheduler wait, waits
 * appear in the deadlock wait-for graph (with holders), and timed waits run on virtual time.
 */
class SyncSuiteSimTest {
    private final Simulation sim = Simulation.builder().seed(7).schedules(500).build();

    private static <T> List<T> joinAll(List<JoinHandle<T>> hs) throws InterruptedException {
        List<T> out = new ArrayList<>();
        for (JoinHandle<T> h : hs) {
            out.add(h.join());
        }
        return out;
    }

    @Test
    void semaphoreNeverAdmitsMoreThanItsPermits() {
        sim.check(
                () -> {
                    Semaphore s = Semaphore.named("pool", 2, true);
                    AtomicInteger inside = new AtomicInteger();
                    AtomicInteger max = new AtomicInteger();
                    List<JoinHandle<Void>> hs = new ArrayList<>();
                    for (int i = 0; i < 3; i++) {
                        hs.add(
                                Threads.spawn(
                                        () -> {
                                            try (Permits _ = s.acquire(1)) {
                                                max.accumulateAndGet(
                                                        inside.incrementAndGet(), Math::max);
                                                Sim.yieldNow();
                                                inside.decrementAndGet();
                                            }
                                            return null;
                                        }));
                    }
                    joinAll(hs);
                    assertThat(max.get()).isLessThanOrEqualTo(2);
                    assertThat(s.availablePermits()).isEqualTo(2);
                });
    }

    @Test
    void semaphoreDeadlockNamesTheHolders() {
        Exploration e = sim.explore(SyncSuiteSimTest::abba);
        SimResult r = e.failure().orElseThrow();
        assertThat(r).isInstanceOf(SimResult.Deadlock.class);
        SimResult.Deadlock d = (SimResult.Deadlock) r;
        assertThat(d.waits())
                .contains(
                        new SimResult.Wait("T1", "Semaphore(b)", List.of("T2")),
                        new SimResult.Wait("T2", "Semaphore(a)", List.of("T1")));
        assertThat(d.cycle()).contains("Semaphore(a)").contains("Semaphore(b)");
        assertThat(sim.rerun(r.schedule(), SyncSuiteSimTest::abba))
                .as("the replay finds the same deadlock")
                .isInstanceOf(SimResult.Deadlock.class)
                .extracting(SimResult::steps)
                .isEqualTo(r.steps());
    }

    private static void abba() throws InterruptedException {
        Semaphore a = Semaphore.named("a", 1, false);
        Semaphore b = Semaphore.named("b", 1, false);
        JoinHandle<Void> t1 =
                Threads.builder()
                        .name("T1")
                        .spawn(
                                () -> {
                                    try (Permits _ = a.acquire(1);
                                            Permits _ = b.acquire(1)) {
                                        return null;
                                    }
                                });
        JoinHandle<Void> t2 =
                Threads.builder()
                        .name("T2")
                        .spawn(
                                () -> {
                                    try (Permits _ = b.acquire(1);
                                            Permits _ = a.acquire(1)) {
                                        return null;
                                    }
                                });
        t1.join();
        t2.join();
    }

    @Test
    void timedWaitsRunOnVirtualTime() {
        long wallStart = System.nanoTime();
        sim.check(
                () -> {
                    long t0 = Sim.nanoTime();
                    Semaphore s = Semaphore.named("none", 0, false);
                    assertThat(s.tryAcquire(1, Duration.ofHours(1))).isEmpty();
                    Barrier b = Barrier.named("alone", 2);
                    assertThat(b.await(Duration.ofHours(1)))
                            .isInstanceOf(BarrierWait.TimedOut.class);
                    assertThat(Sim.nanoTime() - t0)
                            .isGreaterThanOrEqualTo(Duration.ofHours(2).toNanos());
                });
        assertThat(System.nanoTime() - wallStart)
                .as("500 schedules with two one-hour timeouts each")
                .isLessThan(Duration.ofSeconds(30).toNanos());
    }

    @Test
    void onceCellInitializesOnceInEverySchedule() {
        sim.check(
                () -> {
                    OnceCell<String> cell = OnceCell.named("cfg");
                    AtomicInteger runs = new AtomicInteger();
                    List<JoinHandle<String>> hs = new ArrayList<>();
                    for (int i = 0; i < 3; i++) {
                        hs.add(
                                Threads.spawn(
                                        () ->
                                                cell.getOrInit(
                                                        () -> {
                                                            Sim.yieldNow();
                                                            return "v" + runs.incrementAndGet();
                                                        })));
                    }
                    assertThat(joinAll(hs)).containsOnly("v1");
                    assertThat(runs).hasValue(1);
                });
    }

    @Test
    void anInitializerWaitingForAnotherThreadThatNeedsTheCellIsAReportedDeadlock() {
        Exploration e =
                sim.explore(
                        () -> {
                            OnceCell<String> cell = OnceCell.named("cfg");
                            cell.getOrInit(
                                    () -> {
                                        try {
                                            return Threads.builder()
                                                    .name("helper")
                                                    .spawn(() -> cell.getOrInit(() -> "inner"))
                                                    .join();
                                        } catch (InterruptedException ex) {
                                            throw new IllegalStateException(ex);
                                        }
                                    });
                        });
        SimResult.Deadlock d = (SimResult.Deadlock) e.failure().orElseThrow();
        assertThat(d.waits())
                .contains(new SimResult.Wait("helper", "OnceCell(cfg)", List.of("main")));
        assertThat(d.cycle()).isEqualTo("main -> join(helper) -> helper -> OnceCell(cfg) -> main");
    }

    @Test
    void barrierPassesEveryGenerationInEverySchedule() {
        sim.check(
                () -> {
                    AtomicInteger trips = new AtomicInteger();
                    Barrier b = Barrier.withAction("step", 3, trips::incrementAndGet);
                    List<JoinHandle<Integer>> hs = new ArrayList<>();
                    for (int i = 0; i < 3; i++) {
                        hs.add(
                                Threads.spawn(
                                        () -> {
                                            int leaders = 0;
                                            for (int g = 0; g < 2; g++) {
                                                if (b.await() instanceof BarrierWait.Passed p
                                                        && p.leader()) {
                                                    leaders++;
                                                }
                                            }
                                            return leaders;
                                        }));
                    }
                    assertThat(joinAll(hs).stream().mapToInt(Integer::intValue).sum()).isEqualTo(2);
                    assertThat(trips).hasValue(2);
                });
    }

    @Test
    void arcClosesExactlyOnceInEverySchedule() {
        sim.check(
                () -> {
                    AtomicInteger closes = new AtomicInteger();
                    Arc<AutoCloseable> first = Arc.of(closes::incrementAndGet);
                    List<JoinHandle<Release>> hs = new ArrayList<>();
                    for (int i = 0; i < 2; i++) {
                        Arc<AutoCloseable> s = first.share();
                        hs.add(Threads.spawn(s::release));
                    }
                    Release mine = first.release();
                    List<Release> all = new ArrayList<>(joinAll(hs));
                    all.add(mine);
                    assertThat(all).containsOnlyOnce(Release.CLOSED);
                    assertThat(closes).hasValue(1);
                });
    }
}
