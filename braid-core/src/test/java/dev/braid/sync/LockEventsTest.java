package dev.braid.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

class LockEventsTest {
    @Test
    void aContendedAcquisitionOverTheThresholdIsRecorded() throws Exception {
        Path file = Files.createTempFile("braid-locks", ".jfr");
        try (Recording r = new Recording()) {
            r.enable("dev.braid.LockContended").withThreshold(Duration.ofMillis(1));
            r.start();
            Mutex<Integer> m = Mutex.named("hot", 0);
            MutexGuard<Integer> g = m.lock();
            JoinHandle<Void> h = Threads.spawn(() -> m.lock().close());
            Thread.sleep(30);
            g.close();
            h.join();
            r.stop();
            r.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        Files.delete(file);
        assertThat(events)
                .filteredOn(e -> e.getEventType().getName().equals("dev.braid.LockContended"))
                .singleElement()
                .satisfies(
                        e -> {
                            assertThat(e.getString("lock")).isEqualTo("Mutex(hot)");
                            assertThat(e.getString("mode")).isEqualTo("exclusive");
                            assertThat(e.getBoolean("acquired")).isTrue();
                            assertThat(e.getDuration()).isGreaterThan(Duration.ofMillis(10));
                        });
    }
}
