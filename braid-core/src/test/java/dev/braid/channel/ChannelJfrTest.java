package dev.braid.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

/** A wait longer than the threshold and a cancel with undelivered elements are recorded. */
class ChannelJfrTest {
    @Test
    void blockedReceiveAndCancelAreRecorded() throws Exception {
        Path file = Files.createTempFile("braid-channel", ".jfr");
        try (Recording rec = new Recording()) {
            rec.enable("dev.braid.ChannelBlocked").withThreshold(Duration.ofMillis(1));
            rec.enable("dev.braid.ChannelClosed");
            rec.start();
            Channel<Integer> ch = Channel.<Integer>builder().name("jfr").bounded(4).build();
            assertThat(ch.recv(Duration.ofMillis(20))).isInstanceOf(RecvResult.TimedOut.class);
            ch.send(1);
            ch.send(2);
            assertThat(ch.cancel(new IllegalStateException("stop"))).isTrue();
            rec.stop();
            rec.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        Files.delete(file);
        RecordedEvent blocked =
                events.stream()
                        .filter(e -> e.getEventType().getName().equals("dev.braid.ChannelBlocked"))
                        .findFirst()
                        .orElseThrow();
        assertThat(blocked.getString("channel")).contains("channel 'jfr'");
        assertThat(blocked.getString("operation")).isEqualTo("receive");
        assertThat(blocked.getBoolean("completed")).isFalse();
        RecordedEvent closed =
                events.stream()
                        .filter(e -> e.getEventType().getName().equals("dev.braid.ChannelClosed"))
                        .findFirst()
                        .orElseThrow();
        assertThat(closed.getBoolean("cancelled")).isTrue();
        assertThat(closed.getInt("undelivered")).isEqualTo(2);
        assertThat(closed.getString("cause")).contains("stop");
    }
}
