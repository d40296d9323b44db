package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.async.AsyncModelTest.Cell;
import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancellationSource;
import dev.braid.cancel.CancelledException;
import dev.braid.cancel.Deadline;
import dev.braid.cancel.DeadlineExceededException;
import dev.braid.thread.ScopePolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Task scopes: the three policies, cancellation flowing in, and no child outliving its scope. */
class TaskScopeTest {
    static Stream<Arguments> executors() {
        return ExecutorContractTest.executors();
    }

    private final List<AsyncExecutor> opened = new ArrayList<>();

    private AsyncExecutor open(Supplier<AsyncExecutor> make) {
        AsyncExecutor ex = make.get();
        opened.add(ex);
        return ex;
    }

    @AfterEach
    void closeAll() {
        opened.forEach(AsyncExecutor::close);
    }

    private static <T> Async<T> failAfter(Duration d, RuntimeException e) {
        return Async.sleep(d).then(v -> Async.failed(e));
    }

    /**
     * Fails with {@code e} once {@code scope} has recorded a first failure and then {@code d} has
     * passed: orders two failures by construction, where two timers 14 ms apart can fire out of
     * order on a loaded machine (seen under a parallel build). It waits for the record, not for the
     * first task's handle to finish: a handle finishes before the completion callback that records
     * its failure runs, and a completing worker descheduled between the two would let this failure
     * be recorded first.
     */
    private static <T> Async<T> failAfterFirstRecorded(
            TaskScope scope, Duration d, RuntimeException e) {
        return Async.sleep(Duration.ofMillis(1))
                .then(
                        v ->
                                scope.toString().contains("failed=1")
                                        ? failAfter(d, e)
                                        : failAfterFirstRecorded(scope, d, e));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("executors")
    void failFastCancelsTheSiblingsAndRethrowsTheFirstFailure(
            String kind, Supplier<AsyncExecutor> make) throws Exception {
        AsyncExecutor ex = open(make);
        AtomicInteger cleanups = new AtomicInteger();
        RuntimeException boom = new RuntimeException("boom");
        TaskHandle<Object> sibling;
        try (TaskScope scope = TaskScope.open(ex, ScopePolicy.FAIL_FAST)) {
            sibling = scope.spawn("sibling", Async.never().ensure(cleanups::incrementAndGet));
            scope.spawn("failing", failAfter(Duration.ofMillis(5), boom));
            assertThatThrownBy(scope::join)
                    .isInstanceOf(TaskPanicException.class)
                    .hasMessageContaining("task 'failing'")
                    .hasCause(boom);
            assertThat(scope.token().isCancelled()).isTrue();
        }
        assertThat(sibling.isFinished()).isTrue();
        assertThatThrownBy(sibling::join).isInstanceOf(CancelledException.class);
        assertThat(cleanups).hasValue(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("executors")
    void collectAllLetsEveryChildFinishAndSuppressesLaterFailures(
            String kind, Supplier<AsyncExecutor> make) throws Exception {
        AsyncExecutor ex = open(make);
        RuntimeException first = new RuntimeException("first");
        RuntimeException second = new RuntimeException("second");
        TaskHandle<Integer> ok;
        try (TaskScope scope = TaskScope.open(ex, ScopePolicy.COLLECT_ALL)) {
            scope.spawn("a", failAfter(Duration.ofMillis(1), first));
            ok = scope.spawn("ok", Async.sleep(Duration.ofMillis(30)).map(v -> 7));
            scope.spawn("b", failAfterFirstRecorded(scope, Duration.ofMillis(15), second));
            assertThatThrownBy(scope::join)
                    .isInstanceOf(TaskPanicException.class)
                    .hasCause(first)
                    .satisfies(
                            t ->
                                    assertThat(t.getSuppressed())
                                            .singleElement()
                                            .satisfies(s -> assertThat(s).hasCause(second)));
        }
        assertThat(ok.join()).isEqualTo(7);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("executors")
    void firstSuccessCancelsTheOthersAndFailsOnlyIfAllFail(
            String kind, Supplier<AsyncExecutor> make) throws Exception {
        AsyncExecutor ex = open(make);
        TaskHandle<String> fast;
        TaskHandle<String> slow;
        try (TaskScope scope = TaskScope.open(ex, ScopePolicy.FIRST_SUCCESS)) {
            scope.spawn("broken", failAfter(Duration.ZERO, new RuntimeException("x")));
            fast = scope.spawn("fast", Async.sleep(Duration.ofMillis(5)).map(v -> "fast"));
            slow = scope.spawn("slow", Async.sleep(Duration.ofHours(1)).map(v -> "slow"));
            scope.join();
        }
        assertThat(fast.join()).isEqualTo("fast");
        assertThatThrownBy(slow::join).isInstanceOf(CancelledException.class);

        // all fail: the first failure is the cause, the other suppressed ("two" fails only after
        // "one"'s failure is recorded: with a plain 10 ms head start a loaded worker once polled
        // "one" late)
        RuntimeException e1 = new RuntimeException("e1");
        try (TaskScope scope = TaskScope.open(ex, ScopePolicy.FIRST_SUCCESS)) {
            scope.spawn("one", failAfter(Duration.ZERO, e1));
            scope.spawn(
                    "two",
                    failAfterFirstRecorded(
                            scope, Duration.ofMillis(10), new RuntimeException("e2")));
            assertThatThrownBy(scope::join)
                    .isInstanceOf(TaskPanicException.class)
                    .hasCause(e1)
                    .satisfies(t -> assertThat(t.getSuppressed()).hasSize(1));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("executors")
    void theAmbientTokenAndDeadlineFlowIntoEveryChild(String kind, Supplier<AsyncExecutor> make)
            throws Exception {
        AsyncExecutor ex = open(make);
        AtomicInteger seenInChild = new AtomicInteger();
        CancellationSource outer = new CancellationSource();
        TaskHandle<Object> child =
                CancelScope.withToken(
                        outer.token(),
                        () -> {
                            try (TaskScope scope = TaskScope.open(ex, ScopePolicy.FAIL_FAST)) {
                                TaskHandle<Object> c =
                                        scope.spawn(
                                                "child",
                                                cx -> {
                                                    if (CancelScope.current()
                                                            .tokens()
                                                            .contains(scope.token())) {
                                                        if (seenInChild.getAndIncrement() == 0) {
                                                            Thread.ofVirtual().start(outer::cancel);
                                                        }
                                                    }
                                                    return Poll.pending();
                                                });
                                assertThatThrownBy(scope::join)
                                        .isInstanceOf(CancelledException.class);
                                return c;
                            }
                        });
        assertThat(child.isFinished()).isTrue();
        assertThat(seenInChild.get()).isPositive();

        try (TaskScope scope =
                TaskScope.open(
                        ex, ScopePolicy.COLLECT_ALL, Deadline.after(Duration.ofMillis(20)))) {
            TaskHandle<Object> c = scope.spawn(Async.never());
            assertThatThrownBy(scope::join).isInstanceOf(DeadlineExceededException.class);
            assertThatThrownBy(c::join).isInstanceOf(DeadlineExceededException.class);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("executors")
    void closeWithoutJoinCancelsAndWaitsSoNoChildIsOrphaned(
            String kind, Supplier<AsyncExecutor> make) {
        AsyncExecutor ex = open(make);
        List<TaskHandle<Object>> children = new ArrayList<>();
        Cell<Object> cell = new Cell<>();
        TaskScope scope = TaskScope.open(ex, ScopePolicy.FAIL_FAST);
        for (int i = 0; i < 20; i++) {
            children.add(scope.spawn("c" + i, i % 2 == 0 ? Async.never() : cell));
        }
        assertThatThrownBy(scope::close)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("without join()");
        assertThat(children).allMatch(TaskHandle::isFinished);
        assertThat(ex.dumpTasks()).isEmpty();
        assertThatThrownBy(() -> scope.spawn(Async.ready(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        scope.close(); // idempotent
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("executors")
    void randomChildFailuresNeverLeakAChild(String kind, Supplier<AsyncExecutor> make)
            throws Exception {
        AsyncExecutor ex = open(make);
        java.util.Random rnd = new java.util.Random(13);
        for (int round = 0; round < 30; round++) {
            ScopePolicy policy = ScopePolicy.values()[round % 3];
            List<TaskHandle<Integer>> children = new ArrayList<>();
            try (TaskScope scope = TaskScope.open(ex, policy)) {
                for (int i = 0; i < 8; i++) {
                    int delay = rnd.nextInt(3);
                    boolean fail = rnd.nextInt(4) == 0;
                    Async<Integer> body = Async.sleep(Duration.ofMillis(delay)).map(v -> 1);
                    children.add(
                            scope.spawn(
                                    fail
                                            ? body.then(v -> Async.failed(new RuntimeException()))
                                            : body));
                }
                try {
                    scope.join();
                } catch (TaskPanicException expected) {
                    // the policy decides; what matters here is the close below
                }
            }
            assertThat(children).allMatch(TaskHandle::isFinished);
        }
        assertThat(ex.dumpTasks()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("executors")
    void hostileArguments(String kind, Supplier<AsyncExecutor> make) {
        AsyncExecutor ex = open(make);
        assertThatThrownBy(() -> TaskScope.open(null, ScopePolicy.FAIL_FAST))
                .hasMessageContaining("executor");
        assertThatThrownBy(() -> TaskScope.open(ex, null)).hasMessageContaining("policy");
        try (TaskScope scope = TaskScope.open(ex, ScopePolicy.FAIL_FAST)) {
            assertThatThrownBy(() -> scope.spawn(null)).hasMessageContaining("future");
            assertThatThrownBy(() -> scope.spawn(" ", Async.ready(1))).hasMessageContaining("name");
            try {
                scope.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            assertThatThrownBy(() -> scope.spawn(Async.ready(1)))
                    .hasMessageContaining("spawn before join()");
        }
    }
}
