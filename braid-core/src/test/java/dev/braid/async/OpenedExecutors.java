package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.thread.JoinOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The executors a test opened, closed after it within {@link #BOUND}, and joins within the same
 * bound. {@code close()} waits for every live task, so a task the executor lost (queued but never
 * run) fails the test with the reason given instead of hanging it.
 */
final class OpenedExecutors {
    /** How long a close or a join may take before the test fails. */
    static final Duration BOUND = Duration.ofSeconds(30);

    private final List<AsyncExecutor> opened = new ArrayList<>();

    /** Records {@code ex} for {@link #closeAll}; returns it. */
    <E extends AsyncExecutor> E add(E ex) {
        opened.add(ex);
        return ex;
    }

    /**
     * Closes every recorded executor, on a daemon thread so that a hung close cannot hang the test;
     * fails unless all are closed within {@link #BOUND}.
     *
     * @param lost what an executor still open means, for the failure message
     */
    void closeAll(String lost) throws InterruptedException {
        Thread closer =
                Thread.ofPlatform().daemon().start(() -> opened.forEach(AsyncExecutor::close));
        assertThat(closer.join(BOUND)).as("executors closed within %s (%s)", BOUND, lost).isTrue();
    }

    /** Joins {@code h} within {@link #BOUND}: a lost task fails the test instead of hanging it. */
    static <T> T joined(TaskHandle<T> h) throws InterruptedException {
        JoinOutcome<T> o = h.join(BOUND);
        assertThat(o)
                .as("%s finished within %s", h.name(), BOUND)
                .isInstanceOf(JoinOutcome.Finished.class);
        return ((JoinOutcome.Finished<T>) o).value();
    }
}
