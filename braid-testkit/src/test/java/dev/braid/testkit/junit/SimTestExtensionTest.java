package dev.braid.testkit.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.braid.sync.Mutex;
import dev.braid.sync.MutexGuard;
import dev.braid.testkit.Fault;
import dev.braid.testkit.Sim;
import dev.braid.testkit.Strategy;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.PanicException;
import dev.braid.thread.Threads;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.TestExecutionResultConditions;

/** {@link SimTest} runs a method under many schedules, and a failure's replay string reruns one. */
class SimTestExtensionTest {
    private static final Pattern SCHEDULE =
            Pattern.compile("braid1:[a-z]+:-?\\d+:\\d+:[A-Za-z0-9_-]*:[0-9a-f]{8}");

    static final AtomicInteger RUNS = new AtomicInteger();

    @BeforeEach
    void reset() {
        RUNS.set(0);
    }

    /** Run only through EngineTestKit (a nested class is not picked up by Surefire). */
    static class RacyCounter {
        @SimTest(schedules = 500, seed = 11)
        void lostUpdate() throws InterruptedException {
            RUNS.incrementAndGet();
            AtomicInteger shared = new AtomicInteger();
            Runnable racy =
                    () -> {
                        int v = shared.get();
                        Sim.yieldNow();
                        shared.set(v + 1);
                    };
            JoinHandle<Void> a = Threads.spawn(racy);
            JoinHandle<Void> b = Threads.spawn(racy);
            a.join();
            b.join();
            assertThat(shared.get()).as("counter").isEqualTo(2);
        }
    }

    static class CorrectCounter {
        @SimTest(schedules = 300)
        void atomicIncrements() throws InterruptedException {
            RUNS.incrementAndGet();
            AtomicInteger shared = new AtomicInteger();
            Runnable inc =
                    () -> {
                        Sim.yieldNow();
                        shared.incrementAndGet();
                    };
            JoinHandle<Void> a = Threads.spawn(inc);
            JoinHandle<Void> b = Threads.spawn(inc);
            a.join();
            b.join();
            assertThat(shared.get()).isEqualTo(2);
        }
    }

    /** The schedule the racy counter fails with for seed 11, pinned in the annotation. */
    static class PinnedReplay {
        @SimTest(replay = PINNED)
        void lostUpdate() throws InterruptedException {
            new RacyCounter().lostUpdate();
        }
    }

    static void childPanics() throws InterruptedException {
        RUNS.incrementAndGet();
        JoinHandle<Void> h =
                Threads.spawn(
                        () -> {
                            throw new IllegalStateException("expected");
                        });
        try {
            h.join();
            throw new AssertionError("join did not report the panic");
        } catch (PanicException e) {
            assertThat(e).hasRootCauseMessage("expected");
        }
    }

    /** Expects its child to fail and checks that itself: opts out. */
    static class ExpectedPanic {
        @SimTest(schedules = 20, failOnUncaught = false)
        void childPanicsAndTheTestChecksIt() throws InterruptedException {
            childPanics();
        }
    }

    static class UnexpectedPanic {
        @SimTest(schedules = 20)
        void childPanics() throws InterruptedException {
            SimTestExtensionTest.childPanics();
        }
    }

    static class InterruptedWorker {
        @SimTest(
                schedules = 300,
                seed = 7,
                strategy = Strategy.RANDOM,
                faults = Fault.INTERRUPT,
                faultProbability = 0.5)
        void workerPropagatesAnInterrupt() throws InterruptedException {
            Mutex<Integer> m = Mutex.named("m", 0);
            MutexGuard<Integer> held = m.lock();
            JoinHandle<Void> worker =
                    Threads.builder()
                            .name("worker")
                            .spawn(
                                    () -> {
                                        try (MutexGuard<Integer> g = m.lockInterruptibly()) {
                                            g.set(1);
                                        }
                                        return null;
                                    });
            Sim.yieldNow();
            held.close();
            // the root tolerates injected interrupts, so the one found is the worker's
            while (true) {
                try {
                    worker.join();
                    break;
                } catch (InterruptedException injected) {
                    // wait again
                }
            }
        }
    }

    // Found by RacyCounter (seed 11, third schedule). If braid-core changes the yield points of
    // Threads.spawn/join, rerun failingSimTestReportsAReplayString... and update this string.
    static final String PINNED = "braid1:random:13:7:wQI:fbacda73";

    private static EngineExecutionResults run(Class<?> testClass, String replay) {
        var kit = EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass));
        if (replay != null) {
            kit = kit.configurationParameter(SimTestExtension.REPLAY_PARAMETER, replay);
        }
        return kit.execute();
    }

    private static String failureMessage(EngineExecutionResults results) {
        results.testEvents().assertStatistics(s -> s.started(1).failed(1).succeeded(0));
        Event failed = results.testEvents().failed().list().get(0);
        Throwable t =
                failed.getPayload(org.junit.platform.engine.TestExecutionResult.class)
                        .orElseThrow()
                        .getThrowable()
                        .orElseThrow();
        assertThat(t).isInstanceOf(AssertionError.class);
        return t.getMessage();
    }

    @Test
    void failingSimTestReportsAReplayStringAndHowToRerunIt() {
        String message = failureMessage(run(RacyCounter.class, null));
        assertThat(message)
                .contains("counter")
                .contains("expected: 2")
                .contains("@SimTest(replay = \"braid1:");
        Matcher m = SCHEDULE.matcher(message);
        assertThat(m.find()).as(message).isTrue();
        assertThat(RUNS.get()).isBetween(1, 500);
    }

    @Test
    void replayParameterRerunsExactlyThatSchedule() {
        String message = failureMessage(run(RacyCounter.class, null));
        Matcher m = SCHEDULE.matcher(message);
        assertThat(m.find()).isTrue();
        String schedule = m.group();

        RUNS.set(0);
        String replayed = failureMessage(run(RacyCounter.class, schedule));
        // The replay, then its traced rerun for the failure's diagnosis (last steps, HTML).
        assertThat(RUNS.get()).isEqualTo(2);
        assertThat(replayed).contains("replay: " + schedule).doesNotContain("diverged");
    }

    @Test
    void replayAttributeRerunsThePinnedSchedule() {
        String message = failureMessage(run(PinnedReplay.class, null));
        // The replay, then its traced rerun for the failure's diagnosis (last steps, HTML).
        assertThat(RUNS.get()).isEqualTo(2);
        assertThat(message).contains("expected: 2").contains("replay: " + PINNED);
    }

    @Test
    void failOnUncaughtFalseLetsATestExpectAChildsPanic() {
        run(ExpectedPanic.class, null)
                .testEvents()
                .assertStatistics(s -> s.started(1).succeeded(1));
        assertThat(RUNS.get()).isEqualTo(20);
    }

    @Test
    void aChildsPanicFailsASimTestByDefault() {
        String message = failureMessage(run(UnexpectedPanic.class, null));
        assertThat(message)
                .contains("ended with an uncaught java.lang.IllegalStateException: expected")
                .contains("last steps");
    }

    @Test
    void theFaultsAttributeInjectsAndTheFailureSaysWhich() {
        String message = failureMessage(run(InterruptedWorker.class, null));
        assertThat(message)
                .contains("InterruptedException")
                .contains("fault: interrupt injected into 'worker'")
                .contains("braid1:random-f1:");
    }

    @Test
    void passingSimTestRunsEverySchedule() {
        run(CorrectCounter.class, null)
                .testEvents()
                .assertStatistics(s -> s.started(1).succeeded(1));
        assertThat(RUNS.get()).isEqualTo(300);
    }

    @Test
    void conditionsHelperIsUsable() {
        // Guards the failure extraction above against an engine that reports differently.
        run(RacyCounter.class, null)
                .testEvents()
                .failed()
                .assertThatEvents()
                .haveExactly(
                        1,
                        org.junit.platform.testkit.engine.EventConditions.finishedWithFailure(
                                TestExecutionResultConditions.instanceOf(AssertionError.class)));
    }
}
