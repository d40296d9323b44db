package dev.braid.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.sync.Latch;
import dev.braid.time.TimerWheel;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A driven timer wheel made on a simulated thread serves real threads after the simulation. The
 * shared wheel is made wherever {@code TimerWheel.shared()} is first called, which in a test JVM is
 * often inside a simulation whose virtual clock has run hours ahead; its origin once came from that
 * clock, so on a machine up for less than the virtual time every real timer waited for ever (a
 * {@code blockOn(Async.sleep(10 ms))} hung for 300 s in the examples' test JVM on a fresh machine).
 */
class RealTimerAfterSimulationTest {
    @Test
    void aDrivenWheelMadeUnderVirtualTimeFiresRealTimersOnTime() throws Exception {
        AtomicReference<TimerWheel> made = new AtomicReference<>();
        Simulation.builder()
                .seed(1)
                .schedules(1)
                .progress(false)
                .build()
                .check(
                        () -> {
                            // Twenty virtual years: far beyond any machine's uptime, so the real
                            // clock reads earlier than the virtual one whatever machine runs this.
                            assertThat(new Latch(1).await(Duration.ofDays(20 * 365))).isFalse();
                            if (made.get() == null) {
                                made.set(
                                        TimerWheel.create(
                                                "made-in-a-simulation", Duration.ofMillis(1), 16));
                            }
                        });
        try (TimerWheel wheel = made.get()) {
            CountDownLatch fired = new CountDownLatch(1);
            wheel.schedule(Duration.ofMillis(5), fired::countDown);
            assertThat(fired.await(30, TimeUnit.SECONDS))
                    .as("a 5 ms timer on a wheel made under virtual time fired within 30 s")
                    .isTrue();
        }
    }
}
