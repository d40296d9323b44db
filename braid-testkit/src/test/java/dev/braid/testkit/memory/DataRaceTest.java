package dev.braid.testkit.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.atomic.AtomicBool;
import dev.braid.atomic.Ordering;
import dev.braid.atomic.Plain;
import dev.braid.sync.Condvar;
import dev.braid.sync.Mutex;
import dev.braid.testkit.Exploration;
import dev.braid.testkit.Sim;
import dev.braid.testkit.SimResult;
import dev.braid.testkit.Simulation;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import org.junit.jupiter.api.Test;

/** Unordered conflicting accesses to a {@link Plain} cell are reported with both sites. */
class DataRaceTest {
    private final Simulation sim = Simulation.builder().seed(11).schedules(300).build();

    static void writer(Plain<Integer> cell) {
        cell.set(1);
    }

    static int reader(Plain<Integer> cell) {
        return cell.get();
    }

    static void racyProgram() throws InterruptedException {
        Plain<Integer> cell = new Plain<>(0);
        JoinHandle<Void> w = Threads.spawn(() -> writer(cell));
        JoinHandle<Integer> r = Threads.spawn(() -> reader(cell));
        w.join();
        r.join();
    }

    @Test
    void unsynchronizedWriteAndReadAreReported() {
        Exploration e = sim.explore(DataRaceTest::racyProgram);
        assertThat(e.schedulesRun()).isEqualTo(1);
        SimResult.DataRace race = (SimResult.DataRace) e.failure().orElseThrow();
        assertThat(race.cell()).isEqualTo("Plain#1");
        assertThat(race.first().thread()).isNotEqualTo(race.second().thread());
        String sites = race.first().site().toString() + race.second().site();
        assertThat(sites).contains("DataRaceTest.writer").contains("DataRaceTest.reader");
        assertThat(race.message())
                .contains("data race on Plain#1")
                .contains("DataRaceTest.writer")
                .contains("DataRaceTest.reader")
                .contains("replay: braid1:");
        SimResult again = sim.rerun(race.schedule(), DataRaceTest::racyProgram);
        assertThat(again.message()).isEqualTo(race.message());
    }

    @Test
    void aLockedCounterIsRaceFree() {
        sim.check(
                () -> {
                    Plain<Integer> cell = new Plain<>(0);
                    Mutex<Plain<Integer>> lock = new Mutex<>(cell);
                    Runnable inc =
                            () ->
                                    lock.withLock(
                                            c -> {
                                                c.set(c.get() + 1);
                                                return null;
                                            });
                    JoinHandle<Void> a = Threads.spawn(inc);
                    JoinHandle<Void> b = Threads.spawn(inc);
                    a.join();
                    b.join();
                    assertThat(cell.get()).isEqualTo(2); // ordered by the joins
                });
    }

    @Test
    void publicationNeedsReleaseAcquire() {
        Exploration relaxed = sim.explore(() -> publish(Ordering.RELEASE, Ordering.RELAXED));
        assertThat(relaxed.failure()).get().isInstanceOf(SimResult.DataRace.class);
        sim.check(() -> publish(Ordering.RELEASE, Ordering.ACQUIRE));
        sim.check(() -> publish(Ordering.SEQ_CST, Ordering.SEQ_CST));
    }

    /**
     * A notify made without holding the mutex orders the notifier's earlier writes before the woken
     * waiter's reads (through the condvar's queue word and the waiter's status, both volatile),
     * also when the waiter sees the notification before it parks, or when it is moved onto a mutex
     * that a third thread holds. The model must not report a race (ADR 0012's gap).
     */
    @Test
    void aNotifyWithoutTheLockOrdersTheNotifiersWritesBeforeTheWokenWaiter() {
        sim.check(
                () -> {
                    Plain<Integer> payload = new Plain<>(0);
                    Mutex<Object> m = new Mutex<>(new Object());
                    Condvar cv = new Condvar();
                    AtomicBool waiting = new AtomicBool();
                    AtomicBool notified = new AtomicBool();
                    JoinHandle<Integer> waiter =
                            Threads.spawn(
                                    () -> {
                                        try (var g = m.lock()) {
                                            waiting.store(true, Ordering.RELAXED);
                                            cv.awaitUninterruptibly(g);
                                        }
                                        return payload.get();
                                    });
                    // holds the mutex across the notify in some schedules (wait morphing)
                    JoinHandle<Void> holder =
                            Threads.spawn(
                                    () -> {
                                        while (!notified.load(Ordering.RELAXED)) {
                                            var g = m.lock();
                                            try {
                                                Sim.yieldNow();
                                            } finally {
                                                g.close();
                                            }
                                        }
                                    });
                    while (!waiting.load(Ordering.RELAXED)) {
                        // spin: the waiter holds m until its wait has queued it
                    }
                    m.lock().close(); // after the waiter let go of m: it is on the condvar
                    payload.set(7);
                    cv.notifyOne();
                    notified.store(true, Ordering.RELAXED);
                    assertThat(waiter.join()).isEqualTo(7);
                    holder.join();
                });
    }

    private static void publish(Ordering store, Ordering load) throws InterruptedException {
        Plain<Integer> payload = new Plain<>(0);
        AtomicBool ready = new AtomicBool();
        JoinHandle<Void> p =
                Threads.spawn(
                        () -> {
                            payload.set(7);
                            ready.store(true, store);
                        });
        while (!ready.load(load)) {
            // spin
        }
        assertThat(payload.get()).isEqualTo(7);
        p.join();
    }
}
