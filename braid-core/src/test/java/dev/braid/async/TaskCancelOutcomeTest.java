package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.cancel.CancelledException;
import dev.braid.thread.ScopePolicy;
import dev.braid.thread.ThreadLocalKey;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 13's contract defects found by audit3: a task that awaited something cancelled ends
 * cancelled, not panicked (ADR 0073), and executor workers run {@link ThreadLocalKey} destructors
 * when they exit (ADR 0077).
 */
class TaskCancelOutcomeTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    static Stream<Arguments> executors() {
        return Stream.of(
                Arguments.of(
                        "ThreadedExecutor",
                        (Supplier<AsyncExecutor>) () -> ThreadedExecutor.create("t", 2)),
                Arguments.of(
                        "PoolExecutor",
                        (Supplier<AsyncExecutor>) () -> PoolExecutor.create("p", 2)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("executors")
    void aTaskAwaitingAStageThatIsCancelledEndsCancelledNotPanicked(
            String kind, Supplier<AsyncExecutor> make) throws Exception {
        try (AsyncExecutor ex = make.get()) {
            CompletableFuture<String> before = new CompletableFuture<>();
            before.cancel(true);
            TaskHandle<String> early = ex.spawn("early", Async.fromStage(before));
            CompletableFuture<String> later = new CompletableFuture<>();
            TaskHandle<String> h = ex.spawn("awaits", Async.fromStage(later));
            later.cancel(true); // before or after the first poll: the outcome is the same
            for (TaskHandle<String> t : List.of(early, h)) {
                assertThatThrownBy(() -> t.join(LIMIT))
                        .isInstanceOf(CancelledException.class)
                        .hasMessageContaining("task '" + t.name() + "' ended by a cancellation")
                        .hasRootCauseInstanceOf(java.util.concurrent.CancellationException.class);
            }
            assertThat(h.raw().outcome()).isInstanceOf(Completion.Cancelled.class);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("executors")
    void aTaskAwaitingACancelledHandleEndsCancelledWithTheSameReason(
            String kind, Supplier<AsyncExecutor> make) throws Exception {
        try (AsyncExecutor ex = make.get()) {
            TaskHandle<String> awaited =
                    ex.spawn("awaited", Async.fromStage(new CompletableFuture<String>()));
            TaskHandle<String> awaiter = ex.spawn("awaiter", awaited);
            TaskHandle<Integer> mapped = ex.spawn("mapped", awaited.map(String::length));
            assertThat(awaited.cancel()).isTrue();
            assertThatThrownBy(() -> awaited.join(LIMIT)).isInstanceOf(CancelledException.class);
            for (TaskHandle<?> t : List.of(awaiter, mapped)) {
                assertThatThrownBy(() -> t.join(LIMIT))
                        .as(t.name())
                        .isInstanceOf(CancelledException.class)
                        .isNotInstanceOf(TaskPanicException.class);
                assertThat(t.raw().outcome()).isInstanceOf(Completion.Cancelled.class);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("executors")
    void aFailFastScopeDoesNotTakeAChildThatEndedCancelledForAFailure(
            String kind, Supplier<AsyncExecutor> make) throws Exception {
        try (AsyncExecutor ex = make.get()) {
            CompletableFuture<String> cancelled = new CompletableFuture<>();
            cancelled.cancel(true);
            CompletableFuture<String> slow = new CompletableFuture<>();
            TaskHandle<String> a;
            TaskHandle<String> b;
            try (TaskScope scope = TaskScope.open(ex, ScopePolicy.FAIL_FAST)) {
                a = scope.spawn("a", Async.fromStage(cancelled));
                b = scope.spawn("b", Async.fromStage(slow));
                assertThatThrownBy(() -> a.join(LIMIT)).isInstanceOf(CancelledException.class);
                slow.complete("b done");
                scope.join(); // neither a panic nor the scope's cancellation
            }
            assertThat(b.join(LIMIT))
                    .isEqualTo(new dev.braid.thread.JoinOutcome.Finished<>("b done"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("executors")
    void aFirstSuccessScopeWhoseChildrenAllEndedCancelledDoesNotJoinAsASuccess(
            String kind, Supplier<AsyncExecutor> make) throws Exception {
        try (AsyncExecutor ex = make.get()) {
            CompletableFuture<String> cancelled = new CompletableFuture<>();
            cancelled.cancel(true);
            try (TaskScope scope = TaskScope.open(ex, ScopePolicy.FIRST_SUCCESS)) {
                scope.spawn("a", Async.fromStage(cancelled));
                scope.spawn("b", Async.fromStage(cancelled));
                assertThatThrownBy(scope::join)
                        .isInstanceOf(CancelledException.class)
                        .hasMessageContaining("ended by a cancellation");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("executors")
    void aWorkerRunsTheThreadLocalDestructorsOfItsTasksWhenItExits(
            String kind, Supplier<AsyncExecutor> make) throws Exception {
        List<String> destroyed = new CopyOnWriteArrayList<>();
        ThreadLocalKey<String> key =
                ThreadLocalKey.withDestructor(
                        "k", () -> "v-" + Thread.currentThread().getName(), destroyed::add);
        String value;
        try (AsyncExecutor ex = make.get()) {
            value = ex.spawn(Async.ready(1).map(v -> key.get())).join();
        }
        // close() waits for the tasks; the worker's destructors run as its thread ends, just after
        long until = System.nanoTime() + LIMIT.toNanos();
        while (destroyed.isEmpty() && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        assertThat(destroyed).containsExactly(value);
    }
}
