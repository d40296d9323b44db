package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.braid.pool.WorkStealingPool;
import dev.braid.thread.PanicException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Closing a {@link PoolExecutor} from a task of its own pool (audit 7): close cancels the live
 * tasks and waits for them to end, which they do on the pool's workers, one of which the caller
 * holds. On a pool of one worker that waited for ever. Now it fails at once, naming the executor
 * and the way out, and leaves the executor running (ADR 0104). Every wait is bounded.
 */
class PoolExecutorMisuseTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @Test
    void closingASharingExecutorFromATaskOfItsPoolFailsFastAndLeavesItRunning() throws Exception {
        try (WorkStealingPool pool =
                WorkStealingPool.builder().parallelism(1).namePrefix("shared").build()) {
            PoolExecutor ex = PoolExecutor.on("tasks", pool);
            TaskHandle<Void> live = ex.spawn("live", Async.never());
            assertTimeoutPreemptively(
                    LIMIT,
                    () ->
                            assertThatThrownBy(() -> pool.submit(ex::close).join())
                                    .isInstanceOf(PanicException.class)
                                    .cause()
                                    .isInstanceOf(IllegalStateException.class)
                                    .hasMessageContaining("PoolExecutor[tasks")
                                    .hasMessageContaining("called by a task of its pool")
                                    .hasMessageContaining("close from outside the pool"));
            assertThat(ex.isClosed()).as("state unchanged").isFalse();
            assertThat(live.isFinished()).isFalse();
            assertThat(ex.spawn(Async.ready(7)).join()).isEqualTo(7);
            assertTimeoutPreemptively(LIMIT, ex::close); // from outside: fine
            assertThat(live.isFinished()).isTrue();
        }
    }

    @Test
    void closingAnOwningExecutorFromATaskOfItsPoolFailsFastToo() throws Exception {
        PoolExecutor ex = PoolExecutor.create("owner", 1);
        try {
            ex.spawn("live", Async.never());
            assertTimeoutPreemptively(
                    LIMIT,
                    () ->
                            assertThatThrownBy(() -> ex.pool().submit(ex::close).join())
                                    .isInstanceOf(PanicException.class)
                                    .cause()
                                    .isInstanceOf(IllegalStateException.class)
                                    .hasMessageContaining("PoolExecutor[owner"));
            assertThat(ex.isClosed()).isFalse();
        } finally {
            assertTimeoutPreemptively(LIMIT, ex::close);
        }
    }

    @Test
    void aTaskOfThePoolMayCloseAnExecutorThatHasAlreadyTerminated() throws Exception {
        try (WorkStealingPool pool =
                WorkStealingPool.builder().parallelism(1).namePrefix("shared").build()) {
            PoolExecutor ex = PoolExecutor.on("done", pool);
            ex.close();
            assertTimeoutPreemptively(LIMIT, () -> pool.submit(ex::close).join());
            assertThat(ex.isClosed()).isTrue();
        }
    }

    @Test
    void thePoolSaysWhetherTheCallerRunsOneOfItsTasks() throws Exception {
        try (WorkStealingPool pool = WorkStealingPool.builder().parallelism(1).build();
                WorkStealingPool other = WorkStealingPool.builder().parallelism(1).build()) {
            assertThat(pool.isCallerInTask()).isFalse();
            assertThat(pool.submit(pool::isCallerInTask).join()).isTrue();
            assertThat(other.submit(pool::isCallerInTask).join()).isFalse();
        }
    }

    @Test
    void closeInsideAPollOfAnotherExecutorSaysWhichExecutorAndTheWayOut() throws Exception {
        ThreadedExecutor a = ThreadedExecutor.create("a", 1);
        try (ThreadedExecutor b = ThreadedExecutor.create("b", 1)) {
            TaskHandle<Void> closer =
                    b.spawn(
                            Async.ready(0)
                                    .map(
                                            v -> {
                                                a.close();
                                                return null;
                                            }));
            assertTimeoutPreemptively(
                    LIMIT,
                    () ->
                            assertThatThrownBy(closer::join)
                                    .isInstanceOf(TaskPanicException.class)
                                    .cause()
                                    .isInstanceOf(IllegalStateException.class)
                                    .hasMessageContaining("close() of ThreadedExecutor")
                                    .hasMessageNotContaining("its own worker")
                                    .hasMessageContaining("close from outside a poll"));
            assertThat(a.isClosed()).isFalse();
        } finally {
            a.close();
        }
    }
}
