package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Audit 9: a poll that returns with its thread's interrupt status set (code that caught an
 * InterruptedException and restored the flag) must not leave it on the executor thread. On a {@link
 * ThreadedExecutor} it reached the next task's poll, and the idle thread then spun instead of
 * parking (a park returns at once while the status is set): 640 ms of CPU per second, idle. {@link
 * PoolExecutor} was right (the pool's worker clears it between tasks).
 */
class ExecutorInterruptAuditTest {
    private static final Async<Integer> LEAVES_ITS_INTERRUPT =
            cx -> {
                Thread.currentThread().interrupt();
                return Poll.ready(1);
            };

    @Test
    void theNextPollOfAThreadedExecutorDoesNotSeeALeftoverInterrupt() throws Exception {
        try (ThreadedExecutor ex = ThreadedExecutor.create("leftover", 1)) {
            ex.spawn(LEAVES_ITS_INTERRUPT).join();
            TaskHandle<Boolean> next =
                    ex.spawn(cx -> Poll.ready(Thread.currentThread().isInterrupted()));
            assertThat(next.join()).as("the next poll started interrupted").isFalse();
        }
    }

    @Test
    void theIdleThreadOfAThreadedExecutorParksAfterALeftoverInterrupt() throws Exception {
        try (ThreadedExecutor ex = ThreadedExecutor.create("idle-after-leftover", 1)) {
            Thread[] worker = new Thread[1];
            ex.spawn(
                            cx -> {
                                worker[0] = Thread.currentThread();
                                return LEAVES_ITS_INTERRUPT.poll(cx);
                            })
                    .join();
            assertTimeoutPreemptively(
                    Duration.ofSeconds(60),
                    () -> {
                        while (worker[0].isInterrupted()
                                || worker[0].getState() != Thread.State.WAITING) {
                            Thread.onSpinWait(); // until the idle worker parks, its status clear
                        }
                    });
            assertThat(worker[0].isInterrupted()).isFalse();
        }
    }

    @Test
    void aPoolExecutorDoesNotPassALeftoverInterruptOnEither() throws Exception {
        try (PoolExecutor ex = PoolExecutor.create("leftover-pool", 1)) {
            ex.spawn(LEAVES_ITS_INTERRUPT).join();
            assertThat(ex.spawn(cx -> Poll.ready(Thread.currentThread().isInterrupted())).join())
                    .isFalse();
        }
    }
}
