package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.cancel.CancelledException;
import dev.braid.thread.JoinOutcome;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * ADR 0181: a task whose poll started a spawnBlocking body publishes its outcome only once the
 * body's thread ended, whatever ended the task (a cancel that dropped the body, a race or timeout
 * that dropped it, a value, the executor's close). Each body here winds down for a while after its
 * interrupt (until released by the test, uninterruptibly), so a task that finished without waiting
 * for it is seen finished while the body still runs.
 */
class SpawnBlockingOutcomeWaitsTest {
    private static final Duration BOUND = Duration.ofSeconds(30);

    /** A body that blocks until interrupted, then winds down until {@code release} opens. */
    private static final class WindingDown {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch interrupted = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicBoolean ended = new AtomicBoolean();

        Async<Integer> future() {
            return Async.spawnBlocking(
                    () -> {
                        started.countDown();
                        try {
                            new CountDownLatch(1).await();
                        } catch (InterruptedException e) {
                            interrupted.countDown();
                            boolean done = false;
                            while (!done) {
                                try {
                                    release.await(BOUND.toMillis(), TimeUnit.MILLISECONDS);
                                    done = true; // released (or the bound passed: the test fails)
                                } catch (InterruptedException again) {
                                    // keep winding down
                                }
                            }
                        }
                        ended.set(true);
                        return 1;
                    });
        }

        void awaitStarted() throws InterruptedException {
            assertThat(started.await(BOUND.toSeconds(), TimeUnit.SECONDS))
                    .as("body started")
                    .isTrue();
        }

        void awaitInterrupted() throws InterruptedException {
            assertThat(interrupted.await(BOUND.toSeconds(), TimeUnit.SECONDS))
                    .as("body interrupted")
                    .isTrue();
        }
    }

    @Test
    void aCancelledTasksJoinReturnsOnlyAfterItsBodyEnded() throws Exception {
        try (ThreadedExecutor ex = ThreadedExecutor.create("bodies", 2)) {
            WindingDown b = new WindingDown();
            TaskHandle<Integer> h = ex.spawn("blocking", b.future());
            b.awaitStarted();
            assertThat(h.cancel()).isTrue();
            b.awaitInterrupted();
            JoinOutcome<Integer> early = null;
            try {
                early = h.join(Duration.ofMillis(50));
            } catch (CancelledException tooEarly) {
                // finished while its body still ran: the defect
            }
            assertThat(early)
                    .as("still unfinished while its body winds down")
                    .isInstanceOf(JoinOutcome.TimedOut.class);
            assertThat(h.isFinished()).isFalse();
            b.release.countDown();
            assertThatThrownBy(() -> h.join(BOUND)).isInstanceOf(CancelledException.class);
            assertThat(b.ended).as("the body ended before the task's outcome").isTrue();
        }
    }

    @Test
    void aTaskWhoseRaceDroppedABodyKeepsItsValueUntilTheBodyEnded() throws Exception {
        for (boolean local : List.of(false, true)) {
            WindingDown b = new WindingDown();
            Async<Integer> raced =
                    Async.race(List.of(b.future(), Async.sleep(Duration.ofMillis(1)).map(v -> 2)));
            if (local) {
                try (LocalExecutor ex = LocalExecutor.create("local-bodies")) {
                    TaskHandle<Integer> h = ex.spawn(raced);
                    Thread releaser =
                            Thread.ofPlatform()
                                    .start(
                                            () -> {
                                                try {
                                                    b.awaitInterrupted();
                                                } catch (InterruptedException e) {
                                                    return;
                                                }
                                                b.release.countDown();
                                            });
                    assertThat(ex.blockOn(h)).isEqualTo(2);
                    assertThat(b.ended).as("local: the body ended before the value").isTrue();
                    releaser.join();
                }
            } else {
                try (ThreadedExecutor ex = ThreadedExecutor.create("raced", 1)) {
                    TaskHandle<Integer> h = ex.spawn(raced);
                    b.awaitInterrupted();
                    assertThat(h.join(Duration.ofMillis(50)))
                            .as("threaded: no value while the dropped body winds down")
                            .isInstanceOf(JoinOutcome.TimedOut.class);
                    b.release.countDown();
                    assertThat(h.join(BOUND)).isEqualTo(new JoinOutcome.Finished<>(2));
                    assertThat(b.ended).isTrue();
                }
            }
        }
    }

    @Test
    void anExecutorsCloseWaitsForTheBodiesOfItsCancelledTasks() throws Exception {
        WindingDown b = new WindingDown();
        ThreadedExecutor ex = ThreadedExecutor.create("closing", 1);
        TaskHandle<Integer> h = ex.spawn("blocking", b.future());
        b.awaitStarted();
        Thread releaser =
                Thread.ofPlatform()
                        .start(
                                () -> {
                                    try {
                                        b.awaitInterrupted();
                                        Thread.sleep(200); // a window for a close that did not wait
                                    } catch (InterruptedException e) {
                                        return;
                                    }
                                    b.release.countDown();
                                });
        ex.close(); // cancels the task, whose drop interrupts the body, and waits
        assertThat(b.ended).as("close returned after the body ended").isTrue();
        assertThat(h.isFinished()).isTrue();
        releaser.join();
    }

    @Test
    void aBodyThatEndsOnItsOwnDoesNotDelayItsTask() throws Exception {
        try (ThreadedExecutor ex = ThreadedExecutor.create("quick", 1)) {
            for (int i = 0; i < 200; i++) {
                int v = i;
                TaskHandle<Integer> h =
                        ex.spawn(
                                Async.spawnBlocking(() -> v)
                                        .then(x -> Async.spawnBlocking(() -> x + 1)));
                assertThat(h.join(BOUND)).isEqualTo(new JoinOutcome.Finished<>(v + 1));
            }
        }
    }
}
