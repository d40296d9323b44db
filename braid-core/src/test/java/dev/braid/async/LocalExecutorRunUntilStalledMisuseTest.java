package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@link LocalExecutor#runUntilStalled()} where it may not drive (docs13): inside a poll, and while
 * another thread is in {@code blockOn}. Both were refused with one message for both cases ("is
 * already driven, or called inside a poll") that named neither the driver nor the way out; each now
 * says which it is and what to do, as {@code blockOn}'s refusals do. Nothing runs.
 */
class LocalExecutorRunUntilStalledMisuseTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    /** Fails on the code before: the message named no way out. */
    @Test
    void insideAPollItIsRefusedSayingToReturnPendingInstead() throws Exception {
        try (LocalExecutor ex = LocalExecutor.create("loop")) {
            AtomicReference<String> refused = new AtomicReference<>();
            TaskHandle<Integer> other = ex.spawn("other", Async.ready(2));
            TaskHandle<Integer> h =
                    ex.spawn(
                            "inner",
                            Async.ready(1)
                                    .map(
                                            v -> {
                                                try {
                                                    ex.runUntilStalled();
                                                } catch (IllegalStateException e) {
                                                    refused.set(e.getMessage());
                                                }
                                                return v;
                                            }));
            assertThat(ex.blockOn(h)).isEqualTo(1);
            assertThat(refused.get())
                    .startsWith("runUntilStalled of LocalExecutor 'loop' called inside a poll")
                    .contains("return pending");
            assertThat(ex.blockOn(other)).isEqualTo(2);
        }
    }

    /** Fails on the code before: the message did not name the driving thread. */
    @Test
    void whileAnotherThreadDrivesItIsRefusedNamingThatThread() throws Exception {
        try (LocalExecutor ex = LocalExecutor.create("loop")) {
            CountDownLatch driving = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread driver =
                    Thread.ofPlatform()
                            .name("the-driver")
                            .start(
                                    () -> {
                                        try {
                                            ex.blockOn(
                                                    Async.spawnBlocking(
                                                            () -> {
                                                                driving.countDown();
                                                                release.await();
                                                                return 0;
                                                            }));
                                        } catch (InterruptedException e) {
                                            Thread.currentThread().interrupt();
                                        }
                                    });
            assertTimeoutPreemptively(LIMIT, () -> driving.await());
            TaskHandle<Integer> queued = ex.spawn("queued", Async.ready(3));
            AtomicReference<String> refused = new AtomicReference<>();
            try {
                ex.runUntilStalled();
            } catch (IllegalStateException e) {
                refused.set(e.getMessage());
            } finally {
                release.countDown();
            }
            assertTimeoutPreemptively(LIMIT, () -> driver.join());
            assertThat(refused.get())
                    .startsWith("runUntilStalled: LocalExecutor 'loop' is already driven by thread")
                    .contains("'the-driver'");
            assertThat(ex.blockOn(queued)).isEqualTo(3);
        }
    }
}
