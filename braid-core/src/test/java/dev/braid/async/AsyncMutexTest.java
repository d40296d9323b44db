package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.cancel.CancelledException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The contract of {@link AsyncMutex}: exclusion, FIFO hand-off, cancellation leaving no trace. */
class AsyncMutexTest {
    private final List<AsyncExecutor> opened = new ArrayList<>();
    private final AsyncModelTest.CountingWaker waker = new AsyncModelTest.CountingWaker();
    private final Context cx = new Context(waker);

    @AfterEach
    void closeAll() {
        opened.forEach(AsyncExecutor::close);
    }

    static Stream<Arguments> executors() {
        return ExecutorContractTest.executors();
    }

    static AsyncMutex.Guard guard(Poll<AsyncMutex.Guard> p) {
        if (p instanceof Poll.Ready<AsyncMutex.Guard>(AsyncMutex.Guard g)) {
            return g;
        }
        throw new AssertionError("expected the lock, got " + p);
    }

    static Async<Integer> criticalSections(AsyncMutex m, AtomicInteger inside, int left, int n) {
        if (left == 0) {
            return Async.ready(n);
        }
        return m.lock()
                .then(
                        g -> {
                            if (inside.incrementAndGet() != 1) {
                                throw new AssertionError("two tasks inside the mutex");
                            }
                            return Async.yieldNow() // hold it across a pending point
                                    .map(
                                            v -> {
                                                inside.decrementAndGet();
                                                g.close();
                                                return v;
                                            });
                        })
                .then(v -> criticalSections(m, inside, left - 1, n + 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("executors")
    void tasksHoldingTheMutexAcrossPendingPointsExcludeEachOther(
            String kind, Supplier<AsyncExecutor> make) throws Exception {
        AsyncExecutor ex = make.get();
        opened.add(ex);
        AsyncMutex m = new AsyncMutex("m");
        AtomicInteger inside = new AtomicInteger();
        List<Async<? extends Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            tasks.add(ex.spawn("t" + i, criticalSections(m, inside, 200, 0)));
        }
        List<Integer> done = ExecutorContractTest.await(ex, ex.spawn(Async.joinAll(tasks)));
        assertThat(done).containsOnly(200).hasSize(8);
        assertThat(m.isLocked()).isFalse();
        assertThat(m.waiters()).isZero();
    }

    @Test
    void waitersGetTheLockInTheOrderTheyFirstPolledAndANewcomerDoesNotOvertake() {
        AsyncMutex m = new AsyncMutex("fifo");
        AsyncMutex.Guard held = m.tryLock().orElseThrow();
        List<Async<AsyncMutex.Guard>> queue = List.of(m.lock(), m.lock(), m.lock());
        for (Async<AsyncMutex.Guard> f : queue) {
            assertThat(f.poll(cx).isReady()).isFalse();
        }
        assertThat(m.waiters()).isEqualTo(3);
        held.close();
        held.close(); // a second close does nothing
        assertThat(waker.wakes).as("exactly the first waiter is woken").hasValue(1);
        assertThat(m.tryLock()).as("handed off, never free").isEmpty();
        Async<AsyncMutex.Guard> newcomer = m.lock();
        assertThat(newcomer.poll(cx).isReady()).isFalse();
        assertThat(queue.get(2).poll(cx).isReady()).isFalse();
        assertThat(queue.get(1).poll(cx).isReady()).isFalse();
        for (Async<AsyncMutex.Guard> f : List.of(queue.get(0), queue.get(1), queue.get(2))) {
            AsyncMutex.Guard g = guard(f.poll(cx));
            assertThatThrownBy(() -> f.poll(cx))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("polled after it completed");
            g.close();
        }
        assertThat(newcomer.poll(cx).isReady()).isTrue();
        assertThat(m.waiters()).isZero();
    }

    @Test
    void aDroppedWaiterLeavesNoTraceAndADroppedGrantPassesTheLockOn() {
        AsyncMutex m = new AsyncMutex("drop");
        AsyncMutex.Guard held = m.tryLock().orElseThrow();
        Async<AsyncMutex.Guard> a = m.lock();
        Async<AsyncMutex.Guard> b = m.lock();
        Async<AsyncMutex.Guard> c = m.lock();
        a.poll(cx);
        b.poll(cx);
        c.poll(cx);
        b.drop();
        b.drop();
        assertThat(m.waiters()).isEqualTo(2);
        assertThatThrownBy(() -> b.poll(cx)).isInstanceOf(IllegalStateException.class);
        held.close(); // hands to a
        a.drop(); // a never returned its guard: the lock goes on to c
        assertThat(m.waiters()).isZero();
        assertThat(m.isLocked()).isTrue();
        guard(c.poll(cx)).close();
        assertThat(m.isLocked()).isFalse();
        m.lock().drop(); // never polled: nothing to undo
        assertThat(m.tryLock()).isPresent();
    }

    @Test
    void aSpentBudgetKeepsTheLockAndYields() {
        AsyncMutex m = new AsyncMutex("budget");
        Context spent = new Context(waker);
        while (spent.remainingBudget() > 0) {
            spent.consumeBudget();
        }
        Async<AsyncMutex.Guard> f = m.lock();
        assertThat(f.poll(spent).isReady()).isFalse();
        assertThat(waker.wakes).hasValue(1);
        assertThat(m.isLocked()).as("granted while it yields").isTrue();
        assertThat(f.poll(cx).isReady()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("executors")
    void aCancelledOrTimedOutWaitingTaskLeavesTheQueue(String kind, Supplier<AsyncExecutor> make)
            throws Exception {
        AsyncExecutor ex = make.get();
        opened.add(ex);
        AsyncMutex m = new AsyncMutex("cancel");
        AsyncMutex.Guard held = m.tryLock().orElseThrow();
        Timed<AsyncMutex.Guard> t =
                ExecutorContractTest.await(ex, ex.spawn(m.lock().timeout(Duration.ofMillis(5))));
        assertThat(t).isInstanceOf(Timed.Elapsed.class);
        assertThat(m.waiters()).isZero();
        TaskHandle<AsyncMutex.Guard> waiting = ex.spawn("waiting", m.lock());
        if (ex instanceof LocalExecutor l) {
            l.runUntilStalled();
        }
        waiting.cancel();
        assertThatThrownBy(() -> ExecutorContractTest.await(ex, waiting))
                .isInstanceOf(CancelledException.class);
        assertThat(m.waiters()).isZero();
        held.close();
        assertThat(m.isLocked()).isFalse();
        assertThatThrownBy(() -> new AsyncMutex(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name");
    }

    /** docs/async.md's example: {@code fetch} is pending once, then gives 1. */
    static Async<Integer> fetch(String key) {
        return Async.yieldNow().map(v -> key.length());
    }

    static Async<Integer> increment(AsyncMutex m, Map<String, Integer> store) {
        return m.lock()
                .then(
                        guard ->
                                fetch("k")
                                        .map(
                                                v -> {
                                                    try (guard) {
                                                        return store.merge("k", v, Integer::sum);
                                                    }
                                                }));
    }

    @Test
    void theDocsExampleCountsEveryIncrementOnce() throws Exception {
        AsyncMutex m = new AsyncMutex("counter");
        Map<String, Integer> store = new HashMap<>(); // guarded by m
        try (LocalExecutor ex = LocalExecutor.create("docs")) {
            List<Async<? extends Integer>> hs = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                hs.add(ex.spawn(increment(m, store)));
            }
            ex.blockOn(Async.joinAll(hs));
        }
        assertThat(store).containsEntry("k", 50);
    }
}
