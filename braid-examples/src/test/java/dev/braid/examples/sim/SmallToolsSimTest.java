package dev.braid.examples.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.cancel.CancelledException;
import dev.braid.cancel.Deadline;
import dev.braid.sync.Latch;
import dev.braid.sync.Permits;
import dev.braid.sync.Semaphore;
import dev.braid.testkit.Exploration;
import dev.braid.testkit.Sim;
import dev.braid.testkit.SimResult;
import dev.braid.testkit.Simulation;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.PanicException;
import dev.braid.thread.ScopePolicy;
import dev.braid.thread.Threads;
import dev.braid.time.PeriodicTimer;
import dev.braid.time.TimerWheel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Issue 15's small tools under the testkit: Latch, the count-less Semaphore.acquire(),
 * TimerWheel.scheduleAt(Deadline), periodic timers on virtual time, and fail-fast scopes.
 */
class SmallToolsSimTest {
    private final Simulation sim = Simulation.builder().seed(15).schedules(300).build();

    @Test
    void latchLetsWaitersThroughOnlyAfterEveryCountDown() {
        sim.check(
                () -> {
                    Latch latch = Latch.named("ready", 3);
                    AtomicInteger counted = new AtomicInteger();
                    List<JoinHandle<Integer>> waiters = new ArrayList<>();
                    for (int i = 0; i < 2; i++) {
                        waiters.add(
                                Threads.spawn(
                                        () -> {
                                            latch.await();
                                            return counted.get();
                                        }));
                    }
                    for (int i = 0; i < 3; i++) {
                        Threads.spawn(
                                () -> {
                                    counted.incrementAndGet();
                                    latch.countDown();
                                });
                    }
                    for (JoinHandle<Integer> w : waiters) {
                        assertThat(w.join()).as("saw every count-down").isEqualTo(3);
                    }
                });
    }

    @Test
    void aLatchThatNeverOpensIsADeadlockNamingIt() {
        Exploration e =
                sim.explore(
                        () -> {
                            Latch latch = Latch.named("never", 2);
                            Threads.builder().name("counter").spawn(latch::countDown).join();
                            latch.await();
                        });
        SimResult r = e.failure().orElseThrow();
        assertThat(r).isInstanceOf(SimResult.Deadlock.class);
        assertThat(((SimResult.Deadlock) r).waits())
                .anySatisfy(w -> assertThat(w.waitsFor()).contains("Latch(never)"));
    }

    @Test
    void latchTimeoutAndScheduleAtRunOnVirtualTime() {
        long wallStart = System.nanoTime();
        sim.check(
                () -> {
                    long t0 = Sim.nanoTime();
                    assertThat(new Latch(1).await(Duration.ofHours(1))).isFalse();
                    assertThat(Sim.nanoTime() - t0).isGreaterThanOrEqualTo(3_600_000_000_000L);
                    Deadline d = Deadline.after(Duration.ofHours(2));
                    Latch fired = new Latch(1);
                    long[] at = new long[1];
                    TimerWheel.shared()
                            .scheduleAt(
                                    d,
                                    () -> {
                                        at[0] = Sim.nanoTime();
                                        fired.countDown();
                                    });
                    fired.await();
                    assertThat(at[0]).isGreaterThanOrEqualTo(d.nanoTime());
                });
        assertThat(System.nanoTime() - wallStart).isLessThan(Duration.ofSeconds(30).toNanos());
    }

    @Test
    void countLessAcquireNeverAdmitsMoreThanThePermits() {
        sim.check(
                () -> {
                    Semaphore s = Semaphore.named("one", 1, false);
                    AtomicInteger inside = new AtomicInteger();
                    AtomicInteger max = new AtomicInteger();
                    List<JoinHandle<Void>> hs = new ArrayList<>();
                    for (int i = 0; i < 3; i++) {
                        hs.add(
                                Threads.spawn(
                                        () -> {
                                            try (Permits _ = s.acquire()) {
                                                max.accumulateAndGet(
                                                        inside.incrementAndGet(), Math::max);
                                                Sim.yieldNow();
                                                inside.decrementAndGet();
                                            }
                                            return null;
                                        }));
                    }
                    for (JoinHandle<Void> h : hs) {
                        h.join();
                    }
                    assertThat(max.get()).isEqualTo(1);
                    assertThat(s.tryAcquire()).hasValueSatisfying(Permits::close);
                });
    }

    /**
     * Fixed rate, 10 ms, whose first run takes 35 ms of virtual time: the ticks at 10, 20 and 30 ms
     * are skipped (no burst), the next runs at 40 ms, then every 10 ms; cancel stops the series.
     */
    @Test
    void fixedRateSkipsMissedTicksOnVirtualTime() {
        sim.check(
                () -> {
                    long t0 = Sim.nanoTime();
                    List<Long> startsMs = new CopyOnWriteArrayList<>();
                    Latch fourRuns = new Latch(4);
                    PeriodicTimer p =
                            TimerWheel.shared()
                                    .scheduleAtFixedRate(
                                            Duration.ZERO,
                                            Duration.ofMillis(10),
                                            () -> {
                                                startsMs.add((Sim.nanoTime() - t0) / 1_000_000);
                                                if (startsMs.size() == 1) {
                                                    sleep(Duration.ofMillis(35));
                                                }
                                                fourRuns.countDown();
                                            });
                    fourRuns.await();
                    p.cancel();
                    assertThat(startsMs.subList(0, 4)).containsExactly(0L, 40L, 50L, 60L);
                    assertThat(p.missedTicks()).isEqualTo(3);
                    int runs = startsMs.size();
                    Threads.sleep(Duration.ofMillis(100));
                    assertThat(startsMs).as("nothing runs after cancel").hasSize(runs);
                });
    }

    @Test
    void fixedDelayCountsFromTheEndOfEachRun() {
        sim.check(
                () -> {
                    long t0 = Sim.nanoTime();
                    List<Long> startsMs = new CopyOnWriteArrayList<>();
                    Latch threeRuns = new Latch(3);
                    PeriodicTimer p =
                            TimerWheel.shared()
                                    .scheduleWithFixedDelay(
                                            Duration.ofMillis(5),
                                            Duration.ofMillis(10),
                                            () -> {
                                                startsMs.add((Sim.nanoTime() - t0) / 1_000_000);
                                                sleep(Duration.ofMillis(5));
                                                threeRuns.countDown();
                                            });
                    threeRuns.await();
                    p.cancel();
                    assertThat(startsMs.subList(0, 3)).containsExactly(5L, 20L, 35L);
                });
    }

    /** In every interleaving the failing child stops its sleeping sibling at once. */
    @Test
    void aFailFastScopeStopsTheSiblingInEveryInterleaving() {
        // the child's failure is expected (the scope rethrows it), so it must not fail the run
        Simulation.builder()
                .seed(15)
                .schedules(300)
                .failOnUncaught(false)
                .build()
                .check(
                        () -> {
                            long t0 = Sim.nanoTime();
                            AtomicReference<JoinHandle<Void>> sleeper = new AtomicReference<>();
                            Throwable thrown = null;
                            try {
                                Threads.scope(
                                        ScopePolicy.FAIL_FAST,
                                        s -> {
                                            sleeper.set(
                                                    s.spawn(
                                                            () -> {
                                                                Threads.sleep(Duration.ofHours(1));
                                                                return null;
                                                            }));
                                            s.spawn(
                                                    () -> {
                                                        throw new IllegalStateException("boom");
                                                    });
                                        });
                            } catch (PanicException e) {
                                thrown = e;
                            }
                            assertThat(thrown).hasRootCauseMessage("boom");
                            assertThat(Sim.nanoTime() - t0)
                                    .isLessThan(Duration.ofHours(1).toNanos());
                            try {
                                sleeper.get().join();
                                throw new AssertionError("the sibling was not stopped");
                            } catch (CancelledException expected) {
                                // stopped by the scope, not a panic
                            }
                        });
    }

    private static void sleep(Duration d) {
        try {
            Threads.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
