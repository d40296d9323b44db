package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.async.AsyncModelTest.Cell;
import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancelledException;
import dev.braid.cancel.DeadlineExceededException;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.PanicException;
import dev.braid.thread.Threads;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * await on virtual threads, spawnBlocking, CompletionStage interop, blockOn's blocking contract.
 */
class DirectStyleTest {
    private final ThreadedExecutor ex = ThreadedExecutor.create("direct", 2);

    @AfterEach
    void close() {
        ex.close();
    }

    @Test
    void awaitOnAVirtualThreadParksUntilReady() throws Exception {
        AtomicReference<Object> got = new AtomicReference<>();
        Thread vt =
                Thread.ofVirtual()
                        .start(
                                () -> {
                                    try {
                                        int a =
                                                Async.await(
                                                        Async.sleep(Duration.ofMillis(5))
                                                                .map(v -> 1));
                                        int b = Async.await(ex.spawn(Async.yieldNow().map(v -> 2)));
                                        got.set(a + b);
                                    } catch (Throwable t) {
                                        got.set(t);
                                    }
                                });
        vt.join();
        assertThat(got.get()).isEqualTo(3);
        IOException io = new IOException("io");
        assertThatThrownBy(() -> Async.await(Async.failed(io))).isSameAs(io);
    }

    @Test
    void awaitIsInterruptibleAndHonoursTheAmbientScopeDroppingTheFuture() {
        Cell<Object> c1 = new Cell<>();
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> Async.await(c1)).isInstanceOf(InterruptedException.class);
        assertThat(c1.drops).hasValue(1);
        Cell<Object> c2 = new Cell<>();
        assertThatThrownBy(
                        () -> CancelScope.withTimeout(Duration.ofMillis(10), () -> Async.await(c2)))
                .isInstanceOf(DeadlineExceededException.class);
        assertThat(c2.drops).hasValue(1);
    }

    @Test
    void awaitAndBlockOnInsideAPollFailFast() {
        LocalExecutor local = LocalExecutor.create("l");
        TaskHandle<Object> h =
                ex.spawn(
                        cx -> {
                            try {
                                return Poll.ready(Async.await(Async.never()));
                            } catch (InterruptedException e) {
                                throw new AssertionError(e);
                            }
                        });
        assertThatThrownBy(h::join).cause().hasMessageContaining("inside a poll");
        TaskHandle<Object> h2 =
                ex.spawn(
                        cx -> {
                            try {
                                return Poll.ready(local.blockOn(Async.ready(1)));
                            } catch (InterruptedException e) {
                                throw new AssertionError(e);
                            }
                        });
        assertThatThrownBy(h2::join).cause().hasMessageContaining("inside a poll");
        local.close();
    }

    @Test
    void blockOnIsInterruptibleCancellableAndSingleDriver() throws Exception {
        LocalExecutor local = LocalExecutor.create("l");
        AtomicInteger cleanups = new AtomicInteger();
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> local.blockOn(Async.never().ensure(cleanups::incrementAndGet)))
                .isInstanceOf(InterruptedException.class);
        assertThat(cleanups).hasValue(1);
        assertThatThrownBy(
                        () ->
                                CancelScope.withTimeout(
                                        Duration.ofMillis(10), () -> local.blockOn(Async.never())))
                .isInstanceOf(DeadlineExceededException.class);

        AtomicBoolean inside = new AtomicBoolean();
        Cell<Integer> gate = new Cell<>();
        Thread driver =
                Thread.ofVirtual()
                        .start(
                                () -> {
                                    try {
                                        local.blockOn(
                                                cx -> {
                                                    inside.set(true);
                                                    return gate.poll(cx);
                                                });
                                    } catch (InterruptedException e) {
                                        throw new AssertionError(e);
                                    }
                                });
        while (!inside.get()) {
            Thread.sleep(1);
        }
        assertThatThrownBy(() -> local.blockOn(Async.ready(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already driven");
        gate.complete(1); // wakes the parked driver from this thread
        driver.join();
        local.close();
        assertThatThrownBy(() -> local.blockOn(Async.ready(1))).hasMessageContaining("closed");
    }

    @Test
    void spawnBlockingRunsOnAThreadAndDroppingItInterrupts() throws Exception {
        assertThat(ex.spawn(Async.spawnBlocking(() -> 6 * 7)).join()).isEqualTo(42);
        AtomicBoolean interrupted = new AtomicBoolean();
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        TaskHandle<Object> h =
                ex.spawn(
                        Async.spawnBlocking(
                                () -> {
                                    started.countDown();
                                    try {
                                        Thread.sleep(60_000);
                                    } catch (InterruptedException e) {
                                        interrupted.set(true);
                                    }
                                    return null;
                                }));
        started.await();
        h.cancel();
        assertThatThrownBy(h::join).isInstanceOf(CancelledException.class);
        long until = System.nanoTime() + 5_000_000_000L;
        while (!interrupted.get() && System.nanoTime() < until) {
            Thread.sleep(1);
        }
        assertThat(interrupted).isTrue();
        IOException io = new IOException("x");
        assertThatThrownBy(
                        () ->
                                ex.spawn(
                                                "b",
                                                Async.spawnBlocking(
                                                        () -> {
                                                            throw io;
                                                        }))
                                        .join())
                .isInstanceOf(TaskPanicException.class)
                .hasCause(io);
    }

    @Test
    void completionStageInteropCarriesValuesFailuresAndCancellationBothWays() throws Exception {
        CompletableFuture<String> cf = new CompletableFuture<>();
        TaskHandle<String> h = ex.spawn(Async.fromStage(cf).map(s -> s + "!"));
        cf.complete("hi");
        assertThat(h.join()).isEqualTo("hi!");

        CompletableFuture<String> failing = new CompletableFuture<>();
        IOException io = new IOException("io");
        TaskHandle<String> hf = ex.spawn("f", Async.fromStage(failing.thenApply(s -> s)));
        failing.completeExceptionally(io);
        assertThatThrownBy(hf::join).hasCause(io);

        // task cancel -> stage cancelled
        CompletableFuture<String> pending = new CompletableFuture<>();
        TaskHandle<String> hp = ex.spawn(Async.fromStage(pending));
        while (hp.raw().polls() == 0) {
            Thread.sleep(1);
        }
        hp.cancel();
        assertThatThrownBy(hp::join).isInstanceOf(CancelledException.class);
        assertThat(pending.isCancelled()).isTrue();

        // CompletableFuture of a task: value, and cancel -> task cancelled
        assertThat(ex.spawn(Async.ready(5)).toCompletableFuture().get()).isEqualTo(5);
        AtomicInteger cleanups = new AtomicInteger();
        TaskHandle<Object> forever = ex.spawn(Async.never().ensure(cleanups::incrementAndGet));
        CompletableFuture<Object> view = forever.toCompletableFuture();
        view.cancel(true);
        assertThatThrownBy(forever::join).isInstanceOf(CancelledException.class);
        assertThat(cleanups).hasValue(1);
        CompletableFuture<Object> panicView =
                ex.spawn("p", Async.failed(new IllegalStateException("bad"))).toCompletableFuture();
        assertThatThrownBy(panicView::get)
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(TaskPanicException.class);
    }

    @Test
    void asyncFormsOfThreadJoinAndTokenCancellation() throws Exception {
        JoinHandle<Integer> t = Threads.spawn(() -> 9);
        assertThat(ex.spawn(Async.join(t)).join()).isEqualTo(9);
        JoinHandle<Integer> bad =
                Threads.spawn(
                        () -> {
                            throw new IOException("t");
                        });
        assertThatThrownBy(() -> ex.spawn("j", Async.join(bad)).join())
                .isInstanceOf(TaskPanicException.class)
                .cause()
                .isInstanceOf(PanicException.class);
        var src = new dev.braid.cancel.CancellationSource();
        TaskHandle<Void> waiting = ex.spawn(Async.cancelled(src.token()));
        assertThat(waiting.join(Duration.ofMillis(10)).isFinished()).isFalse();
        src.cancel();
        assertThat(waiting.join()).isNull();
    }
}
