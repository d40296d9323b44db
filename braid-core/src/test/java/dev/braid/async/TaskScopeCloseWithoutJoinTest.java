package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.braid.thread.ScopePolicy;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * probe16: a {@link TaskScope} closed without {@link TaskScope#join()} — the usual shape when the
 * body of a try-with-resources throws — must not lose its children's panics, and its message must
 * say what happened. Before, the {@code IllegalStateException} said "its children were cancelled"
 * also when every child had finished, and a child's panic was reported nowhere: the same program
 * with {@code Threads.scope} attaches it to the body's exception.
 */
class TaskScopeCloseWithoutJoinTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    private final ThreadedExecutor ex = ThreadedExecutor.create("close-without-join", 2);

    @AfterEach
    void close() {
        assertTimeoutPreemptively(LIMIT, ex::close);
    }

    @Test
    void aThrowingBodyCarriesTheChildsPanic() {
        assertTimeoutPreemptively(
                LIMIT,
                () -> {
                    IllegalStateException boom = new IllegalStateException("child failure");
                    Throwable thrown = null;
                    try (TaskScope scope = TaskScope.open(ex, ScopePolicy.COLLECT_ALL)) {
                        TaskHandle<Integer> child = scope.spawn("child", Async.failed(boom));
                        while (!child.isFinished()) {
                            Thread.onSpinWait();
                        }
                        throw new RuntimeException("body");
                    } catch (RuntimeException e) {
                        thrown = e;
                    }
                    assertThat(thrown).hasMessage("body");
                    assertThat(thrown.getSuppressed()).hasSize(1);
                    Throwable close = thrown.getSuppressed()[0];
                    assertThat(close)
                            .isInstanceOf(IllegalStateException.class)
                            .hasMessageStartingWith(
                                    "task scope closed without join(): no child was still running")
                            .hasMessageContaining("panics are attached as suppressed");
                    assertThat(close.getSuppressed()).hasSize(1);
                    assertThat(close.getSuppressed()[0])
                            .isInstanceOf(TaskPanicException.class)
                            .hasCause(boom)
                            .hasMessageContaining("task 'child'");
                });
    }

    @Test
    void theMessageSaysHowManyChildrenItCancelled() {
        assertTimeoutPreemptively(
                LIMIT,
                () -> {
                    TaskScope scope = TaskScope.open(ex, ScopePolicy.FAIL_FAST);
                    TaskHandle<Integer> done = scope.spawn("done", Async.ready(1));
                    assertThat(done.join()).isEqualTo(1);
                    TaskHandle<Object> stuck = scope.spawn("stuck", Async.never());
                    assertThatThrownBy(scope::close)
                            .isInstanceOf(IllegalStateException.class)
                            .hasMessage(
                                    "task scope closed without join(): 1 child(ren) still running"
                                            + " cancelled; call join() before close() to get the"
                                            + " children's outcomes")
                            .satisfies(e -> assertThat(e.getSuppressed()).isEmpty());
                    assertThat(stuck.isFinished()).isTrue();
                });
    }
}
