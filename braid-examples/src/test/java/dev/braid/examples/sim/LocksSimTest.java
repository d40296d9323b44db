package dev.braid.examples.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.sync.Condvar;
import dev.braid.sync.LockOrderChecker;
import dev.braid.sync.LockOrderViolation;
import dev.braid.sync.Mutex;
import dev.braid.sync.RwLock;
import dev.braid.testkit.Exploration;
import dev.braid.testkit.SimBody;
import dev.braid.testkit.SimResult;
import dev.braid.testkit.Simulation;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Panics;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The locks under the testkit: blocking is a scheduler wait, waits appear in the wait-for graph,
 * timed waits run on virtual time; planted bugs are found and replayed.
 */
@Isolated // the lock-order checker is process-wide
class LocksSimTest {
    private final Simulation sim = Simulation.builder().seed(7).schedules(400).build();

    @BeforeEach
    @AfterEach
    void quietChecker() {
        LockOrderChecker.disable();
        LockOrderChecker.reset();
    }

    /** Producer/consumer over Mutex + Condvar (predicate form) and an RwLock: always correct. */
    @Test
    void correctProgramsPassEverySchedule() {
        sim.check(
                () -> {
                    Mutex<Deque<Integer>> q = Mutex.named("q", new ArrayDeque<>());
                    Condvar nonEmpty = Condvar.named("nonEmpty");
                    RwLock<Integer> total = RwLock.named("total", 0);
                    JoinHandle<?> consumer =
                            Threads.spawn(
                                    () -> {
                                        for (int i = 0; i < 3; i++) {
                                            int x;
                                            try (var g = q.lock()) {
                                                nonEmpty.awaitUntil(g, d -> !d.isEmpty());
                                                x = g.get().poll();
                                            }
                                            total.update(t -> t + x);
                                        }
                                        return null;
                                    });
                    JoinHandle<Integer> reader =
                            Threads.spawn(
                                    () -> total.withRead(t -> t) + total.readOptimistic(t -> 0));
                    for (int i = 1; i <= 3; i++) {
                        int v = i;
                        q.withLock(d -> d.add(v));
                        nonEmpty.notifyOne();
                    }
                    consumer.join();
                    assertThat(reader.join()).isBetween(0, 6);
                    assertThat(total.<Integer>withRead(t -> t)).isEqualTo(6);
                });
    }

    /** A planted lost wake-up: the waiter checks the flag, drops the lock, then waits. */
    static final SimBody LOST_WAKEUP =
            () -> {
                Mutex<Boolean> ready = Mutex.named("ready", false);
                Condvar cv = Condvar.named("ready");
                JoinHandle<?> waiter =
                        Threads.builder()
                                .name("waiter")
                                .spawn(
                                        () -> {
                                            boolean seen = ready.withLock(r -> r);
                                            if (!seen) {
                                                try (var g = ready.lock()) {
                                                    cv.await(g); // BUG: no predicate re-check
                                                }
                                            }
                                            return null;
                                        });
                ready.update(r -> true);
                cv.notifyAllWaiters();
                waiter.join();
            };

    @Test
    void aLostWakeupIsFoundAsADeadlockOnTheCondvarAndReplays() {
        Exploration found = sim.explore(LOST_WAKEUP);
        SimResult failure = found.failure().orElseThrow();
        assertThat(failure).isInstanceOf(SimResult.Deadlock.class);
        assertThat(failure.message()).contains("'waiter' waits for Condvar(ready)");
        SimResult again = sim.rerun(failure.schedule(), LOST_WAKEUP);
        assertThat(again).isInstanceOf(SimResult.Deadlock.class);
        assertThat(again.message()).isEqualTo(failure.message());
    }

    /** A planted lock-order inversion across a Mutex and an RwLock. */
    static final SimBody INVERSION =
            () -> {
                Mutex<Integer> a = Mutex.named("a", 0);
                RwLock<Integer> b = RwLock.named("b", 0);
                JoinHandle<Void> t1 =
                        Threads.builder()
                                .name("T1")
                                .spawn(
                                        () -> {
                                            try (var _ = a.lock();
                                                    var w = b.write()) {
                                                w.set(1);
                                            }
                                        });
                JoinHandle<Void> t2 =
                        Threads.builder()
                                .name("T2")
                                .spawn(
                                        () -> {
                                            try (var _ = b.read();
                                                    var g = a.lock()) {
                                                g.set(2);
                                            }
                                        });
                t1.join();
                t2.join();
            };

    @Test
    void aLockOrderDeadlockAcrossMutexAndRwLockIsFoundAndReplays() {
        Exploration found = sim.explore(INVERSION);
        SimResult failure = found.failure().orElseThrow();
        assertThat(failure).isInstanceOf(SimResult.Deadlock.class);
        assertThat(failure.message()).contains("Mutex(a)", "RwLock(b)", "T1", "T2", "cycle");
        SimResult again = sim.rerun(failure.schedule(), INVERSION);
        assertThat(again).isInstanceOf(SimResult.Deadlock.class);
        assertThat(again.schedule()).isEqualTo(failure.schedule());
    }

    @Test
    void theLockOrderCheckerFlagsTheInversionBeforeAnyRunDeadlocks() {
        LockOrderChecker.enable();
        var previous = Panics.setHook((t, e) -> {});
        try {
            int flagged = 0;
            for (long seed = 0; seed < 200; seed++) {
                LockOrderChecker.reset();
                SimResult r = sim.runOnce(seed, INVERSION);
                assertThat(r).as("seed %d", seed).isNotInstanceOf(SimResult.Deadlock.class);
                // The refused thread's violation fails the run at that thread (a child's uncaught
                // throwable fails the run); a root that saw it through join reports it too.
                Throwable cause =
                        r instanceof SimResult.ThreadFailed t
                                ? t.cause()
                                : r instanceof SimResult.Failed f ? f.cause() : null;
                if (cause != null) {
                    assertThat(rootCause(cause)).isInstanceOf(LockOrderViolation.class);
                    assertThat(rootCause(cause).getMessage()).contains("Mutex(a)", "RwLock(b)");
                    flagged++;
                }
            }
            // Every schedule runs both orders (each thread finishes or is refused), so every
            // schedule is flagged, including those that would otherwise deadlock.
            assertThat(flagged).isEqualTo(200);
        } finally {
            Panics.setHook(previous);
        }
    }

    @Test
    void timedWaitsRunOnVirtualTime() {
        long start = System.nanoTime();
        sim.check(
                () -> {
                    Mutex<Integer> m = Mutex.named("m", 0);
                    RwLock<Integer> rw = RwLock.named("rw", 0);
                    Condvar cv = Condvar.named("never");
                    var held = m.lock();
                    var w = rw.write();
                    JoinHandle<Boolean> other =
                            Threads.spawn(
                                    () ->
                                            m.tryLock(Duration.ofHours(1)).isEmpty()
                                                    && rw.tryRead(Duration.ofHours(2)).isEmpty());
                    assertThat(other.join()).isTrue();
                    held.close();
                    w.close();
                    try (var g = m.lock()) {
                        assertThat(cv.await(g, Duration.ofDays(1)).timedOut()).isTrue();
                    }
                });
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    }

    private static Throwable rootCause(Throwable t) {
        while (t.getCause() != null && !(t instanceof LockOrderViolation)) {
            t = t.getCause();
        }
        return t;
    }
}
