package dev.braid.examples.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancellationSource;
import dev.braid.cancel.CancelledException;
import dev.braid.sync.Mutex;
import dev.braid.testkit.Sim;
import dev.braid.testkit.Simulation;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Mutex's WOKEN bit under the testkit (ADR 0016). While a waiter that an unlock woke is on its way
 * and others still wait, the mutex's WOKEN bit tells later unlocks not to wake anyone else. A woken
 * waiter that then leaves (interrupt, cancelled scope) must clear the bit, or the waiters behind it
 * stay parked with the mutex free; the run would end as a deadlock.
 */
class MutexWokenSimTest {
    private final Simulation sim = Simulation.builder().seed(16).schedules(1000).build();

    /** Coverage across schedules: the woken waiter did leave in some of them. */
    static final AtomicInteger LEFT = new AtomicInteger();

    @Test
    void aWokenWaiterThatLeavesDoesNotStrandTheWaitersBehindIt() {
        LEFT.set(0);
        sim.check(
                () -> {
                    Mutex<Integer> m = Mutex.named("m", 0);
                    CancellationSource src = new CancellationSource();
                    boolean byInterrupt = Sim.nextInt(2) == 0;
                    var held = m.lock();
                    JoinHandle<Boolean> leaver =
                            Threads.builder()
                                    .name("leaver")
                                    .spawn(
                                            () ->
                                                    byInterrupt
                                                            ? lockInterruptibly(m)
                                                            : lockInScope(m, src));
                    JoinHandle<Void> patient1 =
                            Threads.builder().name("patient1").spawn(() -> increment(m));
                    JoinHandle<Void> patient2 =
                            Threads.builder().name("patient2").spawn(() -> increment(m));
                    Sim.yieldNow(); // let the waiters queue, in any order
                    Sim.yieldNow();
                    if (byInterrupt) {
                        leaver.thread().interrupt();
                    } else {
                        src.cancel("stop");
                    }
                    held.close(); // may wake the leaver, with the patient ones still queued
                    increment(m); // may barge ahead of the woken leaver
                    boolean leaverGotIn = leaver.join();
                    patient1.join();
                    patient2.join();
                    if (!leaverGotIn) {
                        LEFT.incrementAndGet();
                    }
                    assertThat(m.isLocked()).isFalse();
                    assertThat(m.<Integer>withLock(v -> v)).isEqualTo(leaverGotIn ? 4 : 3);
                });
        assertThat(LEFT.get()).as("schedules where the leaver left").isPositive();
    }

    private static void increment(Mutex<Integer> m) {
        m.update(v -> v + 1);
    }

    private static boolean lockInterruptibly(Mutex<Integer> m) {
        try (var g = m.lockInterruptibly()) {
            g.set(g.get() + 1);
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    private static boolean lockInScope(Mutex<Integer> m, CancellationSource src) {
        try {
            return CancelScope.withToken(
                    src.token(),
                    () -> {
                        try (var g = m.lock()) {
                            g.set(g.get() + 1);
                            return true;
                        }
                    });
        } catch (CancelledException e) {
            return false;
        }
    }
}
