package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code ThreadedExecutor.close()} from a task's drop or {@link Async#ensure} cleanup, which runs
 * on the executor's own worker but not inside a poll (probe14). Before, the "inside a poll" check
 * missed it: close() waited for every worker to exit, including the one running it, for ever.
 */
class ThreadedExecutorCloseInDropTest {
    @Test
    void anEnsureCleanupClosingItsOwnExecutorFailsFastInsteadOfWaitingForItself() {
        assertTimeoutPreemptively(
                Duration.ofSeconds(60),
                () -> {
                    ThreadedExecutor ex = ThreadedExecutor.create("own", 1);
                    TaskHandle<Object> h = ex.spawn(Async.never().ensure(ex::close));
                    while (h.pollCount() == 0) {
                        Thread.onSpinWait();
                    }
                    h.cancel();
                    assertThatThrownBy(h::join)
                            .isInstanceOf(TaskPanicException.class)
                            .cause()
                            .isInstanceOf(IllegalStateException.class)
                            .hasMessageContaining("on its own worker thread 'own-worker-0'")
                            .hasMessageContaining("close from outside the executor");
                    ex.close(); // from outside: works
                    assertThat(ex.isClosed()).isTrue();
                });
    }

    @Test
    void aDropClosingItsOwnExecutorFailsFast() {
        assertTimeoutPreemptively(
                Duration.ofSeconds(60),
                () -> {
                    ThreadedExecutor ex = ThreadedExecutor.create("own2", 2);
                    Async<Integer> closesOnDrop =
                            new Async<>() {
                                @Override
                                public Poll<Integer> poll(Context cx) {
                                    return Poll.pending();
                                }

                                @Override
                                public void drop() {
                                    ex.close();
                                }
                            };
                    TaskHandle<Integer> h = ex.spawn(closesOnDrop);
                    while (h.pollCount() == 0) {
                        Thread.onSpinWait();
                    }
                    h.cancel();
                    assertThatThrownBy(h::join).isInstanceOf(TaskPanicException.class);
                    ex.close();
                });
    }
}
