package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.braid.thread.ScopePolicy;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * probe16's program (ADR 0181): a child's spawnBlocking body must not outlive its TaskScope. The
 * scope cancels the child, the child's drop interrupts the body's thread, and the body takes a
 * moment to wind down after the interrupt (here: until released); close must not return before it
 * ended, as Threads.scope waits for its threads. Failed on 499108f ("the body still runs after its
 * scope closed"): close returned at once.
 */
class SpawnBlockingScopeOrphanTest {
    @Test
    void aChildsBlockingBodyDoesNotOutliveItsScope() {
        assertTimeoutPreemptively(
                Duration.ofSeconds(60),
                () -> {
                    CountDownLatch started = new CountDownLatch(1);
                    CountDownLatch release = new CountDownLatch(1);
                    AtomicBoolean ended = new AtomicBoolean();
                    try (ThreadedExecutor ex = ThreadedExecutor.create("orphan", 2)) {
                        Thread releaser = null;
                        try (TaskScope scope = TaskScope.open(ex, ScopePolicy.FAIL_FAST)) {
                            scope.spawn(
                                    "blocking",
                                    Async.spawnBlocking(
                                            () -> {
                                                started.countDown();
                                                try {
                                                    new CountDownLatch(1).await();
                                                } catch (InterruptedException e) {
                                                    // winds down: until released, uninterruptibly
                                                    while (true) {
                                                        try {
                                                            release.await();
                                                            break;
                                                        } catch (InterruptedException again) {
                                                            // keep winding down
                                                        }
                                                    }
                                                }
                                                ended.set(true);
                                                return 1;
                                            }));
                            started.await();
                            // released 200 ms from now: close must not return before that
                            releaser =
                                    Thread.ofPlatform()
                                            .start(
                                                    () -> {
                                                        try {
                                                            Thread.sleep(200);
                                                        } catch (InterruptedException e) {
                                                            return;
                                                        }
                                                        release.countDown();
                                                    });
                            scope.cancel();
                            try {
                                scope.join();
                            } catch (RuntimeException expected) {
                                // the scope's cancellation
                            }
                        }
                        assertThat(ended.get())
                                .as("the body still runs after its scope closed")
                                .isTrue();
                        releaser.join();
                    }
                });
    }
}
