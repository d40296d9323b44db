package dev.braid.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.testkit.NoLiveThreads;
import dev.braid.testkit.SimBody;
import dev.braid.testkit.SimResult;
import dev.braid.testkit.Simulation;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The watchdog on a loaded machine (ADR 0177), played without sleeping: the controller's sample
 * clock ({@code Engine.sampleClock}) jumps two seconds at every sample, as when the machine leaves
 * the controller unscheduled between its polls. A holder that waits outside braid, or computes, for
 * a few such samples and then goes on is not reported (the old wall-time rule reported both); a
 * holder that never comes back still is, on a late sampler too, and a real spin on an honest one.
 */
class WatchdogLoadTest {
    private static final long LATE = TimeUnit.SECONDS.toNanos(2);

    @AfterEach
    void restoreTheClockAndCheckNoThreadIsLeft() {
        Engine.sampleClock = System::nanoTime;
        NoLiveThreads.check();
    }

    /**
     * Runs {@code body} once with the default watchdog (1 s) while the caller's samples come back
     * {@link #LATE}; {@code samples} counts them down, so a helper can act after some samples.
     */
    private static SimResult withLateSampler(CountDownLatch samples, SimBody body) {
        Thread controller = Thread.currentThread();
        AtomicLong skew = new AtomicLong();
        LongSupplier late =
                () -> {
                    if (Thread.currentThread() != controller) {
                        return System.nanoTime();
                    }
                    samples.countDown();
                    return System.nanoTime() + skew.addAndGet(LATE);
                };
        Engine.sampleClock = late;
        try {
            return Simulation.builder().build().runOnce(1, body);
        } finally {
            Engine.sampleClock = System::nanoTime;
        }
    }

    /** Lets a helper still waiting for samples go (the run ended before it acted), and joins it. */
    private static void finish(CountDownLatch samples, Thread helper) throws InterruptedException {
        while (samples.getCount() > 0) {
            samples.countDown();
        }
        helper.join();
    }

    /** A platform thread (not simulated) that runs {@code then} once {@code samples} reached 0. */
    private static Thread after(CountDownLatch samples, Runnable then) {
        return Thread.ofPlatform()
                .daemon()
                .name("load-helper")
                .start(
                        () -> {
                            try {
                                samples.await();
                            } catch (InterruptedException e) {
                                return;
                            }
                            then.run();
                        });
    }

    @Test
    void aBriefWaitOutsideBraidThroughLateSamplesIsNotReported() throws Exception {
        CountDownLatch samples = new CountDownLatch(8); // 16 s of wall time by the clock
        CountDownLatch release = new CountDownLatch(1);
        Thread helper = after(samples, release::countDown);
        SimResult r = withLateSampler(samples, () -> release.await()); // WAITING, no step
        finish(samples, helper);
        assertThat(r).as(r.message()).isInstanceOf(SimResult.Passed.class);
    }

    @Test
    void aHolderComputingThroughLateSamplesIsNotARunaway() throws Exception {
        CountDownLatch samples = new CountDownLatch(12); // 24 s: the old rule's limit was 10 s
        AtomicBoolean go = new AtomicBoolean();
        Thread helper = after(samples, () -> go.set(true));
        SimResult r =
                withLateSampler(
                        samples,
                        () -> {
                            while (!go.get() && !Thread.currentThread().isInterrupted()) {
                                Thread.onSpinWait(); // RUNNABLE, no step; a report interrupts
                            }
                        });
        finish(samples, helper);
        assertThat(r).as(r.message()).isInstanceOf(SimResult.Passed.class);
    }

    @Test
    void aWaitThatNeverEndsIsStillReportedThroughLateSamples() {
        CountDownLatch never = new CountDownLatch(1);
        SimResult r =
                withLateSampler(new CountDownLatch(0), never::await); // the report interrupts it
        assertThat(r)
                .isInstanceOfSatisfying(
                        SimResult.UncontrolledBlocking.class,
                        u -> {
                            assertThat(u.threadState()).isEqualTo(Thread.State.WAITING);
                            assertThat(u.stack())
                                    .anySatisfy(
                                            f ->
                                                    assertThat(f.getClassName())
                                                            .contains("CountDownLatch"));
                        });
    }

    @Test
    void aRealSpinWithoutYieldPointsIsReportedAsRunnable() {
        SimResult r =
                Simulation.builder()
                        .watchdog(Duration.ofMillis(20))
                        .build()
                        .runOnce(
                                1,
                                () -> {
                                    while (!Thread.currentThread().isInterrupted()) {
                                        Thread.onSpinWait(); // the report interrupts it
                                    }
                                });
        assertThat(r)
                .isInstanceOfSatisfying(
                        SimResult.UncontrolledBlocking.class,
                        u -> assertThat(u.threadState()).isEqualTo(Thread.State.RUNNABLE));
        assertThat(r.message()).contains("stopped reaching braid yield points");
    }
}
