package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.cancel.Deadline;
import dev.braid.thread.ScopePolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A task scope opened on a closed executor fails at {@code open}, naming the executor, instead of
 * opening a scope whose every spawn then throws (found by the audit of 2026-12-05).
 */
class TaskScopeOnClosedExecutorTest {

    @Test
    void openOnEveryClosedExecutorKindFailsFastAndNamesTheExecutor() {
        List<AsyncExecutor> executors =
                List.of(
                        LocalExecutor.create("closed-local"),
                        ThreadedExecutor.create("closed-threaded", 1),
                        PoolExecutor.create("closed-pool", 1));
        for (AsyncExecutor executor : executors) {
            executor.close();
            assertThat(executor.isClosed()).isTrue();
            assertThatThrownBy(() -> TaskScope.open(executor, ScopePolicy.FAIL_FAST))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(executor.toString())
                    .hasMessageContaining("closed");
            assertThatThrownBy(
                            () ->
                                    TaskScope.open(
                                            executor, ScopePolicy.COLLECT_ALL, Deadline.never()))
                    .isInstanceOf(IllegalStateException.class);
            assertThat(executor.dumpTasks()).isEmpty();
        }
    }

    @Test
    void openOnARunningExecutorStillWorks() throws Exception {
        try (ThreadedExecutor executor = ThreadedExecutor.create("running", 1)) {
            try (TaskScope scope = TaskScope.open(executor, ScopePolicy.FAIL_FAST)) {
                scope.spawn(Async.ready(1));
                scope.join();
            }
        }
    }
}
