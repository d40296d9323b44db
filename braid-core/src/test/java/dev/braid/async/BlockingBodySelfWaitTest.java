package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * ADR 0194: a task's outcome waits for the spawnBlocking bodies its polls started (ADR 0181), so
 * the body waiting, untimed, for its own task's handle waited for ever. Now each untimed way to
 * wait (join, Async.await of the handle, the handle's CompletableFuture join) fails fast with a
 * message naming the task and the way out; the task then ends with the body's failure.
 */
class BlockingBodySelfWaitTest {
    @ParameterizedTest
    @CsvSource({
        "threaded,join", "threaded,await", "threaded,cf",
        "pool,join", "pool,await", "pool,cf",
        "local,join", "local,await", "local,cf"
    })
    void aBodyWaitingForItsOwnTaskFailsFast(String kind, String how) throws Exception {
        AsyncExecutor ex = ExecutorKinds.open(kind);
        AtomicReference<TaskHandle<String>> self = new AtomicReference<>();
        CompletableFuture<Void> published = new CompletableFuture<>();
        try {
            TaskHandle<String> h =
                    ex.spawn(
                            "selfish",
                            Async.spawnBlocking(
                                    () -> {
                                        published.join();
                                        TaskHandle<String> me = self.get();
                                        return switch (how) {
                                            case "join" -> me.join();
                                            case "await" -> Async.await(me);
                                            default -> me.toCompletableFuture().join();
                                        };
                                    }));
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
                                .hasMessageContaining(
                                        "task 'selfish' from its own spawnBlocking body")
                                .hasMessageContaining("return the value from the body");
                    });
        } finally {
            Thread.ofPlatform().daemon(true).start(ex::close); // a hang must not hang CI
        }
    }
}
