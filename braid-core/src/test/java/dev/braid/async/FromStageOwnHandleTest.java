package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * probe17, ADR 0194: a task that awaits {@code Async.fromStage} of its own handle's {@code
 * toCompletableFuture()} waited for ever on every executor, where awaiting the handle directly
 * panics with "awaits its own handle". Now it panics the same way, naming the stage route.
 */
class FromStageOwnHandleTest {
    @ParameterizedTest
    @ValueSource(strings = {"threaded", "pool", "local"})
    void aTaskAwaitingItsOwnHandlesStagePanics(String kind) throws Exception {
        AsyncExecutor ex = ExecutorKinds.open(kind);
        AtomicReference<TaskHandle<Object>> self = new AtomicReference<>();
        CompletableFuture<Void> published = new CompletableFuture<>();
        try {
            TaskHandle<Object> h =
                    ex.spawn(
                            "narcissus",
                            Async.fromStage(published)
                                    .then(v -> Async.fromStage(self.get().toCompletableFuture())));
            self.set(h);
            published.complete(null);
            assertTimeoutPreemptively(
                    Duration.ofSeconds(20),
                    () -> {
                        Throwable failure = ExecutorKinds.failureOf(ex, h);
                        assertThat(failure)
                                .isInstanceOf(TaskPanicException.class)
                                .cause()
                                .isInstanceOf(IllegalStateException.class)
                                .hasMessageContaining("task 'narcissus' awaits its own handle")
                                .hasMessageContaining("Async.fromStage");
                    });
        } finally {
            Thread.ofPlatform().daemon(true).start(ex::close); // a hang must not hang CI
        }
    }
}
