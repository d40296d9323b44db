package dev.braid.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.braid.thread.PanicException;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;

/**
 * What a finished pool task leaves behind (probe15, after ADR 0163): a long-lived {@link PoolScope}
 * does not keep every task it ever spawned (before: about 120 bytes per task until the scope
 * ended), and a finished {@link TaskHandle} does not keep its body (before: the Callable and all it
 * captured, for as long as anyone held the handle). Measured by reachability: a weak reference that
 * clears while the scope is open or the handle held. The collector is asked at most a bounded
 * number of times; a collector that never clears what is unreachable would fail the test, not hang
 * it.
 */
class PoolRetentionTest {
    private static final int GC_TRIES = 50;

    /**
     * Runs the collector until {@code count} reaches {@code atLeast}, a bounded number of times.
     */
    private static int collectUntil(IntSupplier count, int atLeast) {
        int n = count.getAsInt();
        for (int i = 0; i < GC_TRIES && n < atLeast; i++) {
            System.gc();
            n = count.getAsInt();
        }
        return n;
    }

    private static int cleared(List<? extends WeakReference<?>> refs) {
        return (int) refs.stream().filter(r -> r.get() == null).count();
    }

    @Test
    void finishedTasksOfAnOpenScopeCanBeCollected() {
        assertTimeoutPreemptively(
                Duration.ofSeconds(60),
                () -> {
                    List<TaskHandle<Void>> lastOne = new ArrayList<>();
                    try (WorkStealingPool pool =
                            WorkStealingPool.builder().parallelism(1).build()) {
                        pool.scope(
                                s -> {
                                    List<WeakReference<TaskHandle<Integer>>> refs =
                                            new ArrayList<>();
                                    for (int i = 0; i < 2_000; i++) {
                                        int v = i;
                                        TaskHandle<Integer> h = s.spawn(() -> v);
                                        assertThat(h.join()).isEqualTo(i);
                                        refs.add(new WeakReference<>(h));
                                    }
                                    assertThat(collectUntil(() -> cleared(refs), 1_800))
                                            .as("finished tasks collected while the scope is open")
                                            .isGreaterThanOrEqualTo(1_800);
                                    CountDownLatch go = new CountDownLatch(1);
                                    TaskHandle<Void> last = s.spawn(() -> awaitQuietly(go));
                                    go.countDown();
                                    assertThat(s.toString()).startsWith("PoolScope[pool '");
                                    lastOne.add(last);
                                });
                        assertThat(lastOne.get(0).isFinished())
                                .as("the scope still joined it")
                                .isTrue();
                    }
                });
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A scope whose finished tasks were pruned still joins the unfinished ones at its end: a task
     * still blocked when the pruning spawns run is waited for.
     */
    @Test
    void pruningKeepsUnfinishedTasksAndTheScopeWaitsForThem() {
        assertTimeoutPreemptively(
                Duration.ofSeconds(60),
                () -> {
                    try (WorkStealingPool pool =
                            WorkStealingPool.builder().parallelism(2).build()) {
                        CountDownLatch release = new CountDownLatch(1);
                        boolean[] ran = new boolean[1];
                        List<TaskHandle<?>> slow = new ArrayList<>();
                        pool.scope(
                                s -> {
                                    slow.add(
                                            s.spawn(
                                                    () -> {
                                                        awaitQuietly(release);
                                                        ran[0] = true;
                                                    }));
                                    for (int i = 0; i < 1_000; i++) {
                                        s.spawn(() -> {}).join();
                                    }
                                    release.countDown(); // the slow task may still be running
                                });
                        assertThat(slow.get(0).isFinished()).isTrue();
                        assertThat(ran[0]).isTrue();
                    }
                });
    }

    /** The first failure still fails the scope after its task was pruned from the bookkeeping. */
    @Test
    void aPrunedFailedTaskStillFailsTheScope() {
        assertTimeoutPreemptively(
                Duration.ofSeconds(60),
                () -> {
                    try (WorkStealingPool pool =
                            WorkStealingPool.builder().parallelism(1).build()) {
                        assertThatThrownBy(
                                        () ->
                                                pool.scope(
                                                        s -> {
                                                            TaskHandle<Void> bad =
                                                                    s.spawn(
                                                                            () -> {
                                                                                throw new IllegalStateException(
                                                                                        "boom");
                                                                            });
                                                            while (!bad.isFinished()) {
                                                                Thread.onSpinWait();
                                                            }
                                                            for (int i = 0; i < 1_000; i++) {
                                                                s.spawn(() -> {});
                                                            }
                                                        }))
                                .isInstanceOf(PanicException.class)
                                .hasCauseInstanceOf(IllegalStateException.class);
                    }
                });
    }

    /** A failure received through join counts as handled, however often it was joined. */
    @Test
    void aJoinedFirstFailureIsHandledAndJoinsDoNotAccumulate() {
        assertTimeoutPreemptively(
                Duration.ofSeconds(60),
                () -> {
                    try (WorkStealingPool pool =
                            WorkStealingPool.builder().parallelism(1).build()) {
                        pool.scope(
                                s -> {
                                    TaskHandle<Void> bad =
                                            s.spawn(
                                                    () -> {
                                                        throw new IllegalStateException("boom");
                                                    });
                                    for (int i = 0; i < 10_000; i++) {
                                        assertThatThrownBy(bad::join)
                                                .isInstanceOf(PanicException.class);
                                    }
                                });
                    }
                });
    }

    @Test
    void aFinishedHandleDoesNotKeepItsBody() {
        assertTimeoutPreemptively(
                Duration.ofSeconds(60),
                () -> {
                    try (WorkStealingPool pool =
                            WorkStealingPool.builder().parallelism(1).build()) {
                        List<TaskHandle<Integer>> handles = new ArrayList<>();
                        List<WeakReference<int[]>> captured = new ArrayList<>();
                        for (int i = 0; i < 100; i++) {
                            int[] payload = new int[1_000];
                            payload[0] = i;
                            captured.add(new WeakReference<>(payload));
                            TaskHandle<Integer> h = pool.submit(() -> payload[0]);
                            assertThat(h.join()).isEqualTo(i);
                            handles.add(h);
                        }
                        assertThat(collectUntil(() -> cleared(captured), 95))
                                .as("bodies of finished tasks collected while their handles live")
                                .isGreaterThanOrEqualTo(95);
                        assertThat(handles.get(99).join()).isEqualTo(99); // still the outcome
                        assertThat(handles.get(0).toString()).contains("finished");
                    }
                });
    }

    @Test
    void aFinishedScopeTaskDoesNotKeepItsBody() {
        assertTimeoutPreemptively(
                Duration.ofSeconds(60),
                () -> {
                    try (WorkStealingPool pool =
                            WorkStealingPool.builder().parallelism(1).build()) {
                        pool.scope(
                                s -> {
                                    List<TaskHandle<Integer>> handles = new ArrayList<>();
                                    List<WeakReference<int[]>> captured = new ArrayList<>();
                                    for (int i = 0; i < 100; i++) {
                                        int[] payload = new int[1_000];
                                        payload[0] = i;
                                        captured.add(new WeakReference<>(payload));
                                        TaskHandle<Integer> h = s.spawn(() -> payload[0]);
                                        assertThat(h.join()).isEqualTo(i);
                                        handles.add(h);
                                    }
                                    assertThat(collectUntil(() -> cleared(captured), 95))
                                            .isGreaterThanOrEqualTo(95);
                                    assertThat(handles.get(7).join()).isEqualTo(7);
                                });
                    }
                });
    }
}
