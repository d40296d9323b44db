package dev.braid.testkit.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.testkit.Exploration;
import dev.braid.testkit.SimBody;
import dev.braid.testkit.SimResult;
import dev.braid.testkit.Simulation;
import dev.braid.testkit.Strategy;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An explore worker is the carrier of its runs (ADR 0068): a simulated thread that never reaches a
 * yield point holds the worker itself, and the shared watchdog must still report the run and let
 * the exploration end.
 */
class HeldWorkerTest {
    private static volatile boolean release;

    @Test
    // a hang guard, not a measurement: without the rescue the exploration never returns
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aSpinWithoutYieldPointsOnAWorkerIsReportedAndTheExplorationEnds() {
        AtomicInteger runs = new AtomicInteger();
        // schedule 0 (on the caller) passes; the first run on a worker spins on a plain field
        SimBody body =
                () -> {
                    if (runs.getAndIncrement() == 1) {
                        while (!release) {
                            Thread.onSpinWait();
                        }
                    }
                };
        for (int workers : new int[] {1, 2}) {
            release = false;
            runs.set(0);
            try {
                Exploration e =
                        Simulation.builder()
                                .strategy(Strategy.RANDOM)
                                .schedules(50)
                                .parallelism(workers)
                                .watchdog(Duration.ofMillis(20))
                                .shrink(false)
                                .progress(false)
                                .build()
                                .explore(body);
                SimResult r = e.failure().orElseThrow();
                assertThat(r)
                        .as("workers %d", workers)
                        .isInstanceOf(SimResult.UncontrolledBlocking.class);
                SimResult.UncontrolledBlocking held = (SimResult.UncontrolledBlocking) r;
                assertThat(held.threadState()).isEqualTo(Thread.State.RUNNABLE);
                assertThat(held.abandoned()).isEqualTo(1);
            } finally {
                release = true; // the held worker ends its run and leaves quietly
            }
        }
    }
}
