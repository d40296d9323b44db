package dev.braid.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.braid.thread.JoinHandle;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A pool whose k-th worker thread cannot be started stops the workers it did start, waits for them,
 * runs their stop hooks, and says how many started (probe14, ADR 0162). Before, the exception
 * escaped {@code build()} and the started workers slept for ever (even a shutdown could not end
 * them: the pool terminates when every worker sleeps, and the unstarted never do).
 */
class PoolStartFailureTest {
    @Test
    void aWorkerThatCannotStartStopsTheStartedOnesAndNamesTheCount() {
        assertTimeoutPreemptively(
                Duration.ofSeconds(60),
                () -> {
                    List<JoinHandle<Void>> started = new CopyOnWriteArrayList<>();
                    AtomicInteger stops = new AtomicInteger();
                    WorkStealingPool.Builder b =
                            WorkStealingPool.builder()
                                    .parallelism(4)
                                    .namePrefix("pp14")
                                    .hooks(
                                            new PoolHooks() {
                                                @Override
                                                public void onWorkerStop(Thread t, int index) {
                                                    stops.incrementAndGet();
                                                }
                                            })
                                    .workerStarter(
                                            (thread, run) -> {
                                                if (started.size() == 3) {
                                                    throw new OutOfMemoryError(
                                                            "unable to create native thread");
                                                }
                                                JoinHandle<Void> h = thread.spawn(run);
                                                started.add(h);
                                                return h;
                                            });
                    assertThatThrownBy(b::build)
                            .isInstanceOf(IllegalStateException.class)
                            .hasMessage(
                                    "pool 'pp14' started 3 of 4 worker threads, then starting"
                                            + " worker 3 failed (java.lang.OutOfMemoryError: unable"
                                            + " to create native thread); the started ones are"
                                            + " stopped")
                            .hasCauseInstanceOf(OutOfMemoryError.class);
                    assertThat(started).hasSize(3).allMatch(JoinHandle::isFinished);
                    assertThat(stops).hasValue(3);
                });
    }
}
