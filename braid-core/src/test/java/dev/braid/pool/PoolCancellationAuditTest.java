package dev.braid.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancellationSource;
import dev.braid.cancel.CancelledException;
import dev.braid.cancel.DeadlineExceededException;
import dev.braid.channel.Channel;
import dev.braid.thread.PanicException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Audit 9: the pool under an ambient {@link CancelScope} and interrupts, as a user who bounds a
 * request by a deadline or token expects (children get the deadline, as those of a {@code
 * Threads.scope} and a {@code TaskScope} do), and stale interrupts between tasks. Each case hung or
 * gave the wrong outcome before its fix; the bound only turns a hang into a failure.
 */
class PoolCancellationAuditTest {
    private static final Duration HANG = Duration.ofSeconds(60);

    private final WorkStealingPool pool = WorkStealingPool.builder().parallelism(2).build();

    @AfterEach
    void close() {
        pool.shutdownNow();
        pool.close();
    }

    /** Runs {@code body} as a pool scope inside a 20 ms {@code CancelScope}; expects the stop. */
    private void assertScopeStopsAtTheDeadline(PoolScope.Body<Exception> body) {
        assertTimeoutPreemptively(
                HANG,
                () ->
                        assertThatThrownBy(
                                        () ->
                                                CancelScope.withTimeout(
                                                        Duration.ofMillis(20),
                                                        () -> {
                                                            pool.scope(body);
                                                            return null;
                                                        }))
                                .isInstanceOf(DeadlineExceededException.class));
    }

    @Test
    void scopeTasksStopAtTheDeadlineOfTheCancelScopeAroundTheScope() {
        Channel<Integer> never = Channel.rendezvous();
        assertScopeStopsAtTheDeadline(
                s -> {
                    s.spawn(() -> never.recv());
                    s.spawn(() -> never.recv());
                });
        assertThat(never.blockedReceivers()).isZero();
    }

    @Test
    void scopeTasksStopWhenTheTokenAroundTheScopeIsCancelled() throws Exception {
        Channel<Integer> never = Channel.rendezvous();
        CancellationSource request = new CancellationSource();
        Thread canceller =
                Thread.ofPlatform()
                        .start(
                                () -> {
                                    while (never.blockedReceivers() < 1) {
                                        Thread.onSpinWait();
                                    }
                                    request.cancel("user pressed stop");
                                });
        assertTimeoutPreemptively(
                HANG,
                () ->
                        assertThatThrownBy(
                                        () ->
                                                CancelScope.withToken(
                                                        request.token(),
                                                        () -> {
                                                            pool.scope(
                                                                    s ->
                                                                            s.spawn(
                                                                                    () ->
                                                                                            never
                                                                                                    .recv()));
                                                            return null;
                                                        }))
                                .isInstanceOf(CancelledException.class)
                                .isNotInstanceOf(DeadlineExceededException.class)
                                .hasMessageContaining("user pressed stop"));
        canceller.join();
    }

    @Test
    void aTaskSpawnedByATaskOfTheScopeGetsTheDeadlineToo() {
        Channel<Integer> never = Channel.rendezvous();
        assertScopeStopsAtTheDeadline(s -> s.spawn(() -> s.spawn(() -> never.recv())));
        assertThat(never.blockedReceivers()).isZero();
    }

    @Test
    void aTaskThatThrowsItsOwnCancellationOutsideAStoppedScopeIsStillAPanic() {
        assertThatThrownBy(
                        () ->
                                pool.scope(
                                        s ->
                                                s.spawn(
                                                        () ->
                                                                CancelScope.withTimeout(
                                                                        Duration.ZERO,
                                                                        () ->
                                                                                Channel
                                                                                        .<Integer>
                                                                                                rendezvous()
                                                                                        .recv()))))
                .isInstanceOf(PanicException.class)
                .hasCauseInstanceOf(DeadlineExceededException.class);
    }

    @Test
    void anInterruptLeftByATaskDoesNotReachTheNextTaskAfterShutdown() throws Exception {
        try (WorkStealingPool one = WorkStealingPool.builder().parallelism(1).build()) {
            CountDownLatch go = new CountDownLatch(1);
            one.submit(
                    () -> {
                        go.await();
                        Thread.currentThread().interrupt(); // ends with its status set
                        return null;
                    });
            TaskHandle<Boolean> next = one.submit(() -> Thread.currentThread().isInterrupted());
            one.shutdown(); // queued tasks still run after shutdown()
            go.countDown();
            assertThat(next.join()).as("the next task started interrupted").isFalse();
        }
    }

    @Test
    void anInterruptLeftByATaskDoesNotReachTheNextTaskWhileRunning() throws Exception {
        try (WorkStealingPool one = WorkStealingPool.builder().parallelism(1).build()) {
            one.submit(() -> Thread.currentThread().interrupt());
            assertThat(one.submit(() -> Thread.currentThread().isInterrupted()).join()).isFalse();
        }
    }

    /**
     * A task run by its joiner inside the join (one worker: the joined task waits in the joiner's
     * LIFO slot) and ending with its interrupt status set: the status is the joined task's own and
     * does not reach the joiner, whose next braid wait would throw InterruptedException.
     */
    @Test
    void anInterruptLeftByATaskRunInsideAJoinDoesNotReachTheJoiner() throws Exception {
        try (WorkStealingPool one = WorkStealingPool.builder().parallelism(1).build()) {
            TaskHandle<String> outer =
                    one.submit(
                            () -> {
                                TaskHandle<Void> inner =
                                        one.submit(() -> Thread.currentThread().interrupt());
                                inner.join(); // runs inner here, on this worker
                                return "after the join, interrupted="
                                        + Thread.currentThread().isInterrupted();
                            });
            assertThat(outer.join()).isEqualTo("after the join, interrupted=false");
        }
    }

    /** The joiner's own interrupt status, set before the join runs a task, is still set after. */
    @Test
    void theJoinersOwnInterruptSurvivesATaskRunInsideTheJoin() throws Exception {
        try (WorkStealingPool one = WorkStealingPool.builder().parallelism(1).build()) {
            TaskHandle<String> outer =
                    one.submit(
                            () -> {
                                TaskHandle<Boolean> inner =
                                        one.submit(() -> Thread.currentThread().isInterrupted());
                                Thread.currentThread().interrupt();
                                String seen;
                                try {
                                    seen = "inner saw interrupted=" + inner.join();
                                } catch (InterruptedException e) {
                                    seen = "join threw"; // an interruptible join may refuse
                                }
                                return seen
                                        + ", joiner interrupted after="
                                        + Thread.currentThread().isInterrupted();
                            });
            assertThat(outer.join())
                    .isIn(
                            "inner saw interrupted=false, joiner interrupted after=true",
                            "join threw, joiner interrupted after=false");
        }
    }
}
