package dev.braid.examples.guides;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.braid.async.Async;
import dev.braid.async.AsyncMutex;
import dev.braid.async.LocalExecutor;
import dev.braid.async.TaskHandle;
import dev.braid.async.ThreadedExecutor;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The examples of {@code docs/async.md} that {@code AsyncDocExamplesTest} (braid-core) does not
 * hold — the {@code AsyncMutex} one, the misuse table's rows added by the audit — and the README's
 * async line, compiled and run.
 */
@SuppressWarnings("try") // a guard held for its scope only
class AsyncGuideTest {
    private static Async<Integer> fetch(String key) {
        return Async.yieldNow().map(v -> key.length());
    }

    @Test
    void asyncMutex() throws Exception {
        // --- docs/async.md, "Mutual exclusion between tasks: AsyncMutex"
        AsyncMutex m = new AsyncMutex("counter");
        Map<String, Integer> store = new HashMap<>(); // guarded by m
        Async<Integer> increment =
                m.lock()
                        .then(
                                guard ->
                                        fetch("k") // holds the lock across a pending point
                                                .map(
                                                        v -> {
                                                            try (guard) {
                                                                return store.merge(
                                                                        "k", v, Integer::sum);
                                                            }
                                                        }));
        // ---
        try (ThreadedExecutor ex = ThreadedExecutor.create("workers", 2)) {
            // a future runs once: spawn it once (a second spawn of the same object would poll a
            // completed future, which braid's combinators refuse)
            TaskHandle<Integer> first = ex.spawn(increment);
            TaskHandle<Integer> second =
                    ex.spawn(
                            m.lock()
                                    .then(
                                            guard ->
                                                    fetch("k")
                                                            .map(
                                                                    v -> {
                                                                        try (guard) {
                                                                            return store.merge(
                                                                                    "k",
                                                                                    v,
                                                                                    Integer::sum);
                                                                        }
                                                                    })));
            assertThat(List.of(first.join(), second.join())).containsExactlyInAnyOrder(1, 2);
        }
        assertThat(store).containsEntry("k", 2);
        assertThat(m.isLocked()).isFalse();
        try (AsyncMutex.Guard g = Async.await(m.lock())) { // from a thread, as the guide says
            assertThat(m.isLocked()).isTrue();
            assertThat(m.tryLock()).isEmpty();
        }
    }

    @Test
    void misuseRowsAddedByTheAudit() throws Exception {
        try (LocalExecutor ex = LocalExecutor.create("main")) {
            TaskHandle<Integer> h = ex.spawn(Async.yieldNow().map(v -> 1));
            assertTimeoutPreemptively( // before ADR 0066 this join waited for ever
                    Duration.ofSeconds(10),
                    () ->
                            assertThatThrownBy(h::join)
                                    .as("an untimed join of a local task nobody drives")
                                    .isInstanceOf(IllegalStateException.class)
                                    .hasMessageContaining("blockOn(handle)"));
            assertThat(ex.blockOn(h)).isEqualTo(1);
        }
    }

    @Test
    void theReadmeLine() throws Exception {
        String s;
        // --- README.md, "A taste" (async lines)
        try (var ex = LocalExecutor.create("main")) { // poll-based futures with wakers
            s = ex.blockOn(Async.sleep(Duration.ofMillis(10)).map(v -> "hello"));
        }
        // ---
        assertThat(s).isEqualTo("hello");
    }
}
