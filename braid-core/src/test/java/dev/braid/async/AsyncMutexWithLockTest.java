package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.cancel.CancelledException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A future that holds an {@link AsyncMutex}'s guard across a pending point and is dropped before it
 * closes the guard (its task cancelled, a timeout, a lost race) left the mutex locked for ever:
 * probe15 found every waiter stuck behind a timed-out holder ("locked by task 'e-task-1', 333
 * waiting"), with docs/async.md's own example written that way. {@link AsyncMutex#withLock} closes
 * the guard when its work finishes, fails or is dropped.
 */
class AsyncMutexWithLockTest {

    private final CompletableFuture<Void> fetched = new CompletableFuture<>();

    /** docs/async.md's {@code fetch}: pending until the test completes {@code fetched}. */
    private Async<Integer> fetch(String key) {
        return Async.fromStage(fetched).map(v -> key.length());
    }

    @Test
    void theGuidesExampleUnlocksWhenItsTaskIsCancelledWhileHoldingTheLock() throws Exception {
        // docs/async.md, "Mutual exclusion between tasks"
        AsyncMutex m = new AsyncMutex("counter");
        Map<String, Integer> store = new HashMap<>(); // guarded by m
        Async<Integer> increment =
                m.withLock(
                        guard ->
                                fetch("k") // holds the lock across a pending point
                                        .map(v -> store.merge("k", v, Integer::sum)));
        // ---
        try (LocalExecutor ex = LocalExecutor.create("docs")) {
            TaskHandle<Integer> h = ex.spawn("increment", increment);
            ex.runUntilStalled(); // took the lock, pending in fetch
            assertThat(m.isLocked()).isTrue();
            h.cancel();
            ex.runUntilStalled(); // the cancellation drops the work: the guard is closed
            assertThatThrownBy(h::join).isInstanceOf(CancelledException.class);
            assertThat(m.isLocked()).isFalse();
            assertThat(store).isEmpty();
            int again = ex.blockOn(m.<Integer>withLock(g -> Async.ready(2))); // free again
            assertThat(again).isEqualTo(2);
        }
        assertThat(m.isLocked()).isFalse();
    }

    /** The shape that leaked (the lock held by a future nobody polls), pinned for contrast. */
    @Test
    void aGuardFromLockIsTheCallersAndStaysHeldWhenItsFutureIsDropped() throws Exception {
        AsyncMutex m = new AsyncMutex("bare");
        try (LocalExecutor ex = LocalExecutor.create("bare")) {
            TaskHandle<Object> h =
                    ex.spawn(m.lock().then(g -> Async.never().map(v -> closeAndReturn(g, v))));
            ex.runUntilStalled();
            h.cancel();
            ex.runUntilStalled();
            assertThat(m.isLocked()).as("documented: close the guard, or use withLock").isTrue();
        }
    }

    private static Object closeAndReturn(AsyncMutex.Guard g, Object v) {
        g.close();
        return v;
    }

    @Test
    void aTimeoutThatElapsesWhileTheWorkHoldsTheLockUnlocks() throws Exception {
        AsyncMutex m = new AsyncMutex("timed");
        try (LocalExecutor ex = LocalExecutor.create("timed")) {
            Timed<Object> t =
                    ex.blockOn(m.withLock(g -> Async.never()).timeout(Duration.ofMillis(1)));
            assertThat(t.isDone()).isFalse();
            assertThat(m.isLocked()).isFalse();
        }
    }

    @Test
    void aBodyThatThrowsOrReturnsNullFailsTheFutureAfterTheUnlock() throws Exception {
        AsyncMutex m = new AsyncMutex("throws");
        try (LocalExecutor ex = LocalExecutor.create("throws")) {
            assertThatThrownBy(
                            () ->
                                    ex.blockOn(
                                            m.withLock(
                                                    g -> {
                                                        throw new IllegalStateException("body");
                                                    })))
                    .hasMessage("body");
            assertThat(m.isLocked()).isFalse();
            assertThatThrownBy(() -> ex.blockOn(m.<Object>withLock(g -> null)))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("withLock's body");
            assertThat(m.isLocked()).isFalse();
            assertThatThrownBy(() -> m.withLock(null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("body");
        }
    }

    /** probe15's stress shape: every third holder times out while it holds the lock. */
    @Test
    void holdersThatTimeOutOrAreCancelledNeverStrandTheWaiters() throws Exception {
        AsyncMutex m = new AsyncMutex("stress");
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlap = new AtomicInteger();
        try (ThreadedExecutor ex = ThreadedExecutor.create("stress", 2)) {
            List<TaskHandle<Object>> hs = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                Async<Object> work =
                        m.withLock(
                                g -> {
                                    if (inside.incrementAndGet() != 1) {
                                        overlap.incrementAndGet();
                                    }
                                    return Async.yieldNow()
                                            .map(v -> (Object) v)
                                            .ensure(inside::decrementAndGet); // before the unlock
                                });
                Async<Object> f =
                        i % 3 == 0 ? work.timeout(Duration.ofNanos(1)).map(x -> (Object) x) : work;
                hs.add(ex.spawn(f));
                if (i % 5 == 0) {
                    hs.get(i / 2).cancel();
                }
            }
            for (TaskHandle<Object> h : hs) {
                try {
                    h.join();
                } catch (CancelledException e) {
                    // cancelled above: fine, as long as it ended
                }
            }
        }
        assertThat(overlap.get()).isZero();
        assertThat(m.isLocked()).isFalse();
    }
}
