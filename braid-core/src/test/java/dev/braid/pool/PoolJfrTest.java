package dev.braid.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

/** A worker that parks is recorded as a dev.braid.PoolWorkerParked event when recording. */
class PoolJfrTest {
    @Test
    void parkedWorkersAreRecorded() throws Exception {
        Path file = Files.createTempFile("braid-pool", ".jfr");
        try (Recording rec = new Recording()) {
            rec.enable("dev.braid.PoolWorkerParked").withThreshold(Duration.ZERO);
            rec.start();
            try (var pool = WorkStealingPool.builder().parallelism(1).namePrefix("jfr").build()) {
                pool.submit(() -> 1).join();
                Thread.sleep(50); // the worker runs out of work and parks
                pool.submit(() -> 2).join(); // ...and is woken by this one
            }
            rec.stop();
            rec.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        Files.deleteIfExists(file);
        assertThat(events)
                .filteredOn(e -> e.getEventType().getName().equals("dev.braid.PoolWorkerParked"))
                .isNotEmpty()
                .allMatch(e -> e.getString("worker").equals("jfr-worker-0"))
                .anyMatch(e -> e.getBoolean("notified"));
    }
}
