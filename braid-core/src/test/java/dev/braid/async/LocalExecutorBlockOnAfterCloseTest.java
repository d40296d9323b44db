package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * probe16: {@code blockOn} after a LocalExecutor's {@code close()} said "spawn tasks before
 * close()", a way out for {@code spawn}, not for {@code blockOn}. It now names blockOn's.
 */
class LocalExecutorBlockOnAfterCloseTest {
    @Test
    void blockOnAfterCloseSaysWhatToDoInstead() throws InterruptedException {
        LocalExecutor ex = LocalExecutor.create("closed-one");
        ex.close();
        assertThatThrownBy(() -> ex.blockOn(Async.ready(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(
                        "LocalExecutor 'closed-one' is closed: blockOn runs its future as a task of"
                                + " the executor; call blockOn before close(), or run the future on"
                                + " this thread with Async.await(future) or on a new LocalExecutor");
        assertThat(Async.await(Async.ready(1))).as("the way out works").isEqualTo(1);
        assertThat(ex.isDriven()).as("the refused call left no driver behind").isFalse();
        try (LocalExecutor fresh = LocalExecutor.create("fresh")) {
            assertThat(fresh.blockOn(Async.ready(2))).isEqualTo(2);
        }
    }
}
