package dev.braid.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * {@link PoolTask}'s calls that need a task of a pool, made from a plain thread (docs13): each
 * names the call the user made and the way out. Before, {@code PoolTask.invokeAll(a, b)} answered
 * with {@code fork()}'s message ("fork() called on thread ..."), a method the caller never called.
 */
class PoolTaskOutsideMessageTest {
    static final class One extends PoolTask<Integer> {
        @Override
        protected Integer compute() {
            return 1;
        }
    }

    /** Fails on the code before: the message began "fork() called". */
    @Test
    void invokeAllOutsideAPoolNamesInvokeAllAndLeavesBothTasksUsable() {
        One a = new One();
        One b = new One();
        assertThatThrownBy(() -> PoolTask.invokeAll(a, b))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("invokeAll(a, b) called on thread '")
                .hasMessageContaining("which runs no task of a pool")
                .hasMessageContaining("pool.invoke(task)");
        try (var pool = WorkStealingPool.builder().parallelism(1).build()) {
            // neither task was bound to a pool by the refused call: both still run
            assertThat(pool.invoke(a)).isEqualTo(1);
            assertThat(pool.invoke(b)).isEqualTo(1);
        }
    }

    /** Pinned: fork() and invoke() outside a pool name themselves. */
    @Test
    void forkAndInvokeOutsideAPoolNameThemselves() {
        assertThatThrownBy(() -> new One().fork())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("fork() called on thread '");
        assertThatThrownBy(() -> new One().invoke())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("invoke() called on thread '");
    }
}
