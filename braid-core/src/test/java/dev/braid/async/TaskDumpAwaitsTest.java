package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * probe16: the live-task dump names what a task awaits where a leaf recorded it (issue 13 point 8:
 * "a dump of live tasks and what each awaits"). The testkit records it for channels and {@link
 * AsyncMutex} (its deadlock report used it), but {@code dumpTasks()} printed only "idle (awaiting a
 * wake)". Here the record is made by hand, as a leaf under the testkit makes it.
 */
class TaskDumpAwaitsTest {
    @Test
    void theDumpSaysWhatAnIdleTaskAwaits() {
        assertTimeoutPreemptively(
                Duration.ofSeconds(60),
                () -> {
                    try (ThreadedExecutor ex = ThreadedExecutor.create("dump-awaits", 1)) {
                        TaskHandle<Object> h = ex.spawn("fetch", Async.never());
                        while (h.pollCount() == 0 || !ex.dumpTasks().toString().contains("idle")) {
                            Thread.onSpinWait();
                        }
                        h.raw().awaiting("to receive on channel 'results' (empty)");
                        assertThat(ex.dumpTasks())
                                .anySatisfy(
                                        line ->
                                                assertThat(line)
                                                        .startsWith("task 'fetch'")
                                                        .contains("idle (awaiting a wake)")
                                                        .endsWith(
                                                                ", awaits to receive on channel"
                                                                        + " 'results' (empty)"));
                    }
                });
    }
}
