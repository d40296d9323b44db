package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.braid.thread.ScopePolicy;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A long-lived {@link TaskScope} does not keep every child it ever had, nor each child's
 * registration on the scope's token (probe14). Before, a scope that spawned 100,000 short tasks
 * held about 190 bytes per task until it closed.
 */
class TaskScopeRetentionTest {
    @Test
    void finishedChildrenOfAnOpenScopeCanBeCollected() {
        assertTimeoutPreemptively(
                Duration.ofSeconds(30),
                () -> {
                    try (ThreadedExecutor ex = ThreadedExecutor.create("tsr", 1);
                            TaskScope scope = TaskScope.open(ex, ScopePolicy.FAIL_FAST)) {
                        List<WeakReference<TaskHandle<Integer>>> refs = new ArrayList<>();
                        for (int i = 0; i < 2_000; i++) {
                            TaskHandle<Integer> h = scope.spawn(Async.ready(i));
                            assertThat(h.join()).isEqualTo(i);
                            refs.add(new WeakReference<>(h));
                        }
                        int collected;
                        while ((collected =
                                        (int) refs.stream().filter(r -> r.get() == null).count())
                                < 1_800) {
                            System.gc(); // the scope is still open
                            Thread.sleep(10);
                        }
                        assertThat(collected).isGreaterThanOrEqualTo(1_800);
                        TaskHandle<Void> last = scope.spawn(Async.yieldNow());
                        scope.join(); // still waits for the last one
                        assertThat(last.isFinished()).isTrue();
                        assertThat(scope.toString()).contains("children=2001");
                    }
                });
    }

    /** Pinned: a scope whose children were all pruned still refuses a close without join. */
    @Test
    void closeWithoutJoinStillFailsAfterEveryChildWasPruned() {
        assertTimeoutPreemptively(
                Duration.ofSeconds(30),
                () -> {
                    try (ThreadedExecutor ex = ThreadedExecutor.create("tsr2", 1)) {
                        TaskScope scope = TaskScope.open(ex, ScopePolicy.FAIL_FAST);
                        for (int i = 0; i < 200; i++) {
                            scope.spawn(Async.ready(i)).join();
                        }
                        org.assertj.core.api.Assertions.assertThatThrownBy(scope::close)
                                .isInstanceOf(IllegalStateException.class)
                                .hasMessage(
                                        "task scope closed without join(): no child was still"
                                                + " running; call join() before close() to get"
                                                + " the children's outcomes");
                    }
                });
    }
}
