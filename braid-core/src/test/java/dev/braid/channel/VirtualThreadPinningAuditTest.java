package dev.braid.channel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.async.Async;
import dev.braid.pool.WorkStealingPool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

/**
 * Audit 9: the design brief says virtual threads block in braid without pinning their carrier and
 * the suite records no {@code jdk.VirtualThreadPinned}. Virtual threads here block in rendezvous
 * and bounded send/recv, in a select, in a pool join and in {@code Async.await}, under a recording
 * with the pinned event at threshold 0; the recording also holds braid's own {@code ChannelBlocked}
 * events, which shows the threads did block. The workload runs once before the recording: a virtual
 * thread that loads or initializes a class pins its carrier meanwhile (a JDK matter, seen here on
 * the first run: {@code ChannelBlockedEvent.<clinit>}, {@code Rt}); a pin while waiting for a
 * class's initialization under the recording (JFR's event writer) is the JDK's too and not counted,
 * nor is one inside the {@code commit()} of braid's own JFR event, with only JFR's code above it
 * (JFR's string pool took a contended monitor there, in verify runs): that code runs only while a
 * recording is on.
 */
class VirtualThreadPinningAuditTest {
    @Test
    void virtualThreadsBlockInChannelsSelectPoolJoinAndAwaitWithoutPinning() throws Exception {
        workload(); // first: class loading and initialization on a virtual thread pin (JDK)
        Path file = Files.createTempFile("braid-pinning", ".jfr");
        try (Recording rec = new Recording()) {
            rec.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
            rec.enable("dev.braid.ChannelBlocked").withThreshold(Duration.ZERO);
            rec.start();
            workload();
            rec.stop();
            rec.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        Files.delete(file);
        assertThat(events)
                .filteredOn(e -> e.getEventType().getName().equals("jdk.VirtualThreadPinned"))
                .filteredOn(e -> !isClassInitialization(e) && !isInsideJfrCommit(e))
                .isEmpty();
        assertThat(events)
                .filteredOn(e -> e.getEventType().getName().equals("dev.braid.ChannelBlocked"))
                .isNotEmpty();
    }

    /**
     * A pin while the JDK initializes a class for the thread (e.g. JFR's event writer on the first
     * commit of braid's event under the recording, seen once in a CI run): the JDK's, not braid's.
     */
    private static boolean isClassInitialization(RecordedEvent pin) {
        String reason = pin.hasField("pinnedReason") ? pin.getString("pinnedReason") : null;
        return reason != null && reason.startsWith("Waited for initialization");
    }

    /**
     * A pin inside the {@code commit()} of one of braid's JFR events: the frames above it, if any,
     * are JFR's own ({@code jdk.jfr.*}), and the monitor is JFR's (seen twice: "Contended monitor
     * enter", once with {@code ChannelBlockedEvent.commit()} on top, once under JFR's {@code
     * StringPool.storeString} ← {@code EventWriter.putString} ← {@code
     * ChannelBlockedEvent.commit()}, "Freeze or preempt failed", when two virtual threads committed
     * at once; and, in the tenth session's CI, the class loader's lock taken by a class load that
     * the commit set off, {@code BuiltinClassLoader.loadClassOrNull} ← {@code
     * ClassLoader.loadClass} ← {@code ChannelBlockedEvent.commit()}). That code runs only while a
     * recording has the event on. A pin anywhere else, braid's code on top included, counts.
     */
    private static boolean isInsideJfrCommit(RecordedEvent pin) {
        if (pin.getStackTrace() == null) {
            return false;
        }
        for (var frame : pin.getStackTrace().getFrames()) {
            var method = frame.getMethod();
            String type = method.getType().getName();
            if (type.startsWith("jdk.jfr.")
                    || type.startsWith("jdk.internal.loader.")
                    || type.equals("java.lang.ClassLoader")) {
                continue; // JFR's own writer code, or the class loading it set off, above commit
            }
            return method.getName().equals("commit")
                    && type.startsWith("dev.braid.")
                    && type.endsWith("Event");
        }
        return false;
    }

    private static void workload() throws Exception {
        Channel<Integer> meet = Channel.rendezvous();
        Channel<Integer> one = Channel.bounded(1);
        List<Thread> vts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            boolean producer = i % 2 == 0;
            vts.add(
                    Thread.ofVirtual()
                            .start(
                                    () -> {
                                        try {
                                            for (int j = 0; j < 500; j++) {
                                                if (producer) {
                                                    meet.send(j);
                                                    one.send(j);
                                                } else {
                                                    meet.recv();
                                                    Select.<Integer>fair().recv(one, v -> v).run();
                                                }
                                            }
                                        } catch (InterruptedException e) {
                                            throw new IllegalStateException(e);
                                        }
                                    }));
        }
        try (WorkStealingPool pool = WorkStealingPool.builder().parallelism(1).build()) {
            vts.add(
                    Thread.ofVirtual()
                            .start(
                                    () -> {
                                        try {
                                            pool.submit(() -> meet.recv()).join();
                                            Async.await(Async.sleep(Duration.ofMillis(5)));
                                        } catch (InterruptedException e) {
                                            throw new IllegalStateException(e);
                                        }
                                    }));
            Thread.sleep(20); // the joiner parks in join; the task waits in recv
            meet.send(-1);
            for (Thread t : vts) {
                t.join();
            }
        }
    }
}
