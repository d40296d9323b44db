package dev.braid.examples.guides;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.braid.async.Async;
import dev.braid.async.LocalExecutor;
import dev.braid.async.TaskHandle;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What of {@code docs/async.md} braid-core's {@code AsyncDocExamplesTest} and {@code
 * AsyncMutexTest} (which hold its examples) do not: the misuse table's row added by the audit, and
 * the README's async line, compiled and run.
 */
class AsyncGuideTest {
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
