package dev.braid.examples.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancellationSource;
import dev.braid.cancel.CancelledException;
import dev.braid.sync.RwLock;
import dev.braid.sync.RwLockReadGuard;
import dev.braid.sync.RwLockWriteGuard;
import dev.braid.testkit.Exploration;
import dev.braid.testkit.Sim;
import dev.braid.testkit.Simulation;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RwLock's wake-and-compete protocol (and the fair mode's hand-off) under the testkit: virtual time
 * makes "waited less / more than the fairness bound" exact, and exploration of timeouts, interrupts
 * and scope deadlines checks that nobody is left parked while the lock is free (that would be
 * reported as a deadlock) and that readers and writers exclude each other.
 */
class RwLockSimTest {
    private static RwLock<int[]> make(boolean fair) {
        return RwLock.builder().name("rw").fair(fair).build(new int[2]);
    }

    /** Shared by the threads of one schedule: who is inside, and the first violation seen. */
    private static final class Sections {
        final AtomicInteger readers = new AtomicInteger();
        final AtomicInteger writers = new AtomicInteger();
        final AtomicReference<String> bad = new AtomicReference<>();

        void read() {
            readers.incrementAndGet();
            if (writers.get() != 0) {
                bad.set("a reader overlapped a writer");
            }
            Sim.yieldNow();
            readers.decrementAndGet();
        }

        void write(RwLockWriteGuard<int[]> g) {
            try (g) {
                if (writers.incrementAndGet() != 1 || readers.get() != 0) {
                    bad.set("a writer overlapped another holder");
                }
                g.get()[0]++;
                Sim.yieldNow();
                g.get()[1]++;
                writers.decrementAndGet();
            }
        }
    }

    /**
     * Times out (0.2 ms) three times at most, then waits plainly: it leaves the queue before the
     * main thread's release, and re-enters it after.
     */
    private static Void timedReader(RwLock<int[]> l, Sections in) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            Optional<RwLockReadGuard<int[]>> g = l.tryRead(Duration.ofNanos(200_000));
            if (g.isPresent()) {
                try (var _ = g.get()) {
                    in.read();
                }
            }
        }
        try (var _ = l.read()) {
            in.read();
        }
        return null;
    }

    /** Interrupted once by the main thread, wherever it is. */
    private static Void interruptibleReader(RwLock<int[]> l, Sections in) {
        for (int i = 0; i < 3; i++) {
            try (var _ = l.readInterruptibly()) {
                in.read();
            } catch (InterruptedException stop) {
                // given up: fine
            }
        }
        return null;
    }

    /** Waits plainly, with a timeout, and twice inside a scope with a 1 ms deadline. */
    private static Void writer(RwLock<int[]> l, Sections in) throws InterruptedException {
        in.write(l.write());
        Optional<RwLockWriteGuard<int[]>> timed = l.tryWrite(Duration.ofMillis(1));
        if (timed.isPresent()) {
            in.write(timed.get());
        }
        for (int i = 0; i < 2; i++) {
            try {
                in.write(CancelScope.withTimeout(Duration.ofMillis(1), l::write));
            } catch (CancelledException gaveUp) {
                // the scope's deadline passed while waiting: fine
            }
        }
        return null;
    }

    /**
     * Two readers and a writer that give up in every way there is (timeouts, an interrupt, a scope
     * deadline) while also taking the lock plainly. The interrupt is sent just after a release, so
     * in some schedules it lands on a reader that was already woken (or granted): that reader must
     * pass the wake-up on, or the writer queued behind it would park forever.
     */
    @ParameterizedTest(name = "fair={0}")
    @ValueSource(booleans = {false, true})
    void waitersThatGiveUpNeverStallTheQueueOrBreakExclusion(boolean fair) {
        Exploration e =
                Simulation.builder()
                        .seed(fair ? 101 : 100)
                        .schedules(400)
                        .build()
                        .explore(
                                () -> {
                                    RwLock<int[]> l = make(fair);
                                    Sections in = new Sections();
                                    RwLockWriteGuard<int[]> held = l.write();
                                    JoinHandle<Void> timed =
                                            Threads.builder()
                                                    .name("timedReader")
                                                    .spawn(() -> timedReader(l, in));
                                    JoinHandle<Void> interrupted =
                                            Threads.builder()
                                                    .name("interruptedReader")
                                                    .spawn(() -> interruptibleReader(l, in));
                                    JoinHandle<Void> w =
                                            Threads.builder()
                                                    .name("writer")
                                                    .spawn(() -> writer(l, in));
                                    Threads.sleep(Duration.ofNanos(500_000)); // all queue
                                    held.close(); // wakes (or grants) the queue's head...
                                    interrupted.thread().interrupt(); // ...racing with this
                                    timed.join();
                                    interrupted.join();
                                    w.join();
                                    assertThat(in.bad.get()).isNull();
                                    assertThat(l.readHolds()).isZero();
                                    assertThat(l.isWriteLocked()).isFalse();
                                    try (var g = l.write()) { // a stall would park here forever
                                        assertThat(g.get()[0]).isEqualTo(g.get()[1]);
                                    }
                                });
        assertThat(e.passed()).as(e.message()).isTrue();
    }

    /** Takes a read hold three times, yielding inside, so that readers overlap. */
    private static Void overlappingReader(RwLock<int[]> l, Sections in) {
        for (int i = 0; i < 3; i++) {
            try (var g = l.read()) {
                in.read();
                assertThat(g.get()[0]).isEqualTo(g.get()[1]);
            }
        }
        return null;
    }

    /**
     * Readers that overlap stripe the lock (each counts itself in its own slot); a writer then
     * claims the state word and waits for the slots to drain, plainly, with a timeout and inside a
     * scope deadline. Exploration checks that writers and striped readers exclude each other and
     * that the last reader to leave always wakes the draining writer (a lost wake-up would leave it
     * parked: a deadlock report).
     */
    @ParameterizedTest(name = "fair={0}")
    @ValueSource(booleans = {false, true})
    void aWriterDrainingStripedReadersIsWokenByTheLastToLeave(boolean fair) {
        Exploration e =
                Simulation.builder()
                        .seed(fair ? 111 : 110)
                        .schedules(300)
                        .build()
                        .explore(
                                () -> {
                                    RwLock<int[]> l = make(fair);
                                    Sections in = new Sections();
                                    JoinHandle<Void> r1 =
                                            Threads.builder()
                                                    .name("reader1")
                                                    .spawn(() -> overlappingReader(l, in));
                                    JoinHandle<Void> r2 =
                                            Threads.builder()
                                                    .name("reader2")
                                                    .spawn(() -> overlappingReader(l, in));
                                    JoinHandle<Void> w =
                                            Threads.builder()
                                                    .name("writer")
                                                    .spawn(() -> writer(l, in));
                                    r1.join();
                                    r2.join();
                                    w.join();
                                    assertThat(in.bad.get()).isNull();
                                    assertThat(l.readHolds()).isZero();
                                    assertThat(l.isWriteLocked()).isFalse();
                                    try (var g = l.write()) {
                                        assertThat(g.get()[0]).isEqualTo(g.get()[1]);
                                    }
                                });
        assertThat(e.passed()).as(e.message()).isTrue();
    }

    /**
     * The smallest stall the lost-wake-up rule prevents: a reader at the head is woken (or granted)
     * by a release and interrupted before it runs; if it left without taking the lock, or without
     * passing the hold on, the writer queued behind it would never be woken.
     */
    @ParameterizedTest(name = "fair={0}")
    @ValueSource(booleans = {false, true})
    void aWokenReaderThatIsInterruptedPassesTheWakeUpOn(boolean fair) {
        AtomicInteger gaveUp = new AtomicInteger();
        Exploration e =
                Simulation.builder()
                        .seed(fair ? 201 : 200)
                        .schedules(300)
                        .build()
                        .explore(
                                () -> {
                                    RwLock<int[]> l = make(fair);
                                    RwLockWriteGuard<int[]> held = l.write();
                                    JoinHandle<Boolean> reader =
                                            Threads.builder()
                                                    .name("reader")
                                                    .spawn(
                                                            () -> {
                                                                try (var _ =
                                                                        l.readInterruptibly()) {
                                                                    return true;
                                                                } catch (InterruptedException e2) {
                                                                    return false;
                                                                }
                                                            });
                                    Threads.sleep(Duration.ofNanos(10_000)); // the reader queues
                                    JoinHandle<Integer> writer =
                                            Threads.builder()
                                                    .name("writer")
                                                    .spawn(
                                                            () -> {
                                                                try (var g = l.write()) {
                                                                    return ++g.get()[0];
                                                                }
                                                            });
                                    Threads.sleep(Duration.ofNanos(10_000)); // and the writer
                                    held.close();
                                    reader.thread().interrupt();
                                    if (!reader.join()) {
                                        gaveUp.incrementAndGet();
                                    }
                                    assertThat(writer.join()).isEqualTo(1);
                                    assertThat(l.readHolds()).isZero();
                                    assertThat(l.isWriteLocked()).isFalse();
                                });
        assertThat(e.passed()).as(e.message()).isTrue();
        assertThat(gaveUp.get()).as("schedules where the interrupt won").isPositive();
    }

    /**
     * The scenario of RwLockCancelScopeTest, explored: a holder blocks a waiter inside a scope and
     * a plain waiter queued behind it (readers behind a writer, or writers behind a reader), and
     * the holder releases just as the scope stops: its deadline passes, or another thread cancels
     * its token concurrently with the release. Whether the scope stops the first waiter before,
     * during or after the release's dispatch (it may have consumed the wake-up), the plain waiter
     * must be served (a lost wake-up would leave it parked: a deadlock report) and nothing may be
     * left held.
     */
    @ParameterizedTest(name = "fair={0} write={1} deadline={2}")
    @CsvSource({
        "false,false,true", "false,true,true", "true,false,true", "true,true,true",
        "false,false,false", "false,true,false", "true,false,false", "true,true,false"
    })
    void aWaiterStoppedByItsScopeNeverStrandsTheNextOne(
            boolean fair, boolean write, boolean deadline) {
        AtomicInteger stopped = new AtomicInteger();
        Exploration e =
                Simulation.builder()
                        .seed((fair ? 401 : 400) + (write ? 10 : 0) + (deadline ? 20 : 0))
                        .schedules(300)
                        .build()
                        .explore(
                                () -> {
                                    RwLock<int[]> l = make(fair);
                                    AutoCloseable held = write ? l.read() : l.write();
                                    CancellationSource src = new CancellationSource();
                                    JoinHandle<Boolean> scoped =
                                            Threads.builder()
                                                    .name("scoped")
                                                    .spawn(
                                                            () -> {
                                                                try {
                                                                    if (deadline) {
                                                                        CancelScope.withTimeout(
                                                                                Duration.ofNanos(
                                                                                        50_000),
                                                                                () ->
                                                                                        holdOnce(
                                                                                                l,
                                                                                                write));
                                                                    } else {
                                                                        CancelScope.withToken(
                                                                                src.token(),
                                                                                () ->
                                                                                        holdOnce(
                                                                                                l,
                                                                                                write));
                                                                    }
                                                                    return true;
                                                                } catch (CancelledException gone) {
                                                                    return false;
                                                                }
                                                            });
                                    Threads.sleep(Duration.ofNanos(10_000)); // it queues
                                    JoinHandle<Integer> next =
                                            Threads.builder()
                                                    .name("next")
                                                    .spawn(() -> holdOnce(l, write));
                                    Threads.sleep(Duration.ofNanos(40_000)); // the deadline's edge
                                    JoinHandle<Object> canceller = null;
                                    if (!deadline) { // the token is cancelled concurrently...
                                        canceller =
                                                Threads.builder()
                                                        .name("canceller")
                                                        .spawn(
                                                                () -> {
                                                                    src.cancel("enough");
                                                                    return null;
                                                                });
                                    }
                                    held.close(); // ...with this release's wake-up (or grant)
                                    if (!scoped.join()) {
                                        stopped.incrementAndGet();
                                    }
                                    next.join();
                                    if (canceller != null) {
                                        canceller.join();
                                    }
                                    assertThat(l.readHolds()).isZero();
                                    assertThat(l.isWriteLocked()).isFalse();
                                    try (var g = l.write()) { // a stall would park here forever
                                        assertThat(g.get()[0]).isEqualTo(g.get()[1]);
                                    }
                                });
        assertThat(e.passed()).as(e.message()).isTrue();
        assertThat(stopped.get()).as("schedules where the scope stopped the wait").isPositive();
    }

    /** One read or write hold (a write bumps both counters); returns the first counter. */
    private static int holdOnce(RwLock<int[]> l, boolean write) {
        if (write) {
            try (var g = l.write()) {
                g.get()[0]++;
                g.get()[1]++;
                return g.get()[0];
            }
        }
        try (var g = l.read()) {
            return g.get()[0];
        }
    }

    /**
     * A reader queued behind a writer for well under the bound is woken, not handed the lock: an
     * arriving writer may barge in first (in some schedules). A fair lock hands the lock over at
     * the release, so the arrival never gets it; past the bound, neither does the default lock.
     */
    @ParameterizedTest(name = "fair={0}")
    @ValueSource(booleans = {false, true})
    void anArrivingWriterBargesOnlyPastAWokenWaiterWithinTheBound(boolean fair) {
        for (long waitedMicros : new long[] {100, 2_000}) {
            Set<Boolean> barged = ConcurrentHashMap.newKeySet();
            Exploration e =
                    Simulation.builder()
                            .seed(7)
                            .schedules(200)
                            .build()
                            .explore(
                                    () -> {
                                        RwLock<int[]> l = make(fair);
                                        AtomicBoolean readerGotIn = new AtomicBoolean();
                                        RwLockWriteGuard<int[]> w = l.write();
                                        JoinHandle<Integer> r =
                                                Threads.spawn(
                                                        () ->
                                                                l.withRead(
                                                                        a -> {
                                                                            readerGotIn.set(true);
                                                                            return a[0];
                                                                        }));
                                        Threads.sleep(Duration.ofNanos(waitedMicros * 1_000));
                                        w.close();
                                        Optional<RwLockWriteGuard<int[]>> t = l.tryWrite();
                                        boolean ahead = t.isPresent() && !readerGotIn.get();
                                        barged.add(ahead);
                                        t.ifPresent(
                                                g -> {
                                                    g.get()[0] = 1;
                                                    g.close();
                                                });
                                        assertThat(r.join()).isEqualTo(ahead ? 1 : 0);
                                    });
            assertThat(e.passed()).as(e.message()).isTrue();
            boolean withinBound = waitedMicros * 1_000 < 1_000_000;
            if (fair || !withinBound) {
                assertThat(barged).as("waited %d us", waitedMicros).containsExactly(false);
            } else {
                assertThat(barged).as("waited %d us", waitedMicros).containsOnly(true, false);
            }
        }
    }

    /**
     * Queue: writer, then reader, behind a writer. The default lock wakes the head (the writer)
     * first; the fair lock ends a write phase by admitting every queued reader first.
     */
    @ParameterizedTest(name = "fair={0}")
    @ValueSource(booleans = {false, true})
    void whoGoesFirstAfterAWriteWithinTheBound(boolean fair) {
        Exploration e =
                Simulation.builder()
                        .seed(3)
                        .schedules(200)
                        .build()
                        .explore(
                                () -> {
                                    RwLock<int[]> l = make(fair);
                                    List<String> order = new CopyOnWriteArrayList<>();
                                    RwLockWriteGuard<int[]> w = l.write();
                                    JoinHandle<Object> w2 =
                                            Threads.spawn(
                                                    () -> {
                                                        try (var _ = l.write()) {
                                                            order.add("w2");
                                                        }
                                                        return null;
                                                    });
                                    Threads.sleep(Duration.ofNanos(10_000)); // w2 queues
                                    JoinHandle<Object> r1 =
                                            Threads.spawn(
                                                    () -> {
                                                        try (var _ = l.read()) {
                                                            order.add("r1");
                                                        }
                                                        return null;
                                                    });
                                    Threads.sleep(Duration.ofNanos(10_000)); // r1 queues
                                    w.close();
                                    w2.join();
                                    r1.join();
                                    assertThat(order)
                                            .containsExactly(
                                                    fair ? "r1" : "w2", fair ? "w2" : "r1");
                                });
        assertThat(e.passed()).as(e.message()).isTrue();
    }
}
