package dev.braid.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.internal.rt.Rt;
import dev.braid.internal.rt.ThreadSpec;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The engine's basic semantics, through braid's public API and the {@link Sim} helpers. */
class SeamEngineTest {
    private final Simulation sim = Simulation.builder().schedules(50).build();

    @AfterEach
    void noSimulatedThreadOutlivesItsRun() {
        NoLiveThreads.check();
    }

    @Test
    void passingBodyPasses() {
        SimResult r = sim.runOnce(1, () -> {});
        assertThat(r).isInstanceOf(SimResult.Passed.class);
        assertThat(r.schedule()).startsWith("braid1:random:1:0::");
    }

    @Test
    void rootThrowableFailsTheRunWithThatCause() {
        IllegalStateException boom = new IllegalStateException("boom");
        SimResult r =
                sim.runOnce(
                        1,
                        () -> {
                            throw boom;
                        });
        assertThat(r)
                .isInstanceOfSatisfying(
                        SimResult.Failed.class, f -> assertThat(f.cause()).isSameAs(boom));
        assertThat(r.message()).contains("boom").contains("replay: braid1:random:1:");
    }

    @Test
    void childPanicFailsTheRunByDefaultAndReachesTheJoinerWithTheOptOut() {
        AtomicReference<Throwable> joined = new AtomicReference<>();
        SimBody body =
                () -> {
                    JoinHandle<Void> h =
                            Threads.spawn(
                                    () -> {
                                        throw new IllegalStateException("child");
                                    });
                    try {
                        h.join();
                    } catch (RuntimeException e) {
                        joined.set(e);
                    }
                };
        SimResult strict = sim.runOnce(1, body);
        assertThat(strict).isInstanceOf(SimResult.ThreadFailed.class);
        assertThat(strict.message()).contains("uncaught java.lang.IllegalStateException: child");
        Simulation.builder().failOnUncaught(false).build().check(body);
        assertThat(joined.get()).hasRootCauseMessage("child");
    }

    @Test
    void threadsGetSpawnOrderIdsAndDeterministicNames() {
        List<String> seen = new ArrayList<>();
        sim.check(
                () -> {
                    seen.clear();
                    seen.add(Thread.currentThread().getName() + "=" + Sim.threadId());
                    List<JoinHandle<String>> hs = new ArrayList<>();
                    for (int i = 0; i < 3; i++) {
                        hs.add(
                                Threads.spawn(
                                        () -> {
                                            return Thread.currentThread().getName()
                                                    + "="
                                                    + Sim.threadId();
                                        }));
                    }
                    for (JoinHandle<String> h : hs) {
                        seen.add(h.join());
                    }
                });
        assertThat(seen).hasSize(4);
        assertThat(seen.get(0)).isEqualTo("main=0");
        assertThat(seen.subList(1, 4)).allSatisfy(s -> assertThat(s).matches(".*=[123]"));
        assertThat(seen.stream().map(s -> s.substring(s.indexOf('=')))).doesNotHaveDuplicates();
    }

    @Test
    void oneHourSleepTakesNoWallTime() {
        AtomicLong slept = new AtomicLong();
        long start = System.nanoTime();
        SimResult r =
                sim.runOnce(
                        3,
                        () -> {
                            long t0 = Sim.nanoTime();
                            Threads.sleep(Duration.ofHours(1));
                            slept.set(Sim.nanoTime() - t0);
                        });
        long wall = System.nanoTime() - start;
        assertThat(r).isInstanceOf(SimResult.Passed.class);
        assertThat(slept.get()).isEqualTo(Duration.ofHours(1).toNanos());
        // an hour of virtual sleep in well under a minute of wall time (a bound a loaded machine
        // cannot reach, and a real sleep cannot meet)
        assertThat(wall).isLessThan(Duration.ofMinutes(1).toNanos());
    }

    @Test
    void theWallClockIsVirtualAndMovesWithTheVirtualClock() {
        AtomicLong before = new AtomicLong();
        AtomicLong after = new AtomicLong();
        SimResult r =
                sim.runOnce(
                        3,
                        () -> {
                            before.set(Sim.currentTimeMillis());
                            Threads.sleep(Duration.ofHours(1));
                            after.set(Sim.currentTimeMillis());
                        });
        assertThat(r).isInstanceOf(SimResult.Passed.class);
        assertThat(before.get()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());
        assertThat(after.get() - before.get()).isEqualTo(Duration.ofHours(1).toMillis());
    }

    @Test
    void timedWaitsWakeInDeadlineOrderAtTheirVirtualTimes() {
        List<String> wakes = new ArrayList<>();
        sim.check(
                () -> {
                    wakes.clear();
                    long t0 = Sim.nanoTime();
                    JoinHandle<Void> late =
                            Threads.spawn(
                                    () -> {
                                        Threads.sleep(Duration.ofMillis(300));
                                        wakes.add("late@" + (Sim.nanoTime() - t0) / 1_000_000);
                                        return null;
                                    });
                    JoinHandle<Void> early =
                            Threads.spawn(
                                    () -> {
                                        Threads.sleep(Duration.ofMillis(100));
                                        wakes.add("early@" + (Sim.nanoTime() - t0) / 1_000_000);
                                        return null;
                                    });
                    late.join();
                    early.join();
                });
        assertThat(wakes).containsExactly("early@100", "late@300");
    }

    @Test
    void timedJoinTimesOutAtTheVirtualDeadline() {
        AtomicLong waited = new AtomicLong();
        AtomicBoolean finished = new AtomicBoolean(true);
        sim.check(
                () -> {
                    JoinHandle<Void> slow =
                            Threads.spawn(
                                    () -> {
                                        Threads.sleep(Duration.ofMinutes(10));
                                        return null;
                                    });
                    long t0 = Sim.nanoTime();
                    finished.set(slow.join(Duration.ofSeconds(5)).isFinished());
                    waited.set(Sim.nanoTime() - t0);
                    slow.join();
                });
        assertThat(finished.get()).isFalse();
        assertThat(waited.get()).isEqualTo(Duration.ofSeconds(5).toNanos());
    }

    @Test
    void interruptWakesASleeperWithInterruptedStatus() {
        AtomicInteger interrupted = new AtomicInteger();
        sim.check(
                () -> {
                    long t0 = Sim.nanoTime();
                    JoinHandle<Void> sleeper =
                            Threads.spawn(
                                    () -> {
                                        try {
                                            Threads.sleep(Duration.ofDays(1));
                                        } catch (InterruptedException e) {
                                            if (Sim.nanoTime() - t0 == 1_000_000_000L) {
                                                interrupted.incrementAndGet();
                                            }
                                        }
                                        return null;
                                    });
                    Threads.sleep(Duration.ofSeconds(1));
                    sleeper.thread().interrupt();
                    sleeper.join();
                });
        assertThat(interrupted.get()).isEqualTo(50);
    }

    @Test
    void seededRandomIsTheSameForTheSameSeed() {
        AtomicLong a = new AtomicLong();
        AtomicLong b = new AtomicLong();
        sim.runOnce(9, () -> a.set(Sim.nextLong()));
        sim.runOnce(9, () -> b.set(Sim.nextLong()));
        assertThat(a.get()).isEqualTo(b.get());
        sim.runOnce(10, () -> b.set(Sim.nextLong()));
        assertThat(a.get()).isNotEqualTo(b.get());
    }

    @Test
    void spinLoopIsReportedAsLivelockWithTheSpinnersStack() {
        Simulation bounded = Simulation.builder().maxSteps(1_000).build();
        AtomicBoolean flag = new AtomicBoolean();
        SimResult r =
                bounded.runOnce(
                        1,
                        () -> {
                            while (!flag.get()) {
                                Sim.yieldNow();
                            }
                        });
        assertThat(r)
                .isInstanceOfSatisfying(
                        SimResult.Livelock.class,
                        l -> {
                            assertThat(l.thread()).isEqualTo("main");
                            assertThat(l.stack().get(0).getClassName())
                                    .isEqualTo(Sim.class.getName());
                            assertThat(l.stack())
                                    .anySatisfy(
                                            e ->
                                                    assertThat(e.getClassName())
                                                            .startsWith(
                                                                    SeamEngineTest.class
                                                                            .getName()));
                        });
        assertThat(r.message()).contains("did not finish within 1001 steps");
    }

    @Test
    void parkFollowsPermitSemanticsThroughTheSeam() {
        List<String> events = new ArrayList<>();
        sim.check(
                () -> {
                    events.clear();
                    Thread self = Thread.currentThread();
                    Rt.unpark(self); // permit first: the next park returns at once
                    Rt.park("never-blocks");
                    events.add("returned");
                    AtomicBoolean flag = new AtomicBoolean();
                    Thread child =
                            Rt.spawn(
                                    new ThreadSpec("child", true, true, 0),
                                    () -> {
                                        flag.set(true);
                                        Rt.unpark(self);
                                    });
                    while (!flag.get()) {
                        Rt.park("flag");
                    }
                    events.add("woken by " + child.getName());
                });
        assertThat(events).containsExactly("returned", "woken by child");
    }

    @Test
    void seamInterruptWakesAParkedThreadWithItsStatusSet() {
        AtomicInteger sawInterrupt = new AtomicInteger();
        sim.check(
                () -> {
                    AtomicBoolean parked = new AtomicBoolean();
                    AtomicBoolean done = new AtomicBoolean();
                    Thread child =
                            Rt.spawn(
                                    new ThreadSpec("child", true, true, 0),
                                    () -> {
                                        parked.set(true);
                                        Rt.park("until-interrupted");
                                        if (Thread.interrupted()) {
                                            sawInterrupt.incrementAndGet();
                                        }
                                        done.set(true);
                                    });
                    while (!parked.get()) {
                        Sim.yieldNow();
                    }
                    Rt.interrupt(child);
                    while (!done.get()) {
                        Sim.yieldNow();
                    }
                });
        assertThat(sawInterrupt.get()).isEqualTo(50);
    }
}
