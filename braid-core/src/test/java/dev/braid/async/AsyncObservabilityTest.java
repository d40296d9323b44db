package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

/** Per-task poll counts and time, the long-poll JFR event, the live-task dump. */
class AsyncObservabilityTest {
    @Test
    void aBlockingPollIsRecordedAndCounted() throws Exception {
        Path file = Files.createTempFile("braid-async", ".jfr");
        TaskHandle<Integer> h;
        try (Recording rec = new Recording();
                LocalExecutor ex = LocalExecutor.create("obs")) {
            rec.enable("dev.braid.TaskLongPoll").withThreshold(Duration.ofMillis(10));
            rec.start();
            h =
                    ex.spawn(
                            "blocker",
                            Async.yieldNow()
                                    .map(
                                            v -> {
                                                try {
                                                    Thread.sleep(30); // blocking inside async code
                                                } catch (InterruptedException e) {
                                                    throw new AssertionError(e);
                                                }
                                                return 1;
                                            }));
            assertThat(ex.blockOn(h)).isEqualTo(1);
            rec.stop();
            rec.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        Files.delete(file);
        assertThat(events)
                .filteredOn(e -> e.getEventType().getName().equals("dev.braid.TaskLongPoll"))
                .as("the 30 ms poll (a cold first poll may be recorded too)")
                .anySatisfy(
                        e -> {
                            assertThat(e.getString("task")).isEqualTo("blocker");
                            assertThat(e.getLong("polls")).isEqualTo(2);
                            assertThat(e.getDuration())
                                    .isGreaterThanOrEqualTo(Duration.ofMillis(25));
                        });
        assertThat(h.pollCount()).isEqualTo(2);
        assertThat(h.pollTime()).isGreaterThanOrEqualTo(Duration.ofMillis(25));
    }

    @Test
    void theDumpListsLiveTasksWithWhatTheyAreDoing() throws Exception {
        try (LocalExecutor ex = LocalExecutor.create("dump")) {
            ex.spawn("waiting", Async.never());
            ex.spawn("queued", Async.ready(1));
            ex.runUntilStalled();
            ex.spawn("fresh", Async.ready(2));
            assertThat(ex.dumpTasks())
                    .hasSize(2)
                    .satisfiesExactly(
                            l ->
                                    assertThat(l)
                                            .contains("task 'waiting'")
                                            .contains("idle (awaiting a wake)")
                                            .contains("polls=1"),
                            l ->
                                    assertThat(l)
                                            .contains("task 'fresh'")
                                            .contains("scheduled")
                                            .contains("polls=0"));
        }
    }

    @Test
    void anUnobservedTaskIsNamedOnDemandAndItsPanicStillNamesIt() throws Exception {
        try (LocalExecutor ex = LocalExecutor.create("lazy")) {
            TaskHandle<Integer> ok = ex.spawn(Async.yieldNow().map(v -> 1));
            TaskHandle<Integer> bad =
                    ex.spawn(
                            Async.<Integer>ready(0)
                                    .map(
                                            v -> {
                                                throw new IllegalStateException("boom");
                                            }));
            assertThat(ex.blockOn(ok)).isEqualTo(1);
            assertThat(ok.name()).isEqualTo("lazy-task-1");
            assertThat(ok.pollCount()).isEqualTo(2);
            if (!TaskRegistry.OBSERVE_ALL) {
                assertThat(ok.pollTime()).as("no clock read unobserved").isEqualTo(Duration.ZERO);
            }
            ex.runUntilStalled();
            assertThat(bad.isFinished()).isTrue();
            org.assertj.core.api.Assertions.assertThatThrownBy(bad::join)
                    .isInstanceOf(TaskPanicException.class)
                    .hasMessageContaining("lazy-task-2")
                    .hasRootCauseMessage("boom");
        }
    }

    @Test
    void theDumpNamesUnnamedTasksAndSaysWhetherPollsAreTimed() {
        try (LocalExecutor ex = LocalExecutor.create("dumped")) {
            ex.spawn(Async.never());
            ex.runUntilStalled();
            assertThat(ex.dumpTasks())
                    .singleElement()
                    .satisfies(
                            l ->
                                    assertThat(l)
                                            .contains("task 'dumped-task-1' #1")
                                            .contains("polls=1")
                                            .contains(
                                                    TaskRegistry.OBSERVE_ALL
                                                            ? "poll time="
                                                            : "poll time not measured"));
        }
    }
}
