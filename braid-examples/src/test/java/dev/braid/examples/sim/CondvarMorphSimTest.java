package dev.braid.examples.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.sync.Condvar;
import dev.braid.sync.Mutex;
import dev.braid.sync.MutexGuard;
import dev.braid.sync.WaitOutcome;
import dev.braid.testkit.Sim;
import dev.braid.testkit.Simulation;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import org.junit.jupiter.api.Test;

/**
 * Condvar wait morphing under the testkit: a notifier that holds the mutex moves waiters onto the
 * mutex's queue. Notifications race with timeouts, interrupts and threads barging for the mutex; in
 * every schedule the mutex stays exclusive, no notification is lost, and no waiter is left parked
 * while the mutex is free (the run would end as a deadlock).
 */
class CondvarMorphSimTest {
    private final Simulation sim = Simulation.builder().seed(11).schedules(1000).build();

    /** The guarded state. */
    static final class Box {
        int inside; // threads inside the critical section: at most one
        int waiting; // threads inside a condvar wait
        boolean go;
    }

    /** Coverage across schedules: the races this test is about did happen. */
    static final AtomicInteger MORPHS = new AtomicInteger();

    static final AtomicInteger TIMEOUTS = new AtomicInteger();
    static final AtomicInteger INTERRUPTS = new AtomicInteger();

    /** A critical section with a preemption point inside: a second holder would be seen. */
    static void critical(MutexGuard<Box> g) {
        Box b = g.get();
        assertThat(b.inside).as("mutual exclusion").isZero();
        b.inside = 1;
        Sim.yieldNow();
        b.inside = 0;
    }

    static <T> T await(MutexGuard<Box> g, Waiting<T> wait) throws InterruptedException {
        critical(g);
        g.get().waiting++;
        try {
            return wait.run();
        } finally {
            g.get().waiting--;
            critical(g); // the lock is held again, exclusively
        }
    }

    interface Waiting<T> {
        T run() throws InterruptedException;
    }

    @Test
    void notificationsRacingTimeoutsInterruptsAndBargersKeepEveryPromise() {
        MORPHS.set(0);
        TIMEOUTS.set(0);
        INTERRUPTS.set(0);
        sim.check(
                () -> {
                    boolean fair = Sim.nextInt(2) == 0;
                    Mutex<Box> m = Mutex.builder().name("m").fair(fair).build(new Box());
                    Condvar cv = Condvar.named("go");
                    JoinHandle<WaitOutcome> timed =
                            Threads.spawn(
                                    () -> {
                                        try (var g = m.lock()) {
                                            Duration limit = Duration.ofMillis(Sim.nextInt(3));
                                            WaitOutcome o =
                                                    await(
                                                            g,
                                                            () ->
                                                                    cv.awaitUntil(
                                                                            g, b -> b.go, limit));
                                            assertThat(o.timedOut()).isEqualTo(!g.get().go);
                                            return o;
                                        }
                                    });
                    JoinHandle<Boolean> interruptible =
                            Threads.spawn(
                                    () -> {
                                        try (var g = m.lock()) {
                                            try {
                                                await(
                                                        g,
                                                        () -> {
                                                            cv.awaitUntil(g, b -> b.go);
                                                            return null;
                                                        });
                                                return false;
                                            } catch (InterruptedException e) {
                                                assertThat(m.isHeldByCurrentThread()).isTrue();
                                                return true;
                                            }
                                        }
                                    });
                    JoinHandle<Void> patient =
                            Threads.spawn(
                                    () -> {
                                        try (var g = m.lock()) {
                                            await(
                                                    g,
                                                    () -> {
                                                        while (!g.get().go) {
                                                            cv.awaitUninterruptibly(g);
                                                        }
                                                        return null;
                                                    });
                                        }
                                        return null;
                                    });
                    JoinHandle<Void> barger =
                            Threads.spawn(
                                    () -> {
                                        for (int i = 0; i < 2; i++) {
                                            try (var g = m.lock()) {
                                                critical(g);
                                            }
                                        }
                                        return null;
                                    });
                    Threads.sleep(Duration.ofMillis(Sim.nextInt(3)));
                    boolean all = Sim.nextInt(2) == 0;
                    boolean underLock = Sim.nextInt(2) == 0;
                    boolean interruptFirst = Sim.nextInt(2) == 0;
                    if (interruptFirst) {
                        interruptible.thread().interrupt();
                    }
                    try (var g = m.lock()) {
                        critical(g);
                        g.get().go = true;
                        if (underLock) {
                            if (g.get().waiting > 0) {
                                MORPHS.incrementAndGet(); // held by us: these waiters requeue
                            }
                            notify(cv, all);
                            critical(g);
                        }
                    }
                    if (!underLock) {
                        notify(cv, all);
                    }
                    if (!interruptFirst) {
                        interruptible.thread().interrupt();
                    }
                    if (timed.join().timedOut()) {
                        TIMEOUTS.incrementAndGet();
                    }
                    if (interruptible.join()) {
                        INTERRUPTS.incrementAndGet();
                    }
                    patient.join();
                    barger.join();
                    assertThat(m.isLocked()).isFalse();
                    try (var g = m.lock()) {
                        assertThat(g.get().inside).isZero();
                        assertThat(g.get().waiting).isZero();
                    }
                });
        assertThat(MORPHS.get()).as("schedules where waiters were requeued").isPositive();
        assertThat(TIMEOUTS.get()).as("schedules where the timed waiter timed out").isPositive();
        assertThat(INTERRUPTS.get()).as("schedules where the interrupt won").isPositive();
    }

    private static void notify(Condvar cv, boolean all) {
        if (all) {
            cv.notifyAllWaiters();
        } else {
            for (int i = 0; i < 3; i++) {
                cv.notifyOne();
            }
        }
    }

    @Test
    void aDateDeadlineIsReadFromTheVirtualWallClock() {
        sim.check(
                () -> {
                    Lock l = Mutex.named("m", 0).asLock();
                    Condition c = l.newCondition();
                    long t0 = Sim.nanoTime();
                    l.lock();
                    try {
                        Date inAnHour = new Date(Sim.currentTimeMillis() + 3_600_000L);
                        assertThat(c.awaitUntil(inAnHour)).isFalse();
                    } finally {
                        l.unlock();
                    }
                    assertThat(Sim.nanoTime() - t0).isEqualTo(TimeUnit.HOURS.toNanos(1));
                });
    }
}
