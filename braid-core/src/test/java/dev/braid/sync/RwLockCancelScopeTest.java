package dev.braid.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancellationSource;
import dev.braid.cancel.CancelledException;
import dev.braid.cancel.DeadlineExceededException;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.JoinOutcome;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RwLock acquisitions that park honour the ambient {@link CancelScope} as Mutex's do: a stopped
 * waiter throws the scope's exception, holds nothing, and the next waiter is still served.
 */
class RwLockCancelScopeTest {
    static RwLock<Integer> make(boolean fair) {
        return make(fair, false);
    }

    static RwLock<Integer> make(boolean fair, boolean striped) {
        return RwLock.builder()
                .name(fair ? "fair" : "eventual")
                .fair(fair)
                .striped(striped)
                .build(0);
    }

    /**
     * fair × (reader or writer stopped) × (by token or by deadline) × striped readers (a stopped
     * writer then waits for the stripes to drain, holding its claim).
     */
    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (boolean fair : new boolean[] {false, true}) {
            for (boolean write : new boolean[] {false, true}) {
                for (boolean deadline : new boolean[] {false, true}) {
                    for (boolean striped : new boolean[] {false, true}) {
                        out.add(Arguments.of(fair, write, deadline, striped));
                    }
                }
            }
        }
        return out.stream();
    }

    /**
     * Waits until {@code t} parks, or has already finished: a waiter with a scope deadline may give
     * up before a slow (descheduled) test thread first looks at it, and waiting for a finished
     * thread to park would hang. The test's checks hold either way; only the interleaving (the next
     * waiter queued behind the stopped one, or not) differs.
     */
    private static void awaitParkedOrDone(Thread t) throws InterruptedException {
        Thread.State s;
        while ((s = t.getState()) != Thread.State.WAITING
                && s != Thread.State.TIMED_WAITING
                && s != Thread.State.TERMINATED) {
            Thread.sleep(1);
        }
    }

    private static int acquire(RwLock<Integer> l, boolean write) {
        if (write) {
            try (var g = l.write()) {
                return g.set(g.get() + 1) + 1;
            }
        }
        try (var g = l.read()) {
            return g.get();
        }
    }

    @ParameterizedTest(name = "fair={0} write={1} deadline={2} striped={3}")
    @MethodSource("cases")
    void aParkedAcquisitionStopsWithTheScopeAndTheNextWaiterIsServed(
            boolean fair, boolean write, boolean deadline, boolean striped) throws Exception {
        RwLock<Integer> l = make(fair, striped);
        // A writer blocks a reader; a reader blocks a writer.
        AutoCloseable held = write ? l.read() : l.write();
        var src = new CancellationSource();
        JoinHandle<Throwable> stopped =
                Threads.builder()
                        .name("stopped")
                        .spawn(
                                () -> {
                                    try {
                                        if (deadline) {
                                            CancelScope.withTimeout(
                                                    Duration.ofMillis(100),
                                                    () -> acquire(l, write));
                                        } else {
                                            CancelScope.withToken(
                                                    src.token(), () -> acquire(l, write));
                                        }
                                        return null;
                                    } catch (CancelledException e) {
                                        return e;
                                    }
                                });
        awaitParkedOrDone(stopped.thread());
        JoinHandle<Integer> next = Threads.spawn(() -> acquire(l, write));
        try {
            MutexContractTest.awaitBlocked(next.thread());
        } catch (AssertionError e) {
            throw new AssertionError(
                    "the next waiter did not block: next="
                            + next.join(Duration.ofSeconds(1))
                            + ", stopped="
                            + stopped.join(Duration.ofSeconds(1))
                            + ", lock="
                            + l,
                    e);
        }
        if (!deadline) {
            src.cancel("enough");
        }
        JoinOutcome<Throwable> stop = stopped.join(Duration.ofSeconds(20));
        assertThat(stop).as("the scope stopped the wait").isInstanceOf(JoinOutcome.Finished.class);
        assertThat(((JoinOutcome.Finished<Throwable>) stop).value())
                .isExactlyInstanceOf(
                        deadline ? DeadlineExceededException.class : CancelledException.class);
        // The stopped waiter left nothing behind: the holder is still alone (but with striped
        // readers the next writer may have claimed the lock and be waiting for the reader).
        if (!(write && striped)) {
            assertThat(l.isWriteLocked()).isEqualTo(!write);
        }
        assertThat(l.readHolds()).isEqualTo(write ? 1 : 0);
        held.close();
        JoinOutcome<Integer> out = next.join(Duration.ofSeconds(20));
        assertThat(out).as("the next waiter was served").isInstanceOf(JoinOutcome.Finished.class);
        assertThat(((JoinOutcome.Finished<Integer>) out).value()).isEqualTo(write ? 1 : 0);
        assertThat(l.readHolds()).isZero();
        assertThat(l.isWriteLocked()).isFalse();
        assertThat(acquire(l, true)).as("the lock still works").isEqualTo(write ? 2 : 1);
    }

    @ParameterizedTest(name = "fair={0} write={1}")
    @MethodSource("fairAndWrite")
    void anAvailableLockIsTakenWithoutLookingAtTheScope(boolean fair, boolean write)
            throws Exception {
        RwLock<Integer> l = make(fair);
        var src = new CancellationSource();
        src.cancel("already");
        int v = CancelScope.withToken(src.token(), () -> acquire(l, write));
        assertThat(v).isEqualTo(write ? 1 : 0);
    }

    static Stream<Arguments> fairAndWrite() {
        return cases().filter(a -> !(boolean) a.get()[2] && !(boolean) a.get()[3])
                .map(a -> Arguments.of(a.get()[0], a.get()[1]));
    }

    /**
     * Readers and writers with short scope deadlines come and go among plain ones: a stopped waiter
     * that consumed a wake-up must pass it on, or a plain waiter would park forever.
     */
    @ParameterizedTest(name = "fair={0} striped={1}")
    @MethodSource("fairAndStriped")
    void churnOfStoppedWaitersLosesNoWakeUp(boolean fair, boolean striped) throws Exception {
        RwLock<long[]> l = RwLock.builder().fair(fair).striped(striped).build(new long[2]);
        int threads = 4;
        int rounds = 300;
        var writes = new AtomicInteger();
        List<JoinHandle<Integer>> hs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            boolean scoped = t % 2 == 0;
            int id = t;
            hs.add(
                    Threads.spawn(
                            () -> {
                                int done = 0;
                                for (int i = 0; i < rounds; i++) {
                                    boolean write = (i + id) % 3 == 0;
                                    CancelScope.Body<Integer, RuntimeException> body =
                                            () -> {
                                                if (write) {
                                                    try (var g = l.write()) {
                                                        g.get()[0]++;
                                                        g.get()[1]++;
                                                        writes.incrementAndGet();
                                                    }
                                                } else {
                                                    try (var g = l.read()) {
                                                        if (g.get()[0] != g.get()[1]) {
                                                            throw new AssertionError("torn");
                                                        }
                                                    }
                                                }
                                                return 1;
                                            };
                                    if (scoped) {
                                        try {
                                            done +=
                                                    CancelScope.withTimeout(
                                                            Duration.ofNanos(
                                                                    20_000 + i % 7 * 10_000),
                                                            body);
                                        } catch (DeadlineExceededException e) {
                                            // gave up: fine
                                        }
                                    } else {
                                        done += body.run();
                                    }
                                }
                                return done;
                            }));
        }
        for (JoinHandle<Integer> h : hs) {
            JoinOutcome<Integer> out = h.join(Duration.ofSeconds(60));
            assertThat(out).as("a waiter was never woken").isInstanceOf(JoinOutcome.Finished.class);
        }
        assertThat(l.readHolds()).isZero();
        assertThat(l.isWriteLocked()).isFalse();
        try (var g = l.read()) {
            assertThat(g.get()[0]).isEqualTo(writes.get()).isEqualTo(g.get()[1]);
        }
    }

    static Stream<Arguments> fairAndStriped() {
        return Stream.of(
                Arguments.of(false, false),
                Arguments.of(true, false),
                Arguments.of(false, true),
                Arguments.of(true, true));
    }
}
