package dev.braid.examples.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancellationSource;
import dev.braid.cancel.CancelledException;
import dev.braid.cancel.DeadlineExceededException;
import dev.braid.sync.Mutex;
import dev.braid.testkit.Exploration;
import dev.braid.testkit.SimResult;
import dev.braid.testkit.Simulation;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Cancellation and timers under the deterministic simulator (virtual time). */
class CancellationSimTest {
    /**
     * A timeout and a completion due at the same virtual instant: which one cancels the token first
     * is a scheduling choice, and exploration must find both orders within 100 schedules.
     */
    @Test
    void timeoutVersusCompletionRaceIsExploredInBothOrders() {
        Set<String> winners = ConcurrentHashMap.newKeySet();
        Exploration e =
                Simulation.builder()
                        .seed(7)
                        .schedules(100)
                        .build()
                        .explore(
                                () -> {
                                    var request = new CancellationSource();
                                    request.cancelAfter(Duration.ofMillis(10)); // the timeout
                                    JoinHandle<Void> worker =
                                            Threads.spawn(
                                                    () -> {
                                                        Threads.sleep(Duration.ofMillis(10));
                                                        request.cancel("completed"); // completion
                                                        return null;
                                                    });
                                    worker.join();
                                    request.token().await();
                                    Throwable cause = request.token().cause().orElseThrow();
                                    winners.add(
                                            cause instanceof DeadlineExceededException
                                                    ? "timeout"
                                                    : "completion");
                                });
        assertThat(e.passed()).as(e.message()).isTrue();
        assertThat(winners).containsExactlyInAnyOrder("timeout", "completion");
    }

    /** A 10-minute scope deadline bounds a join of a thread that sleeps for an hour: < 1 s wall. */
    @Test
    void tenMinuteDeadlineRunsInUnderASecond() {
        // The first run pays the one-time class loading and JIT of the testkit (which a slow or
        // busy CI box can stretch towards a second); the claim is about the run itself.
        tenMinuteDeadlineRun();
        long t0 = System.nanoTime();
        tenMinuteDeadlineRun();
        assertThat(System.nanoTime() - t0).isLessThan(1_000_000_000L);
    }

    private static void tenMinuteDeadlineRun() {
        SimResult r =
                Simulation.builder()
                        .build()
                        .runOnce(
                                1,
                                () -> {
                                    var slow =
                                            Threads.spawn(
                                                    () -> {
                                                        Threads.sleep(Duration.ofHours(1));
                                                        return 1;
                                                    });
                                    long start = System.nanoTime();
                                    boolean timedOut = false;
                                    try {
                                        CancelScope.withTimeout(Duration.ofMinutes(10), slow::join);
                                    } catch (DeadlineExceededException expected) {
                                        timedOut = true;
                                    }
                                    assertThat(timedOut).isTrue();
                                    var token =
                                            CancellationSource.withTimeout(Duration.ofMinutes(10));
                                    token.token().await();
                                    assertThat(System.nanoTime() - start)
                                            .isLessThan(1_000_000_000L);
                                    slow.join();
                                });
        assertThat(r.isFailure()).as(r.message()).isFalse();
    }

    /**
     * A waiter that leaves a Mutex's queue because its scope's deadline passes, racing with the
     * holder's unlock (which may have just dequeued it to be woken): no wake-up may be lost, so the
     * plain waiter always gets the lock. A lost wake-up shows up as a reported deadlock.
     */
    @Test
    void mutexWaiterLeavingOnDeadlineNeverLosesAWakeUp() {
        Exploration e =
                Simulation.builder()
                        .seed(11)
                        .schedules(300)
                        .build()
                        .explore(
                                () -> {
                                    Mutex<int[]> m = new Mutex<>(new int[1]);
                                    var holder = m.lock();
                                    var leaver =
                                            Threads.spawn(
                                                    () -> {
                                                        try {
                                                            return CancelScope.withTimeout(
                                                                    Duration.ofMillis(5),
                                                                    () -> {
                                                                        try (var g = m.lock()) {
                                                                            return ++g.get()[0];
                                                                        }
                                                                    });
                                                        } catch (CancelledException gaveUp) {
                                                            return -1;
                                                        }
                                                    });
                                    var plain =
                                            Threads.spawn(
                                                    () -> {
                                                        try (var g = m.lock()) {
                                                            return ++g.get()[0];
                                                        }
                                                    });
                                    Threads.sleep(Duration.ofMillis(5)); // release at the deadline
                                    holder.close();
                                    int a = leaver.join();
                                    int b = plain.join();
                                    assertThat(b).isPositive();
                                    assertThat(m.isLocked()).isFalse();
                                    assertThat(a == -1 || a + b == 3).isTrue();
                                });
        assertThat(e.passed()).as(e.message()).isTrue();
    }

    /**
     * A deregister racing a cancel on the lock-free registry, explored at the registry's interior
     * yield points (between a deregister's mark and its read of the token; between the cancel's
     * swap and its walk): in every schedule the callback ran exactly when deregister did not win,
     * and exploration finds both outcomes.
     */
    @Test
    void deregisterRacingCancelRunsTheCallbackExactlyWhenItLoses() {
        Set<String> outcomes = ConcurrentHashMap.newKeySet();
        Exploration e =
                Simulation.builder()
                        .seed(5)
                        .schedules(100)
                        .build()
                        .explore(
                                () -> {
                                    var src = new CancellationSource();
                                    AtomicInteger runs = new AtomicInteger();
                                    var older = src.token().onCancel(runs::incrementAndGet);
                                    var canceller = Threads.spawn(() -> src.cancel("stop"));
                                    var reg = src.token().onCancel(runs::incrementAndGet);
                                    boolean removed = reg.deregister();
                                    canceller.join();
                                    assertThat(older.deregister()).isFalse();
                                    assertThat(runs.get()).isEqualTo(removed ? 1 : 2);
                                    outcomes.add(removed ? "removed" : "ran");
                                });
        assertThat(e.passed()).as(e.message()).isTrue();
        assertThat(outcomes).containsExactlyInAnyOrder("removed", "ran");
    }

    /**
     * A child spawned into a Threads.scope inside a CancelScope inherits it: its hour-long sleep
     * stops when the scope's token is cancelled, in every explored order of the cancel and the
     * child's start.
     */
    @Test
    void childOfAThreadsScopeStopsWithTheInheritedScope() {
        Exploration e =
                Simulation.builder()
                        .seed(3)
                        .schedules(50)
                        .build()
                        .explore(
                                () -> {
                                    var src = new CancellationSource();
                                    AtomicInteger stopped = new AtomicInteger();
                                    CancelScope.withToken(
                                            src.token(),
                                            () -> {
                                                Threads.scope(
                                                        s -> {
                                                            s.spawn(() -> sleepAnHour(stopped));
                                                            src.cancel("stop");
                                                        });
                                                return null;
                                            });
                                    assertThat(stopped).hasValue(1);
                                });
        assertThat(e.passed()).as(e.message()).isTrue();
    }

    /** Sleeps for an hour unless the ambient scope stops it, which it counts. */
    private static Void sleepAnHour(AtomicInteger stopped) throws InterruptedException {
        try {
            Threads.sleep(Duration.ofHours(1));
        } catch (CancelledException expected) {
            stopped.incrementAndGet();
        }
        return null;
    }
}
