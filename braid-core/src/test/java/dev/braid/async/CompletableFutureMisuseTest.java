package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * {@code TaskHandle.toCompletableFuture()} waited on inside a poll (audit 7): the poll blocked its
 * executor thread, and on a one-thread executor the awaited task could never run — a silent hang,
 * where {@code handle.join()} in the same place fails fast. Now the untimed {@code join()}/{@code
 * get()} of that future and of futures derived from it fail fast the same way. Every wait is
 * bounded.
 */
class CompletableFutureMisuseTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    private static <T> Async<T> inAPoll(java.util.concurrent.Callable<T> body) {
        return Async.yieldNow()
                .map(
                        v -> {
                            try {
                                return body.call();
                            } catch (RuntimeException e) {
                                throw e;
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        });
    }

    @Test
    void waitingOnATasksCompletableFutureInsideAPollFailsFastOnAOneThreadExecutor()
            throws Exception {
        for (Function<CompletableFuture<Integer>, Object> wait :
                java.util.List.<Function<CompletableFuture<Integer>, Object>>of(
                        CompletableFuture::join,
                        cf -> {
                            try {
                                return cf.get();
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        },
                        cf -> cf.thenApply(x -> x + 1).join())) {
            try (ThreadedExecutor ex = ThreadedExecutor.create("one", 1)) {
                CompletableFuture<Integer> gate = new CompletableFuture<>();
                TaskHandle<Integer> other = ex.spawn("other", Async.fromStage(gate));
                TaskHandle<Object> waiter =
                        ex.spawn("waiter", inAPoll(() -> wait.apply(other.toCompletableFuture())));
                assertTimeoutPreemptively(
                        LIMIT,
                        () ->
                                assertThatThrownBy(waiter::join)
                                        .isInstanceOf(TaskPanicException.class)
                                        .rootCause()
                                        .isInstanceOf(IllegalStateException.class)
                                        .hasMessageContaining("toCompletableFuture()")
                                        .hasMessageContaining("inside a poll")
                                        .hasMessageContaining("then(...)"));
                gate.complete(5);
                assertThat(other.join()).isEqualTo(5);
            }
        }
    }

    @Test
    void aFinishedTasksFutureMayBeReadInsideAPollAndAnyFutureOutsideOne() throws Exception {
        try (LocalExecutor ex = LocalExecutor.create("local")) {
            TaskHandle<Integer> done = ex.spawn(Async.ready(3));
            assertThat(ex.blockOn(done)).isEqualTo(3);
            assertThat(ex.blockOn(inAPoll(() -> done.toCompletableFuture().join()))).isEqualTo(3);
        }
        try (ThreadedExecutor ex = ThreadedExecutor.create("t", 1)) {
            TaskHandle<Integer> h = ex.spawn(Async.yieldNow().map(v -> 4));
            assertTimeoutPreemptively(
                    LIMIT,
                    () ->
                            assertThat(h.toCompletableFuture().thenApply(x -> x * 2).join())
                                    .isEqualTo(8));
        }
    }
}
