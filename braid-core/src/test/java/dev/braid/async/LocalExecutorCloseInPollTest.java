package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.braid.cancel.CancelledException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A {@link LocalExecutor} closed inside a poll, or from another thread while {@code blockOn} drives
 * it, cancels its tasks and leaves their cancellations to the driving {@code blockOn}. Before,
 * {@code blockOn} returned as soon as its root finished, so a sibling stayed "scheduled, cancelled"
 * with its cleanup never run, on an executor no one could drive any more ({@code blockOn} refuses a
 * closed executor, and an untimed {@code join} of the sibling said to call {@code blockOn}): misuse
 * 11's probe. Now {@code blockOn} runs them on its way out.
 */
class LocalExecutorCloseInPollTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    /** Pending for ever; counts its drops (its cleanup). */
    private static final class Forever implements Async<Object> {
        final AtomicInteger drops = new AtomicInteger();

        @Override
        public Poll<Object> poll(Context cx) {
            return Poll.pending();
        }

        @Override
        public void drop() {
            drops.incrementAndGet();
        }
    }

    // a new instance per test: an executor with a sibling task that waits for ever
    private final LocalExecutor le = LocalExecutor.create("le");
    private final Forever forever = new Forever();
    private final TaskHandle<Object> sibling = le.spawn("sibling", forever);

    private void assertSiblingDroppedAndCancelled() {
        assertThat(forever.drops).as("cleanup ran once").hasValue(1);
        assertThat(sibling.isFinished()).isTrue();
        assertThatThrownBy(sibling::join)
                .isInstanceOf(CancelledException.class)
                .hasMessageContaining("executor 'le' closed");
    }

    @Test
    void aTaskThatClosesItsExecutorLeavesNoSiblingUndropped() {
        assertTimeoutPreemptively(
                LIMIT,
                () -> {
                    TaskHandle<String> closer =
                            le.spawn(
                                    "closer",
                                    cx -> {
                                        le.close();
                                        return Poll.ready("closed");
                                    });
                    assertThatThrownBy(() -> le.blockOn(Async.never()))
                            .isInstanceOf(CancelledException.class);
                    assertThat(closer.join()).isEqualTo("closed");
                    assertSiblingDroppedAndCancelled();
                    assertThat(le.toString()).contains("live=0", "closed");
                });
    }

    @Test
    void aRootThatClosesItsExecutorAndReturnsLeavesNoSiblingUndropped() {
        assertTimeoutPreemptively(
                LIMIT,
                () -> {
                    le.runUntilStalled(); // the sibling is polled once and waits
                    int v =
                            le.blockOn(
                                    cx -> {
                                        le.close();
                                        return Poll.ready(1);
                                    });
                    assertThat(v).isEqualTo(1);
                    assertSiblingDroppedAndCancelled();
                });
    }

    @Test
    void aCloseFromAnotherThreadWhileBlockOnDrivesIsFinishedByTheDriver() {
        assertTimeoutPreemptively(
                LIMIT,
                () -> {
                    CountDownLatch driving = new CountDownLatch(1);
                    Thread closer =
                            Thread.ofPlatform()
                                    .start(
                                            () -> {
                                                try {
                                                    driving.await();
                                                    le.close();
                                                } catch (InterruptedException e) {
                                                    Thread.currentThread().interrupt();
                                                }
                                            });
                    assertThatThrownBy(
                                    () ->
                                            le.blockOn(
                                                    cx -> {
                                                        driving.countDown();
                                                        return Poll.pending();
                                                    }))
                            .isInstanceOf(CancelledException.class);
                    closer.join();
                    assertSiblingDroppedAndCancelled();
                });
    }
}
