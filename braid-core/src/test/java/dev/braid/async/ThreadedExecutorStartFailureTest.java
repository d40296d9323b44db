package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.braid.thread.JoinHandle;
import dev.braid.thread.JoinOutcome;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * An executor whose k-th worker thread cannot be started (the JVM's "unable to create native
 * thread", a thread limit) stops the workers it did start and says how many (probe14, ADR 0162).
 * Before, the exception escaped {@code create} and the started workers ran for ever: a leak of live
 * platform threads on an executor nobody could close.
 */
class ThreadedExecutorStartFailureTest {
    /** Starts real workers, keeping their handles, and fails the start of worker {@code k}. */
    private static BiConsumer<String, Runnable> failingAt(int k, List<JoinHandle<Void>> started) {
        return (threadName, loop) -> {
            if (threadName.endsWith("-worker-" + k)) {
                throw new OutOfMemoryError("unable to create native thread: (probe14)");
            }
            started.add(Threads.builder().name(threadName).daemon(true).spawn(loop));
        };
    }

    @Test
    void aWorkerThatCannotStartStopsTheStartedOnesAndNamesTheCount() {
        assertTimeoutPreemptively(
                Duration.ofSeconds(60),
                () -> {
                    List<JoinHandle<Void>> started = new CopyOnWriteArrayList<>();
                    assertThatThrownBy(
                                    () -> ThreadedExecutor.create("ps14", 4, failingAt(2, started)))
                            .isInstanceOf(IllegalStateException.class)
                            .hasMessage(
                                    "executor 'ps14' started 2 of 4 worker threads, then starting"
                                            + " worker 2 failed (java.lang.OutOfMemoryError: unable"
                                            + " to create native thread: (probe14)); the started"
                                            + " ones are stopped")
                            .hasCauseInstanceOf(OutOfMemoryError.class);
                    // create waited until every started worker's loop returned; the thread itself
                    // ends a few instructions later (as a JDK pool's awaitTermination), so join it
                    // with a bound: a worker still serving would time out here
                    assertThat(started).hasSize(2);
                    for (JoinHandle<Void> worker : started) {
                        assertThat(worker.join(Duration.ofSeconds(30)))
                                .as("%s ends once create has thrown", worker)
                                .isInstanceOf(JoinOutcome.Finished.class);
                    }
                });
    }

    @Test
    void aFirstWorkerThatCannotStartLeavesNothingAndARuntimeFailureIsTheCause() {
        assertTimeoutPreemptively(
                Duration.ofSeconds(60),
                () -> {
                    IllegalStateException limit = new IllegalStateException("thread limit");
                    assertThatThrownBy(
                                    () ->
                                            ThreadedExecutor.create(
                                                    "ps14b",
                                                    3,
                                                    (n, loop) -> {
                                                        throw limit;
                                                    }))
                            .isInstanceOf(IllegalStateException.class)
                            .hasMessageStartingWith(
                                    "executor 'ps14b' started 0 of 3 worker threads")
                            .hasCause(limit);
                });
    }
}
