package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancellationToken;
import dev.braid.cancel.Deadline;
import dev.braid.cancel.DeadlineExceededException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Audit 9: a task whose future fails with a {@link DeadlineExceededException} of its own (from
 * {@code cancelAfter} or a {@code CancelScope} checkpoint in a poll) reports a deadline to its
 * joiner, as RawTask's notes and docs/async.md say. It reported a plain {@code CancelledException}
 * ("ended by a cancellation its poll threw"): such an exception has no cause, and the task kept
 * only the cause.
 */
class AsyncDeadlineAuditTest {
    private static final Deadline PASSED = Deadline.after(Duration.ZERO);

    @Test
    void blockOnACancelAfterWhoseDeadlinePassedThrowsADeadline() {
        try (LocalExecutor local = LocalExecutor.create("deadline-audit")) {
            assertThatThrownBy(
                            () ->
                                    local.blockOn(
                                            Async.<Integer>never()
                                                    .cancelAfter(PASSED, CancellationToken.none())))
                    .isInstanceOf(DeadlineExceededException.class);
        }
    }

    @Test
    void joiningATaskStoppedByACheckpointPastItsDeadlineThrowsADeadline() {
        try (ThreadedExecutor ex = ThreadedExecutor.create("deadline-audit", 1)) {
            TaskHandle<Integer> h =
                    ex.spawn(
                            cx ->
                                    CancelScope.withDeadline(
                                            PASSED,
                                            () -> {
                                                CancelScope.checkpoint();
                                                return Poll.ready(1);
                                            }));
            assertThatThrownBy(h::join).isInstanceOf(DeadlineExceededException.class);
        }
    }
}
