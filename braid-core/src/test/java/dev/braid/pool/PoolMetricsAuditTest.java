package dev.braid.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.channel.Channel;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Audit 9: what a terminated pool reports and leaves behind when its tasks were blocked in a
 * channel at {@code shutdownNow()}: no active worker, no waiter left on the channel, no thread.
 */
class PoolMetricsAuditTest {
    @Test
    void aPoolStoppedWhileItsTasksBlockInAChannelReportsNoActiveWorkerAndLeavesNoThread()
            throws Exception {
        Channel<Integer> never = Channel.rendezvous();
        WorkStealingPool pool =
                WorkStealingPool.builder().parallelism(3).namePrefix("audit9-metrics").build();
        for (int i = 0; i < 5; i++) {
            pool.submit(() -> never.recv());
        }
        while (never.blockedReceivers() < 3) {
            Thread.onSpinWait(); // every worker is blocked in recv; two tasks stay queued
        }
        assertThat(pool.metrics().activeWorkers()).isEqualTo(3);
        List<TaskHandle<?>> dropped = pool.shutdownNow();
        pool.close();

        assertThat(dropped).hasSize(2);
        assertThat(never.blockedReceivers()).isZero();
        PoolMetrics m = pool.metrics();
        assertThat(m.activeWorkers()).as("active workers of a terminated pool").isZero();
        assertThat(m.searchingWorkers()).isZero();
        assertThat(m.injectorDepth()).isZero();
        assertThat(pool.toString()).contains("TERMINATED").contains("active=0");
        // close() returns once every worker has counted itself out; each thread then still
        // unwinds from its run loop (seen alive once in a fresh-clone CI run): bounded wait for
        // that
        long giveUp = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (workerThreadAlive() && System.nanoTime() < giveUp) {
            Thread.sleep(1);
        }
        assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(t -> t.getName().startsWith("audit9-metrics"));
    }

    private static boolean workerThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().startsWith("audit9-metrics"));
    }

    @Test
    void anIdlePoolReportsNoActiveWorkerAndAClosedOneStillNone() throws Exception {
        WorkStealingPool pool = WorkStealingPool.builder().parallelism(2).build();
        pool.submit(() -> 1).join();
        pool.close();
        assertThat(pool.metrics().activeWorkers()).isZero();
        assertThat(pool.metrics().tasksRun()).isEqualTo(1);
    }
}
