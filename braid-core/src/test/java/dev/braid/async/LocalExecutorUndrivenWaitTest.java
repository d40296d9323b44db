package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancellationSource;
import dev.braid.cancel.CancelledException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * ADR 0066 refuses an untimed {@code join()} of a {@link LocalExecutor} task while no thread drives
 * the executor: nothing would ever run the task. docs13 found the other untimed ways to wait for
 * the same handle waiting for ever instead: {@code toCompletableFuture().join()} and {@code
 * .get()}, and {@link Async#await} of the handle on a virtual thread. They now fail fast with the
 * same message and way out; timed waits still wait as told, and a finished task is returned. Every
 * wait is bounded.
 */
class LocalExecutorUndrivenWaitTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    /** Fails on the code before: both waited for ever. */
    @Test
    void theCompletableFuturesUntimedJoinAndGetAreRefusedLikeJoin() throws Exception {
        try (LocalExecutor ex = LocalExecutor.create("loop")) {
            TaskHandle<Integer> h = ex.spawn("later", Async.yieldNow().map(v -> 1));
            CompletableFuture<Integer> cf = h.toCompletableFuture();
            assertTimeoutPreemptively(
                    LIMIT,
                    () ->
                            assertThatThrownBy(cf::join)
                                    .isInstanceOf(IllegalStateException.class)
                                    .hasMessageStartingWith(
                                            "toCompletableFuture().join() on task 'later' would"
                                                    + " wait for ever")
                                    .hasMessageContaining("call blockOn(handle) instead"));
            assertTimeoutPreemptively(
                    LIMIT,
                    () ->
                            assertThatThrownBy(cf::get)
                                    .isInstanceOf(IllegalStateException.class)
                                    .hasMessageStartingWith("toCompletableFuture().get() on task"));
            assertThatThrownBy(() -> cf.get(1, TimeUnit.MILLISECONDS)) // timed: waits as told
                    .isInstanceOf(TimeoutException.class);
            assertThat(cf.isDone()).isFalse(); // the refusals did not cancel the task
            assertThat(ex.blockOn(h)).isEqualTo(1);
            assertThat(cf.join()).isEqualTo(1); // finished: returned
        }
    }

    /** Fails on the code before: the virtual thread waited for ever. */
    @Test
    void awaitingTheHandleIsRefusedLikeJoin() throws Exception {
        try (LocalExecutor ex = LocalExecutor.create("loop")) {
            TaskHandle<Integer> h = ex.spawn("later", Async.yieldNow().map(v -> 1));
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread vt =
                    Thread.ofVirtual()
                            .start(
                                    () -> {
                                        try {
                                            Async.await(h);
                                        } catch (Throwable t) {
                                            thrown.set(t);
                                        }
                                    });
            assertTimeoutPreemptively(LIMIT, () -> vt.join());
            assertThat(thrown.get())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("Async.await on task 'later' would wait for ever")
                    .hasMessageContaining("or await it while another thread drives it");
            assertThat(ex.blockOn(h)).isEqualTo(1);
        }
    }

    /** Pinned: inside an active scope the wait is bounded, so it waits (and the scope ends it). */
    @Test
    void insideACancelledScopeTheWaitIsLetThroughAndTheScopeEndsIt() throws Exception {
        try (LocalExecutor ex = LocalExecutor.create("loop")) {
            TaskHandle<Integer> h = ex.spawn("later", Async.yieldNow().map(v -> 1));
            CancellationSource source = new CancellationSource();
            source.cancel();
            assertTimeoutPreemptively(
                    LIMIT,
                    () ->
                            assertThatThrownBy(
                                            () ->
                                                    CancelScope.withToken(
                                                            source.token(), () -> Async.await(h)))
                                    .isInstanceOf(CancelledException.class));
            assertThat(ex.blockOn(h)).isEqualTo(1);
        }
    }
}
