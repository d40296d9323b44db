package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * probe17: a task cancelled while its {@link LocalExecutor} is driven has its drop and {@code
 * ensure} cleanups run by the driving thread, outside any poll. A cleanup that waits there for
 * another task of that executor (its handle's {@code join()}, {@code Async.await} of it, or the
 * untimed {@code join()} of its {@code toCompletableFuture()}) waited for ever: only that thread
 * runs the executor's tasks. Each now throws {@link IllegalStateException} naming the task, the
 * thread and the way out, so the cancelled task ends with it as its panic (a throwing cleanup's
 * rule) and the executor goes on; the awaited task still runs. Before, every case hit the time
 * limit.
 */
class LocalCleanupSelfWaitTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    @ParameterizedTest
    @ValueSource(strings = {"join", "await", "toCompletableFuture"})
    void aCleanupWaitingOnTheDrivingThreadForATaskOfItsExecutorFailsFast(String how)
            throws Exception {
        try (LocalExecutor ex = LocalExecutor.create("local")) {
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
                                                waitFor(other, how);
                                            }));
            TaskHandle<Boolean> canceller =
                    ex.spawn("canceller", Async.yieldNow().map(v -> victim.cancel()));
            assertTimeoutPreemptively(
                    LIMIT,
                    () -> {
                        assertThat(ex.blockOn(canceller)).isTrue();
                        assertThatThrownBy(() -> ex.blockOn(victim))
                                .isInstanceOf(TaskPanicException.class)
                                .cause()
                                .isInstanceOf(IllegalStateException.class)
                                .hasMessageContaining("on task 'other'")
                                .hasMessageContaining(
                                        "on thread '" + Thread.currentThread().getName() + "'")
                                .hasMessageContaining(
                                        "in the drop or cleanup of cancelled task 'victim'")
                                .hasMessageContaining("spawn a task that awaits it instead");
                        assertThat(ex.blockOn(spawned.get())).isEqualTo(7);
                    });
        }
    }

    /**
     * The same wait from other code the driving thread runs outside a poll: a completion callback
     * of one task's {@code toCompletableFuture()} that joins another task of the executor.
     */
    @ParameterizedTest
    @ValueSource(strings = {"join", "await", "toCompletableFuture"})
    void aCompletionCallbackWaitingOnTheDrivingThreadFailsFast(String how) throws Exception {
        try (LocalExecutor ex = LocalExecutor.create("local")) {
            TaskHandle<Integer> later = ex.spawn("later", Async.yieldNow().map(v -> 7));
            AtomicReference<Throwable> seen = new AtomicReference<>();
            AtomicReference<String> thread = new AtomicReference<>();
            TaskHandle<Integer> first = ex.spawn("first", Async.ready(1));
            first.toCompletableFuture()
                    .whenComplete(
                            (v, e) -> {
                                thread.set(Thread.currentThread().getName());
                                try {
                                    waitFor(later, how);
                                } catch (Throwable t) {
                                    seen.set(t);
                                }
                            });
            assertTimeoutPreemptively(
                    LIMIT,
                    () -> {
                        assertThat(ex.blockOn(later)).isEqualTo(7);
                        assertThat(thread.get())
                                .as("the callback ran on the driving thread")
                                .isEqualTo(Thread.currentThread().getName());
                        assertThat(seen.get())
                                .isInstanceOf(IllegalStateException.class)
                                .hasMessageContaining("on task 'later'")
                                .hasMessageContaining("which drives its LocalExecutor")
                                .hasMessageContaining("spawn a task that awaits the handle");
                    });
        }
    }

    private static void waitFor(TaskHandle<Integer> other, String how) {
        try {
            switch (how) {
                case "join" -> other.join();
                case "await" -> Async.await(other);
                default -> other.toCompletableFuture().join();
            }
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
