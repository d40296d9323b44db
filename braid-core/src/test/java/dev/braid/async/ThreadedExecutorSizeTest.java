package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * A worker count too large for the executor is refused with a message naming {@code threads}
 * (docs13). Before, {@code create(name, Integer.MAX_VALUE)} died with an {@link OutOfMemoryError}
 * ("Requested array size exceeds VM limit") and {@code 1 << 30} with a {@link
 * NegativeArraySizeException} from the scheduler's table of 2n thread slots; the bound is the
 * pool's ({@code PoolExecutor.create} already refused such counts through the pool's builder).
 */
class ThreadedExecutorSizeTest {
    @Test
    void aWorkerCountAboveThePoolsBoundIsRefusedNamingTheArgumentAndStartsNoThread() {
        for (int threads : new int[] {0x8000, 1 << 30, Integer.MAX_VALUE}) {
            assertThatThrownBy(() -> ThreadedExecutor.create("huge", threads))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("threads must be between 1 and 32767, was " + threads);
        }
        assertThatThrownBy(() -> ThreadedExecutor.create("none", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("threads must be between 1 and 32767, was 0");
        assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(t -> t.getName().startsWith("huge") || t.getName().startsWith("none"));
    }

    /** Pinned: the pool-backed executor refuses the same counts, through the pool's builder. */
    @Test
    void thePoolExecutorRefusesTheSameCounts() {
        assertThatThrownBy(() -> PoolExecutor.create("huge", 0x8000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("parallelism must be between 1 and 32767");
        assertThatThrownBy(() -> PoolExecutor.create("none", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("parallelism must be > 0, was 0");
    }
}
