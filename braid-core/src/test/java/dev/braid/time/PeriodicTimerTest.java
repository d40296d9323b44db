package dev.braid.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.cancel.Deadline;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Periodic timers and scheduleAt(Deadline) on a real wheel (issue 15 point 6). */
class PeriodicTimerTest {
    private final TimerWheel wheel = TimerWheel.create("periodic-test", Duration.ofMillis(1), 64);

    @AfterEach
    void close() {
        wheel.close();
    }

    @Test
    void fixedRateRunsUntilCancelledAndThenNeverAgain() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch five = new CountDownLatch(5);
        PeriodicTimer p =
                wheel.scheduleAtFixedRate(
                        Duration.ZERO,
                        Duration.ofMillis(5),
                        () -> {
                            runs.incrementAndGet();
                            five.countDown();
                        });
        assertThat(five.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.cancel()).isTrue();
        assertThat(p.cancel()).isFalse();
        int atCancel = runs.get();
        Thread.sleep(40);
        assertThat(runs.get()).as("at most a run already begun").isLessThanOrEqualTo(atCancel + 1);
        assertThat(p.isCancelled()).isTrue();
        assertThat(p.toString()).contains("cancelled");
        assertThat(wheel.pending()).isZero();
    }

    @Test
    void fixedRateSkipsTicksMissedByASlowRunInsteadOfBursting() throws Exception {
        List<Long> starts = new CopyOnWriteArrayList<>();
        CountDownLatch four = new CountDownLatch(4);
        PeriodicTimer p =
                wheel.scheduleAtFixedRate(
                        Duration.ZERO,
                        Duration.ofMillis(10),
                        () -> {
                            starts.add(System.nanoTime());
                            if (starts.size() == 1) {
                                sleepQuietly(45); // misses the ticks at 10, 20, 30 and 40 ms
                            }
                            four.countDown();
                        });
        assertThat(four.await(30, TimeUnit.SECONDS)).isTrue();
        p.cancel();
        // The ticks at 10..40 ms had all passed when the 45 ms run ended: skipped, not run in a
        // burst (on real time only this bound is safe; SmallToolsSimTest checks the exact grid).
        assertThat(p.missedTicks()).isGreaterThanOrEqualTo(4);
        assertThat(p.runs()).isGreaterThanOrEqualTo(3); // the 4th counts once its task returned
    }

    @Test
    void fixedDelayWaitsAfterEachRun() throws Exception {
        List<Long> starts = new CopyOnWriteArrayList<>();
        CountDownLatch three = new CountDownLatch(3);
        PeriodicTimer p =
                wheel.scheduleWithFixedDelay(
                        Duration.ofMillis(1),
                        Duration.ofMillis(10),
                        () -> {
                            starts.add(System.nanoTime());
                            sleepQuietly(10);
                            three.countDown();
                        });
        assertThat(three.await(30, TimeUnit.SECONDS)).isTrue();
        p.cancel();
        assertThat(p.missedTicks()).isZero();
        for (int i = 1; i < 3; i++) {
            assertThat((starts.get(i) - starts.get(i - 1)) / 1_000_000).isGreaterThanOrEqualTo(19);
        }
    }

    @Test
    void aThrowingRunEndsTheSeries() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        PeriodicTimer p =
                wheel.scheduleAtFixedRate(
                        Duration.ZERO,
                        Duration.ofMillis(2),
                        () -> {
                            runs.incrementAndGet();
                            throw new IllegalStateException("planted");
                        });
        long until = System.nanoTime() + 30_000_000_000L;
        while (!p.isFailed() && System.nanoTime() < until) {
            Thread.sleep(1);
        }
        Thread.sleep(20);
        assertThat(p.isFailed()).isTrue();
        assertThat(runs).hasValue(1);
        assertThat(p.cancel()).isFalse();
    }

    @Test
    void periodMustBePositive() {
        assertThatThrownBy(() -> wheel.scheduleAtFixedRate(Duration.ZERO, Duration.ZERO, () -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("period");
        assertThatThrownBy(
                        () ->
                                wheel.scheduleWithFixedDelay(
                                        Duration.ZERO, Duration.ofMillis(-1), () -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("delay");
        assertThat(wheel.pending()).isZero();
    }

    @Test
    void scheduleAtADeadlineRunsNoEarlierThanIt() throws Exception {
        Deadline d = Deadline.after(Duration.ofMillis(20));
        CountDownLatch ran = new CountDownLatch(1);
        long[] at = new long[1];
        Timeout t =
                wheel.scheduleAt(
                        d,
                        () -> {
                            at[0] = System.nanoTime();
                            ran.countDown();
                        });
        assertThat(t.deadlineNanos()).isEqualTo(d.nanoTime());
        assertThat(ran.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(at[0] - d.nanoTime()).isGreaterThanOrEqualTo(0);
        assertThatThrownBy(() -> wheel.scheduleAt(Deadline.never(), () -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("never");
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
