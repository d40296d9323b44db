package dev.braid.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.cancel.Deadline;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The Condvar contract, run with every lock it works with. */
class CondvarContractTest {
    /** A lock under test: how to take an exclusive guard on an Integer cell. */
    interface Cell {
        ExclusiveGuard<Integer> lock();

        ExclusiveGuard<Integer> lockIgnoringPoison();

        boolean held();
    }

    record Variant(String name, Supplier<Cell> make) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Variant> variants() {
        return Stream.of(
                new Variant("mutex", () -> mutexCell(Mutex.named("m", 0))),
                new Variant(
                        "fair mutex",
                        () -> mutexCell(Mutex.builder().name("m").fair(true).<Integer>build(0))),
                new Variant("rwlock write", () -> rwCell(RwLock.named("rw", 0))));
    }

    static Cell mutexCell(Mutex<Integer> m) {
        return new Cell() {
            @Override
            public ExclusiveGuard<Integer> lock() {
                return m.lock();
            }

            @Override
            public ExclusiveGuard<Integer> lockIgnoringPoison() {
                return m.lockIgnoringPoison();
            }

            @Override
            public boolean held() {
                return m.isHeldByCurrentThread();
            }
        };
    }

    static Cell rwCell(RwLock<Integer> l) {
        return new Cell() {
            @Override
            public ExclusiveGuard<Integer> lock() {
                return l.write();
            }

            @Override
            public ExclusiveGuard<Integer> lockIgnoringPoison() {
                return l.writeIgnoringPoison();
            }

            @Override
            public boolean held() {
                return l.isWriteHeldByCurrentThread();
            }
        };
    }

    @ParameterizedTest
    @MethodSource("variants")
    void predicateWaitSeesTheChangeAndHoldsTheLockAgain(Variant v) throws Exception {
        Cell c = v.make().get();
        Condvar cv = Condvar.named("ready");
        JoinHandle<Integer> waiter =
                Threads.spawn(
                        () -> {
                            try (var g = c.lock()) {
                                cv.awaitUntil(g, x -> x >= 3);
                                assertThat(c.held()).isTrue();
                                return g.get();
                            }
                        });
        for (int i = 0; i < 3; i++) {
            try (var g = c.lock()) {
                g.set(g.get() + 1);
            }
            cv.notifyOne();
        }
        assertThat(waiter.join()).isEqualTo(3);
    }

    @ParameterizedTest
    @MethodSource("variants")
    void notificationBeforeThePredicateWaitIsNotLost(Variant v) throws Exception {
        Cell c = v.make().get();
        Condvar cv = new Condvar();
        try (var g = c.lock()) {
            g.set(1);
        }
        cv.notifyAllWaiters(); // nobody waits: does nothing
        try (var g = c.lock()) {
            assertThat(cv.awaitUntil(g, x -> x == 1, Duration.ofMillis(1)))
                    .isEqualTo(WaitOutcome.WOKEN);
        }
    }

    @ParameterizedTest
    @MethodSource("variants")
    void timedWaitsReportTimeoutAndKeepTheLock(Variant v) throws Exception {
        Cell c = v.make().get();
        Condvar cv = new Condvar();
        try (var g = c.lock()) {
            assertThat(cv.await(g, Duration.ofMillis(10))).isEqualTo(WaitOutcome.TIMED_OUT);
            assertThat(cv.await(g, Deadline.after(Duration.ofMillis(5))).timedOut()).isTrue();
            assertThat(cv.awaitUntil(g, x -> x == 7, Duration.ofMillis(10)))
                    .isEqualTo(WaitOutcome.TIMED_OUT);
            assertThat(cv.awaitUntil(g, x -> x == 7, Deadline.after(Duration.ZERO)))
                    .isEqualTo(WaitOutcome.TIMED_OUT);
            assertThat(c.held()).isTrue();
            g.set(5);
        }
        try (var g = c.lock()) {
            assertThat(g.get()).isEqualTo(5);
        }
    }

    @ParameterizedTest
    @MethodSource("variants")
    void notifyAllWakesEveryWaiterAndNotifyOneWakesOne(Variant v) throws Exception {
        Cell c = v.make().get();
        Condvar cv = new Condvar();
        List<JoinHandle<Integer>> hs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            hs.add(
                    Threads.spawn(
                            () -> {
                                try (var g = c.lock()) {
                                    g.set(g.get() + 1);
                                    cv.awaitUntil(g, x -> x >= 100);
                                    return g.get();
                                }
                            }));
        }
        while (true) {
            try (var g = c.lock()) {
                if (g.get() == 3) {
                    g.set(100);
                    break;
                }
            }
            Thread.sleep(1);
        }
        cv.notifyAllWaiters();
        for (var h : hs) {
            assertThat(h.join()).isEqualTo(100);
        }
    }

    @ParameterizedTest
    @MethodSource("variants")
    void interruptEndsTheWaitWithTheLockHeld(Variant v) throws Exception {
        Cell c = v.make().get();
        Condvar cv = new Condvar();
        Thread[] t = new Thread[1];
        JoinHandle<Boolean> h =
                Threads.spawn(
                        () -> {
                            t[0] = Thread.currentThread();
                            try (var g = c.lock()) {
                                try {
                                    cv.await(g);
                                    return false;
                                } catch (InterruptedException e) {
                                    return c.held();
                                }
                            }
                        });
        while (t[0] == null) {
            Thread.sleep(1);
        }
        MutexContractTest.awaitBlocked(t[0]);
        t[0].interrupt();
        assertThat(h.join()).isTrue();
        try (var _ = c.lock()) {
            assertThat(c.held()).isTrue();
        }
    }

    @ParameterizedTest
    @MethodSource("variants")
    void aWaitReportsPoisonLeftWhileItWaitedAndStillHoldsTheLock(Variant v) throws Exception {
        Cell c = v.make().get();
        Condvar cv = new Condvar();
        JoinHandle<Throwable> waiter =
                Threads.spawn(
                        () -> {
                            try (var g = c.lock()) {
                                try {
                                    cv.awaitUntil(g, x -> x == 1);
                                    return null;
                                } catch (PoisonedException e) {
                                    assertThat(c.held()).isTrue();
                                    g.set(2); // the guard is still open and usable
                                    return e;
                                }
                            }
                        });
        MutexContractTest.awaitBlocked(waiter.thread());
        IllegalStateException boom = new IllegalStateException("boom");
        try (var g = c.lock()) {
            g.set(1);
            g.poison(boom);
            cv.notifyOne();
        }
        assertThat(waiter.join()).isInstanceOf(PoisonedException.class).hasCause(boom);
        try (var g = c.lockIgnoringPoison()) {
            assertThat(g.get()).isEqualTo(2);
            g.clearPoison();
        }
        try (var _ = c.lock()) {
            assertThat(c.held()).isTrue(); // unlocked by the waiter's try-with-resources
        }
    }

    @ParameterizedTest
    @MethodSource("variants")
    void poisonThatWasThereBeforeTheWaitIsNotReportedAgain(Variant v) throws Exception {
        Cell c = v.make().get();
        Condvar cv = new Condvar();
        try (var g = c.lock()) {
            g.poison(new IllegalStateException("old"));
        }
        try (var g = c.lockIgnoringPoison()) {
            assertThat(cv.await(g, Duration.ofMillis(1))).isEqualTo(WaitOutcome.TIMED_OUT);
            assertThat(c.held()).isTrue();
        }
        JoinHandle<Integer> waiter =
                Threads.spawn(
                        () -> {
                            try (var g = c.lockIgnoringPoison()) {
                                cv.awaitUntil(g, x -> x == 1);
                                return g.get();
                            }
                        });
        MutexContractTest.awaitBlocked(waiter.thread());
        try (var g = c.lockIgnoringPoison()) {
            g.set(1);
            cv.notifyOne();
        }
        assertThat(waiter.join()).isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("variants")
    void poisonReplacesAnInterruptButKeepsTheInterruptStatus(Variant v) throws Exception {
        Cell c = v.make().get();
        Condvar cv = new Condvar();
        JoinHandle<String> waiter =
                Threads.spawn(
                        () -> {
                            try (var g = c.lock()) {
                                try {
                                    cv.await(g);
                                    return "returned";
                                } catch (PoisonedException e) {
                                    return "poisoned, interrupted="
                                            + Thread.currentThread().isInterrupted();
                                } catch (InterruptedException e) {
                                    return "interrupted";
                                }
                            }
                        });
        MutexContractTest.awaitBlocked(waiter.thread());
        try (var g = c.lock()) {
            g.poison(new IllegalStateException("boom"));
            waiter.thread().interrupt(); // the waiter wakes, then waits for the lock we hold
            Thread.sleep(10);
        }
        assertThat(waiter.join()).isEqualTo("poisoned, interrupted=true");
    }

    @ParameterizedTest
    @MethodSource("variants")
    void misuseFailsLoudly(Variant v) throws Exception {
        Cell c = v.make().get();
        Condvar cv = new Condvar();
        ExclusiveGuard<Integer> g = c.lock();
        g.close();
        assertThatThrownBy(() -> cv.await(g))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        ExclusiveGuard<Integer> held = c.lock();
        JoinHandle<Throwable> other =
                Threads.spawn(
                        () -> {
                            try {
                                cv.await(held, Duration.ofMillis(1));
                                return null;
                            } catch (IllegalStateException e) {
                                return e;
                            }
                        });
        assertThat(other.join()).hasMessageContaining("belongs to thread");
        held.close();
        assertThat(cv.toString()).isEqualTo("Condvar");
    }
}
