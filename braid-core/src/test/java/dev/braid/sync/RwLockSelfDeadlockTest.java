package dev.braid.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.braid.cancel.Deadline;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A thread's own read hold never makes it wait for itself (issue 15, point 1): a write by a reader
 * fails fast, and a reader that reads again while a writer waits gets in. Before, both hung with no
 * message. Each case runs under a preemptive timeout (a hang guard of a minute), so a hang fails
 * instead of blocking the suite.
 */
class RwLockSelfDeadlockTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    static Stream<RwLockContractTest.Variant> variants() {
        return RwLockContractTest.variants();
    }

    @ParameterizedTest
    @MethodSource("variants")
    void aReaderThatAsksToWriteFailsFastNamingTheWayOut(RwLockContractTest.Variant v) {
        RwLock<Integer> l = v.make().get();
        assertTimeoutPreemptively(
                LIMIT,
                () -> {
                    try (var r = l.read()) {
                        assertThatThrownBy(l::write)
                                .isInstanceOf(IllegalStateException.class)
                                .hasMessageContaining("RwLock(rw) is read-held by this thread")
                                .hasMessageContaining("close the read guard first")
                                .hasMessageContaining("upgradableRead()");
                        assertThatThrownBy(l::writeInterruptibly)
                                .isInstanceOf(IllegalStateException.class);
                        assertThatThrownBy(() -> l.tryWrite(Duration.ofHours(1)))
                                .isInstanceOf(IllegalStateException.class);
                        assertThatThrownBy(() -> l.withWrite(x -> x))
                                .isInstanceOf(IllegalStateException.class);
                        assertThatThrownBy(l::tryWrite) // could never succeed either
                                .isInstanceOf(IllegalStateException.class);
                        // nothing changed: still read-held, not write-claimed
                        assertThat(l.readHolds()).isEqualTo(1);
                        assertThat(l.isWriteLocked()).isFalse();
                        assertThat(r.get()).isZero();
                    }
                    try (var w = l.write()) { // the lock works on
                        w.set(1);
                    }
                    assertThat((int) l.withRead(x -> x)).isEqualTo(1);
                });
    }

    @ParameterizedTest
    @MethodSource("variants")
    void aReaderInsideWithReadThatWritesFailsFast(RwLockContractTest.Variant v) {
        RwLock<Integer> l = v.make().get();
        assertTimeoutPreemptively(
                LIMIT,
                () ->
                        assertThatThrownBy(() -> l.withRead(x -> l.update(y -> y + 1)))
                                .isInstanceOf(IllegalStateException.class)
                                .hasMessageContaining("read-held by this thread"));
        assertThat(l.readHolds()).isZero();
        assertThat(l.isPoisoned()).isFalse();
    }

    /** Holds a read hold, and returns once a writer is waiting (tryRead then fails). */
    private static JoinHandle<Integer> queueAWriter(RwLock<Integer> l) throws Exception {
        JoinHandle<Integer> writer =
                Threads.spawn(
                        () -> {
                            try (var w = l.write()) {
                                return w.set(7);
                            }
                        });
        Deadline give = Deadline.after(Duration.ofSeconds(30));
        while (true) {
            var r = l.tryRead();
            if (r.isEmpty()) {
                return writer;
            }
            r.get().close();
            assertThat(give.isExpired()).as("the writer never queued").isFalse();
            Thread.sleep(1);
        }
    }

    @ParameterizedTest
    @MethodSource("variants")
    void aReaderThatReadsAgainWhileAWriterWaitsGetsIn(RwLockContractTest.Variant v) {
        RwLock<Integer> l = v.make().get();
        int seen =
                assertTimeoutPreemptively(
                        Duration.ofSeconds(60),
                        () -> {
                            JoinHandle<Integer> writer;
                            int sum = 0;
                            try (var outer = l.read()) {
                                writer = queueAWriter(l);
                                try (var a = l.read()) { // would queue behind the writer
                                    sum += a.get();
                                    try (var b = l.readInterruptibly()) {
                                        sum += b.get();
                                    }
                                    try (var c = l.tryRead(Duration.ofHours(1)).orElseThrow()) {
                                        sum += c.get();
                                    }
                                    sum += l.withRead(x -> x + 1);
                                    sum += l.readOptimistic(x -> x + 1);
                                }
                                assertThat(l.readHolds()).isEqualTo(1);
                                assertThat(outer.get()).isZero();
                            }
                            assertThat(writer.join()).as("the writer saw the old value").isZero();
                            return sum;
                        });
        assertThat(seen).isEqualTo(2);
        assertThat((int) l.withRead(x -> x)).isEqualTo(7);
        assertThat(l.readHolds()).isZero();
        assertThat(l.isWriteLocked()).isFalse();
    }
}
