package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.braid.thread.ScopePolicy;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A {@link TaskScope} belongs to the thread that opened it (ADR 0139): spawn, join and close from
 * another thread are refused with a message naming both threads and the way out, and leave the
 * scope as it was, so the owner's own join still sees every child. Before, all three ran on the
 * other thread (misuse 11's probe): a close from elsewhere cancelled the owner's children, a join
 * from elsewhere used the owner's join up, and a spawn raced the owner's plain bookkeeping.
 */
class TaskScopeOwnerTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    private final ThreadedExecutor executor = ThreadedExecutor.create("owner", 2);

    @AfterEach
    void close() {
        assertTimeoutPreemptively(LIMIT, executor::close);
    }

    /** Runs {@code call} on a new platform thread named {@code intruder}; returns what it threw. */
    private static Throwable fromAnotherThread(ThrowingRunnable call) throws Exception {
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        Thread t =
                Thread.ofPlatform()
                        .name("intruder")
                        .start(
                                () -> {
                                    try {
                                        call.run();
                                        thrown.complete(null);
                                    } catch (Throwable e) {
                                        thrown.complete(e);
                                    }
                                });
        t.join();
        return thrown.get();
    }

    /** A child that ends with {@code value} once {@code release} opens. */
    private static <T> Async<T> after(CountDownLatch release, T value) {
        return Async.spawnBlocking(
                () -> {
                    release.await();
                    return value;
                });
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static void assertRefusedNamingOwner(Throwable thrown, String operation) {
        assertThat(thrown)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith(operation + " of TaskScope[")
                .hasMessageContaining("called on thread 'intruder'")
                .hasMessageContaining(
                        "belongs to thread '" + Thread.currentThread().getName() + "'")
                .hasMessageContaining("spawn, join and close it there");
    }

    @Test
    void aJoinFromAnotherThreadIsRefusedAndTheOwnersJoinStillWorks() throws Exception {
        assertTimeoutPreemptively(
                LIMIT,
                () -> {
                    CountDownLatch release = new CountDownLatch(1);
                    try (TaskScope scope = TaskScope.open(executor, ScopePolicy.FAIL_FAST)) {
                        TaskHandle<Integer> child = scope.spawn(after(release, 4));
                        assertRefusedNamingOwner(fromAnotherThread(scope::join), "join()");
                        assertThat(scope.toString()).contains("open", "running=1");
                        release.countDown();
                        scope.join();
                        assertThat(child.join()).isEqualTo(4);
                    }
                });
    }

    @Test
    void aCloseFromAnotherThreadIsRefusedAndCancelsNothing() throws Exception {
        assertTimeoutPreemptively(
                LIMIT,
                () -> {
                    CountDownLatch release = new CountDownLatch(1);
                    try (TaskScope scope = TaskScope.open(executor, ScopePolicy.FAIL_FAST)) {
                        TaskHandle<String> child = scope.spawn(after(release, "done"));
                        assertRefusedNamingOwner(fromAnotherThread(scope::close), "close()");
                        assertThat(scope.token().isCancelled()).isFalse();
                        assertThat(scope.toString()).doesNotContain("cancelled", "closed");
                        release.countDown();
                        scope.join();
                        assertThat(child.join()).isEqualTo("done");
                    }
                });
    }

    @Test
    void aSpawnFromAnotherThreadIsRefusedAndAddsNoChild() throws Exception {
        assertTimeoutPreemptively(
                LIMIT,
                () -> {
                    try (TaskScope scope = TaskScope.open(executor, ScopePolicy.FAIL_FAST)) {
                        assertRefusedNamingOwner(
                                fromAnotherThread(() -> scope.spawn(Async.ready(1))), "spawn");
                        assertRefusedNamingOwner(
                                fromAnotherThread(() -> scope.spawn("named", Async.ready(1))),
                                "spawn");
                        assertThat(scope.toString()).contains("children=0");
                        scope.join();
                    }
                });
    }

    @Test
    void aChildsBlockingThreadThatSpawnsIntoTheScopePanicsTheChildWithTheWayOut() {
        assertTimeoutPreemptively(
                LIMIT,
                () -> {
                    AtomicReference<String> blockingThread = new AtomicReference<>();
                    try (TaskScope scope = TaskScope.open(executor, ScopePolicy.FAIL_FAST)) {
                        scope.spawn(
                                "leaker",
                                Async.spawnBlocking(
                                        () -> {
                                            blockingThread.set(Thread.currentThread().getName());
                                            return scope.spawn(Async.ready(1));
                                        }));
                        assertThatThrownBy(scope::join)
                                .isInstanceOf(TaskPanicException.class)
                                .hasMessageContaining("leaker")
                                .cause()
                                .isInstanceOf(IllegalStateException.class)
                                .hasMessageContaining("spawn, join and close it there");
                        assertThat(scope.toString()).contains("children=1");
                    }
                });
    }

    @Test
    void cancelFromAnotherThreadStillWorks() throws Exception {
        assertTimeoutPreemptively(
                LIMIT,
                () -> {
                    try (TaskScope scope = TaskScope.open(executor, ScopePolicy.FAIL_FAST)) {
                        TaskHandle<Object> child = scope.spawn(Async.never());
                        assertThat(fromAnotherThread(scope::cancel)).isNull();
                        assertThatThrownBy(scope::join)
                                .isInstanceOf(dev.braid.cancel.CancelledException.class);
                        assertThat(child.isFinished()).isTrue();
                    }
                });
    }
}
