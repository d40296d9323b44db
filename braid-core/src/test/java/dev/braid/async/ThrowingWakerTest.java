package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.braid.thread.JoinOutcome;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * probe16 (ADR 0180): a user's {@link Waker} that throws, registered by polling a braid future by
 * hand with {@code new Context(waker)}, is reported to the waking thread's uncaught-exception
 * handler, as channels do (ADR 0105); it does not stop the operation that woke it. Before, a
 * throwing waker on a task handle killed the {@link ThreadedExecutor} worker that completed the
 * task, and the task's other waiters (a joiner) were never woken; on an {@link AsyncMutex} it made
 * the holder's {@code Guard.close()} throw although the lock had been handed on.
 */
class ThrowingWakerTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final Context THROWING =
            new Context(
                    () -> {
                        throw new IllegalStateException("a throwing waker");
                    });

    @Test
    void aThrowingWakerOnAHandleNeitherKillsTheWorkerNorStarvesTheOtherWaiters() {
        assertTimeoutPreemptively(
                LIMIT,
                () -> {
                    try (ThreadedExecutor ex = ThreadedExecutor.create("throwing-waker", 1)) {
                        CompletableFuture<Integer> gate = new CompletableFuture<>();
                        TaskHandle<Integer> h = ex.spawn("gated", Async.fromStage(gate));
                        assertThat(h.poll(THROWING)).isEqualTo(Poll.pending());
                        CompletableFuture<Integer> joined = h.toCompletableFuture();
                        gate.complete(5);
                        assertThat(h.join(Duration.ofSeconds(20)))
                                .isEqualTo(new JoinOutcome.Finished<>(5));
                        assertThat(joined.get(20, TimeUnit.SECONDS))
                                .isEqualTo(5); // woken after the throwing one
                        assertThat(ex.spawn(Async.ready(2)).join(Duration.ofSeconds(20)))
                                .as("the executor's only worker still runs tasks")
                                .isEqualTo(new JoinOutcome.Finished<>(2));
                    }
                });
    }

    @Test
    void unlockingAnAsyncMutexDoesNotThrowTheNextWaitersWakerFailure() {
        assertTimeoutPreemptively(
                LIMIT,
                () -> {
                    AsyncMutex m = new AsyncMutex("m");
                    AsyncMutex.Guard g = m.tryLock().orElseThrow();
                    Async<AsyncMutex.Guard> waiting = m.lock();
                    assertThat(waiting.poll(THROWING)).isEqualTo(Poll.pending());
                    List<Throwable> reported = new CopyOnWriteArrayList<>();
                    Thread me = Thread.currentThread();
                    Thread.UncaughtExceptionHandler before = me.getUncaughtExceptionHandler();
                    me.setUncaughtExceptionHandler((t, e) -> reported.add(e));
                    try {
                        g.close(); // hands the lock to the waiter, whose waker throws
                    } finally {
                        me.setUncaughtExceptionHandler(before);
                    }
                    assertThat(reported).hasSize(1);
                    assertThat(reported.get(0)).hasMessage("a throwing waker");
                    Poll<AsyncMutex.Guard> p = waiting.poll(new Context(Waker.noop()));
                    assertThat(p).isInstanceOf(Poll.Ready.class);
                    ((Poll.Ready<AsyncMutex.Guard>) p).value().close();
                    assertThat(m.isLocked()).isFalse();
                });
    }
}
