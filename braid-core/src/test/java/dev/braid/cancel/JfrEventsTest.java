package dev.braid.cancel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.time.TimerOverloadException;
import dev.braid.time.TimerWheel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

class JfrEventsTest {
    @Test
    void cancellationAndOverloadAreRecorded() throws Exception {
        Path file = Files.createTempFile("braid-cancel", ".jfr");
        try (Recording rec = new Recording()) {
            rec.enable("dev.braid.Cancel");
            rec.enable("dev.braid.TimerOverload");
            rec.start();
            var src = new CancellationSource();
            src.token().onCancel(() -> {});
            src.token()
                    .onCancel(
                            () -> {
                                throw new IllegalStateException("x");
                            });
            assertThatThrownBy(() -> src.cancel(new IOException("why")))
                    .isInstanceOf(CancellationCallbackException.class);
            try (TimerWheel w = TimerWheel.create("tiny", Duration.ofMillis(1), 1)) {
                w.schedule(Duration.ofHours(1), () -> {});
                assertThatThrownBy(() -> w.schedule(Duration.ofHours(1), () -> {}))
                        .isInstanceOf(TimerOverloadException.class);
            }
            rec.stop();
            rec.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        Files.delete(file);
        RecordedEvent cancel =
                events.stream()
                        .filter(e -> e.getEventType().getName().equals("dev.braid.Cancel"))
                        .findFirst()
                        .orElseThrow();
        assertThat(cancel.getString("causeMessage")).isEqualTo("why");
        assertThat(cancel.getInt("callbacks")).isEqualTo(2);
        assertThat(cancel.getInt("failures")).isEqualTo(1);
        assertThat(events)
                .anyMatch(e -> e.getEventType().getName().equals("dev.braid.TimerOverload"));
    }
}
