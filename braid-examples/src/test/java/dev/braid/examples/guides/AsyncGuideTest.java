package dev.braid.examples.guides;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.braid.async.Async;
import dev.braid.async.AsyncMutex;
import dev.braid.async.LocalExecutor;
import dev.braid.async.TaskHandle;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What of {@code docs/async.md} braid-core's {@code AsyncDocExamplesTest} and {@code
 * AsyncMutexTest} (which hold its examples) do not: the misuse table's row added by the audit, the
 * README's async line, and the {@code AsyncMutex} example as the guide writes it (AsyncMutexTest
 * holds it as a method), compiled and run.
 */
class AsyncGuideTest {
    @Test
    void misuseRowsAddedByTheAudit() throws Exception {
        try (LocalExecutor ex = LocalExecutor.create("main")) {
            TaskHandle<Integer> h = ex.spawn(Async.yieldNow().map(v -> 1));
            assertTimeoutPreemptively( // before ADR 0066 this join waited for ever
                    Duration.ofSeconds(60),
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

    /** docs/async.md's {@code fetch}: pending once, then the key's length. */
    private static Async<Integer> fetch(String key) {
        return Async.yieldNow().map(v -> key.length());
    }

    @Test
    void theAsyncMutexExampleAsTheGuideWritesIt() throws Exception {
        // --- docs/async.md, "Mutual exclusion between tasks"
        AsyncMutex m = new AsyncMutex("counter");
        Map<String, Integer> store = new HashMap<>(); // guarded by m
        Async<Integer> increment =
                m.withLock(
                        guard ->
                                fetch("k") // holds the lock across a pending point
                                        .map(v -> store.merge("k", v, Integer::sum)));
        // ---
        try (LocalExecutor ex = LocalExecutor.create("docs")) {
            AsyncMutex.Guard held = m.tryLock().orElseThrow();
            TaskHandle<Integer> h = ex.spawn("increment", increment);
            ex.runUntilStalled(); // the task waits for the lock: pending, not blocking
            assertThat(h.isFinished()).isFalse();
            assertThat(store).isEmpty();
            held.close(); // hands the lock to the waiting task
            assertThat(ex.blockOn(h)).isEqualTo(1); // "k".length()
        }
        assertThat(store).containsEntry("k", 1);
        assertThat(m.isLocked()).isFalse();
    }
}
