package dev.braid.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.braid.async.Async;
import dev.braid.async.TaskHandle;
import dev.braid.async.TaskPanicException;
import dev.braid.async.ThreadedExecutor;
import dev.braid.cancel.CancelledException;
import dev.braid.channel.Channel;
import dev.braid.channel.ChannelClosedException;
import dev.braid.pool.PoolClosedException;
import dev.braid.pool.WorkStealingPool;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Interop as a user meets it (issues 11–13, the audit of 2026-12-04): {@link CompletionStage} to
 * and from braid futures with cancellation crossing both ways, {@code CompletableFuture}'s async
 * methods on the pool's {@link ExecutorService} view, and a channel consumed as a {@link Stream}.
 * Every wait is bounded.
 */
class InteropAuditTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @Test
    void aStageBecomesAFutureAndCancellingTheTaskCancelsTheStage() {
        assertTimeoutPreemptively(
                LIMIT,
                () -> {
                    try (ThreadedExecutor ex = ThreadedExecutor.create("interop-from", 1)) {
                        CompletableFuture<String> ok = new CompletableFuture<>();
                        TaskHandle<String> h = ex.spawn(Async.fromStage(ok).map(s -> s + "!"));
                        ok.complete("v");
                        assertThat(h.join()).isEqualTo("v!");

                        CompletableFuture<String> bad = new CompletableFuture<>();
                        TaskHandle<String> hb =
                                ex.spawn(Async.fromStage(bad.thenApply(s -> s))); // wraps in CE
                        bad.completeExceptionally(new IllegalStateException("bad"));
                        assertThatThrownBy(hb::join)
                                .isInstanceOf(TaskPanicException.class)
                                .cause()
                                .isInstanceOf(IllegalStateException.class)
                                .hasMessage("bad");

                        CompletableFuture<String> pending = new CompletableFuture<>();
                        TaskHandle<String> hc = ex.spawn(Async.fromStage(pending));
                        while (hc.pollCount() == 0) {
                            Thread.sleep(1); // the stage is awaited
                        }
                        assertThat(hc.cancel()).isTrue();
                        assertThatThrownBy(hc::join).isInstanceOf(CancelledException.class);
                        assertThat(pending.isCancelled()).as("braid -> stage").isTrue();
                    }
                });
    }

    @Test
    void aTaskBecomesACompletableFutureAndCancellationCrossesBothWays() {
        assertTimeoutPreemptively(
                LIMIT,
                () -> {
                    try (ThreadedExecutor ex = ThreadedExecutor.create("interop-to", 1)) {
                        CompletableFuture<Integer> v =
                                ex.spawn(Async.ready(20)).toCompletableFuture();
                        assertThat(v.thenApply(x -> x + 1).get(30, TimeUnit.SECONDS)).isEqualTo(21);

                        CompletableFuture<Object> failed =
                                ex.spawn(Async.failed(new IllegalStateException("x")))
                                        .toCompletableFuture();
                        assertThatThrownBy(() -> failed.get(30, TimeUnit.SECONDS))
                                .isInstanceOf(ExecutionException.class)
                                .cause()
                                .isInstanceOf(TaskPanicException.class)
                                .cause()
                                .hasMessage("x");

                        TaskHandle<String> t1 = ex.spawn(Async.never());
                        CompletableFuture<String> c1 = t1.toCompletableFuture();
                        t1.cancel();
                        assertThatThrownBy(() -> c1.get(30, TimeUnit.SECONDS))
                                .isInstanceOf(CancellationException.class);
                        assertThat(c1.isCancelled()).as("braid -> stage").isTrue();

                        TaskHandle<String> t2 = ex.spawn(Async.never());
                        CompletableFuture<String> c2 = t2.toCompletableFuture();
                        c2.cancel(true);
                        assertThatThrownBy(() -> t2.join(Duration.ofSeconds(30)))
                                .as("stage -> braid")
                                .isInstanceOf(CancelledException.class);
                        assertThat(t2.isFinished()).isTrue();
                    }
                });
    }

    @Test
    void completableFutureRunsOnThePoolsExecutorServiceView() {
        assertTimeoutPreemptively(
                LIMIT,
                () -> {
                    var pool =
                            WorkStealingPool.builder().parallelism(2).namePrefix("interop").build();
                    ExecutorService es = pool.asExecutorService();
                    String where =
                            CompletableFuture.supplyAsync(
                                            () -> Thread.currentThread().getName(), es)
                                    .thenApplyAsync(
                                            s -> s + "|" + Thread.currentThread().getName(), es)
                                    .get(30, TimeUnit.SECONDS);
                    assertThat(where).matches("interop-worker-\\d\\|interop-worker-\\d");
                    List<CompletableFuture<Integer>> many =
                            java.util.stream.IntStream.range(0, 200)
                                    .mapToObj(i -> CompletableFuture.supplyAsync(() -> i * 2, es))
                                    .toList();
                    assertThat(
                                    CompletableFuture.allOf(many.toArray(CompletableFuture[]::new))
                                            .thenApply(
                                                    x ->
                                                            many.stream()
                                                                    .mapToInt(
                                                                            CompletableFuture::join)
                                                                    .sum())
                                            .get(30, TimeUnit.SECONDS))
                            .isEqualTo(2 * (199 * 200 / 2));
                    es.shutdown();
                    assertThatThrownBy(() -> CompletableFuture.supplyAsync(() -> 1, es))
                            .isInstanceOf(RejectedExecutionException.class)
                            .isInstanceOf(PoolClosedException.class);
                    assertThat(es.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
                });
    }

    @Test
    void aChannelStreamFeedsACollectorAndEndsOnCloseOrFailsOnCancel() {
        assertTimeoutPreemptively(
                LIMIT,
                () -> {
                    Channel<Integer> ch = Channel.unbounded();
                    for (int i = 1; i <= 10; i++) {
                        ch.send(i);
                    }
                    ch.close();
                    assertThat(ch.stream().filter(x -> x % 2 == 0).collect(Collectors.toList()))
                            .containsExactly(2, 4, 6, 8, 10);
                    assertThat(ch.stream().count()).as("closed and drained").isZero();

                    Channel<Integer> failing = Channel.bounded(4);
                    failing.send(1);
                    failing.cancel(new IllegalStateException("upstream died"));
                    assertThatThrownBy(() -> failing.stream().toList())
                            .isInstanceOf(ChannelClosedException.class)
                            .hasCauseInstanceOf(IllegalStateException.class);

                    Channel<Integer> more = Channel.bounded(4);
                    for (int i = 0; i < 4; i++) {
                        more.send(i);
                    }
                    try (Stream<Integer> s = more.stream()) {
                        assertThat(s.findFirst()).contains(0); // ends early: takes one only
                    }
                    assertThat(more.len()).as("the rest stays in the channel").isEqualTo(3);
                });
    }
}
