package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * probe17, ADR 0194: on a one-worker ThreadedExecutor a cancelled task's ensure cleanup (run by the
 * worker, then outside a poll) that waited for a task of the same executor blocked the only worker
 * that would run it: join, Async.await and toCompletableFuture().join() all waited for ever (failed
 * on 4cdcd60 by the time limit). A drop now runs marked as a poll: the wait is refused with the
 * in-poll IllegalStateException, and the task the cleanup spawned still runs.
 */
class ThreadedCleanupSelfWaitTest {
    @ParameterizedTest
    @ValueSource(strings = {"join", "await", "toCompletableFuture"})
    void aCleanupOnTheOnlyWorkerWaitingForATaskOfItsExecutorFailsFast(String how) {
        ThreadedExecutor ex = ThreadedExecutor.create("one", 1);
        try {
            AtomicReference<TaskHandle<Integer>> spawned = new AtomicReference<>();
            TaskHandle<Integer> victim =
                    ex.spawn(
                            "victim",
                            Async.<Integer>never()
                                    .ensure(
                                            () -> {
                                                TaskHandle<Integer> other =
                                                        ex.spawn(
                                                                "other",
                                                                Async.yieldNow().map(v -> 7));
                                                spawned.set(other);
                                                try {
                                                    switch (how) {
                                                        case "join" -> other.join();
                                                        case "await" -> Async.await(other);
                                                        default ->
                                                                other.toCompletableFuture().join();
                                                    }
                                                } catch (InterruptedException e) {
                                                    throw new AssertionError(e);
                                                }
                                            }));
            TaskHandle<Boolean> canceller =
                    ex.spawn("canceller", Async.yieldNow().map(v -> victim.cancel()));
            assertTimeoutPreemptively(
                    Duration.ofSeconds(20),
                    () -> {
                        assertThat(canceller.join()).isTrue();
                        assertThatThrownBy(victim::join)
                                .isInstanceOf(TaskPanicException.class)
                                .cause()
                                .isInstanceOf(IllegalStateException.class)
                                .hasMessageContaining("on task 'other'")
                                .hasMessageContaining("cancelled task 'victim'")
                                .hasMessageContaining("on thread 'one-worker-0'")
                                .hasMessageContaining("spawn a task that awaits it instead");
                        assertThat(spawned.get().join()).isEqualTo(7);
                    });
        } finally {
            Thread.ofPlatform().daemon(true).start(ex::close);
        }
    }
}
