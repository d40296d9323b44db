package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.braid.cancel.CancelledException;
import dev.braid.channel.Channel;
import dev.braid.thread.PanicException;
import dev.braid.thread.ScopePolicy;
import dev.braid.thread.Threads;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * ADR 0179: where the same program written with {@code Threads.scope} and with {@link TaskScope}
 * ends differently, on purpose. Each case runs both forms; a change to either side fails here, so
 * it is made knowingly (and the ADR and docs/async.md's "Structured task scopes" follow).
 */
class ScopeDivergenceTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    private final ThreadedExecutor ex = ThreadedExecutor.create("divergence", 2);

    @AfterEach
    void close() {
        assertTimeoutPreemptively(LIMIT, ex::close);
    }

    /** A child panic the owner received through the child's handle. */
    @Test
    void aJoinedChildPanicIsHandledForThreadsButStillFailsATaskScope() {
        IllegalStateException boom = new IllegalStateException("f1");
        assertTimeoutPreemptively(
                LIMIT,
                () -> {
                    Threads.scope(
                            ScopePolicy.FAIL_FAST,
                            s -> {
                                var h =
                                        s.spawn(
                                                () -> {
                                                    throw boom;
                                                });
                                assertThatThrownBy(h::join)
                                        .isInstanceOf(PanicException.class)
                                        .hasCause(boom);
                            }); // returns: the panic was handled (ADR 0040 point 5)

                    assertThatThrownBy(
                                    () -> {
                                        try (TaskScope s =
                                                TaskScope.open(ex, ScopePolicy.FAIL_FAST)) {
                                            var h = s.spawn("f1", Async.failed(boom));
                                            assertThatThrownBy(h::join)
                                                    .isInstanceOf(TaskPanicException.class)
                                                    .hasCause(boom);
                                            s.join();
                                        }
                                    })
                            .isInstanceOf(TaskPanicException.class)
                            .hasCause(boom); // still the scope's failure
                });
    }

    /** The owner cancels the scope while a child waits. */
    @Test
    void theOwnersCancelEndsAThreadScopeQuietlyButATaskScopeJoinThrowsIt() {
        assertTimeoutPreemptively(
                LIMIT,
                () -> {
                    Threads.scope(
                            ScopePolicy.FAIL_FAST,
                            s -> {
                                s.spawn(() -> Channel.<Integer>rendezvous().recv());
                                s.cancel();
                            }); // returns: a stop by the scope's own token is not reported

                    TaskHandle<?>[] child = new TaskHandle<?>[1];
                    assertThatThrownBy(
                                    () -> {
                                        try (TaskScope s =
                                                TaskScope.open(ex, ScopePolicy.FAIL_FAST)) {
                                            child[0] = s.spawn("waits", Async.never());
                                            s.cancel();
                                            s.join();
                                        }
                                    })
                            .isInstanceOf(CancelledException.class)
                            .hasMessageContaining("task scope cancelled");
                    assertThat(child[0].isFinished()).isTrue();
                });
    }
}
