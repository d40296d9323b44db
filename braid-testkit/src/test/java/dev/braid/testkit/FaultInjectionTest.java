package dev.braid.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.DeadlineExceededException;
import dev.braid.internal.rt.Rt;
import dev.braid.sync.Mutex;
import dev.braid.sync.MutexGuard;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Opt-in faults find bugs that plain schedules cannot, say which fault they injected, and replay
 * exactly from the schedule string alone.
 */
class FaultInjectionTest {
    @AfterEach
    void noSimulatedThreadOutlivesItsRun() {
        NoLiveThreads.check();
    }

    private static Simulation.Builder sim(Fault... faults) {
        return Simulation.builder()
                .strategy(Strategy.RANDOM) // the assertions pin random's strings
                .seed(7)
                .schedules(300)
                .traceDirectory(Optional.empty())
                .faults(faults)
                .faultProbability(0.5);
    }

    /** Checks the bug hides without faults, is found with them, names the fault, replays. */
    private static Exploration findsOnlyWith(SimBody body, Fault fault) {
        assertThat(sim().build().explore(body).passed()).as("without faults").isTrue();
        Exploration e = sim(fault).build().explore(body);
        assertThat(e.passed()).as("with " + fault).isFalse();
        SimResult failure = e.failure().orElseThrow();
        String name = fault.name().toLowerCase(java.util.Locale.ROOT);
        assertThat(failure.schedule()).startsWith("braid1:random-f" + (1 << fault.ordinal()) + ":");
        assertThat(e.trace().orElseThrow().faults())
                .anySatisfy(f -> assertThat(f).startsWith(name));
        assertThat(e.message()).contains("fault: " + name + " injected into '");
        // Exact replay needs only the string: the faults are in it.
        SimResult again = Simulation.replay(failure.schedule(), body);
        assertThat(again.getClass()).isEqualTo(failure.getClass());
        assertThat(again.schedule()).isEqualTo(failure.schedule());
        assertThat(again.steps()).isEqualTo(failure.steps());
        return e;
    }

    @Test
    void anInterruptAtABlockingPointReachesCodeThatDoesNotExpectIt() {
        SimBody body =
                () -> {
                    Mutex<Integer> m = Mutex.named("m", 0);
                    MutexGuard<Integer> held = m.lock();
                    JoinHandle<Void> worker =
                            Threads.builder()
                                    .name("worker")
                                    .spawn(
                                            () -> {
                                                // propagates InterruptedException: nobody
                                                // interrupts it, unless a fault does
                                                try (MutexGuard<Integer> g =
                                                        m.lockInterruptibly()) {
                                                    g.set(g.get() + 1);
                                                }
                                                return null;
                                            });
                    Sim.yieldNow();
                    held.close();
                    // the root tolerates injected interrupts, so the one found is the worker's
                    while (true) {
                        try {
                            worker.join();
                            break;
                        } catch (InterruptedException injected) {
                            // wait again
                        }
                    }
                };
        Exploration e = findsOnlyWith(body, Fault.INTERRUPT);
        assertThat(e.failure().orElseThrow()).isInstanceOf(SimResult.ThreadFailed.class);
        assertThat(e.message())
                .contains("InterruptedException")
                .contains("interrupt injected into 'worker'");
    }

    @Test
    void aSpuriousWakeUpBreaksAWaitThatDoesNotRecheckItsCondition() {
        SimBody body =
                () -> {
                    AtomicBoolean ready = new AtomicBoolean();
                    Thread main = Thread.currentThread();
                    JoinHandle<Void> setter =
                            Threads.spawn(
                                    () -> {
                                        ready.set(true);
                                        Rt.unpark(main);
                                    });
                    if (!ready.get()) { // the bug: `if` where `while` belongs
                        Rt.park(ready);
                    }
                    assertThat(ready.get()).as("ready after the wake-up").isTrue();
                    setter.join();
                };
        findsOnlyWith(body, Fault.SPURIOUS_WAKEUP);
    }

    @Test
    void aTimeoutFiringAtTheEarliestMomentFailsATryLockThatUsuallySucceeds() {
        SimBody body =
                () -> {
                    Mutex<Integer> m = Mutex.named("m", 0);
                    MutexGuard<Integer> held = m.lock();
                    JoinHandle<Boolean> worker =
                            Threads.spawn(
                                    () -> {
                                        Optional<MutexGuard<Integer>> g =
                                                m.tryLock(Duration.ofSeconds(10));
                                        g.ifPresent(MutexGuard::close);
                                        return g.isPresent();
                                    });
                    Sim.yieldNow();
                    held.close();
                    assertThat(worker.join()).as("the worker got the lock in time").isTrue();
                };
        findsOnlyWith(body, Fault.EARLY_TIMEOUT);
    }

    @Test
    void anAmbientScopesDeadlineArrivingAtAYieldPointIsFound() {
        SimBody body =
                () ->
                        CancelScope.withTimeout(
                                Duration.ofHours(1),
                                () -> {
                                    Mutex<Integer> m = Mutex.named("m", 0);
                                    m.update(v -> v + 1);
                                    CancelScope.checkpoint();
                                    return null;
                                });
        Exploration e = findsOnlyWith(body, Fault.CANCEL);
        assertThat(e.failure().orElseThrow())
                .isInstanceOfSatisfying(
                        SimResult.Failed.class,
                        f -> assertThat(f.cause()).isInstanceOf(DeadlineExceededException.class));
    }

    private static void joinThroughInterrupts(JoinHandle<?> h) {
        while (true) {
            try {
                h.join();
                return;
            } catch (InterruptedException e) {
                // injected: try again
            }
        }
    }

    @Test
    void braidsOwnLocksSurviveInterruptsAndSpuriousWakeUps() {
        Exploration e =
                sim(Fault.INTERRUPT, Fault.SPURIOUS_WAKEUP, Fault.EARLY_TIMEOUT)
                        .build()
                        .explore(
                                () -> {
                                    Mutex<Integer> m = Mutex.named("m", 0);
                                    JoinHandle<Integer> a =
                                            Threads.spawn(() -> m.update(v -> v + 1));
                                    JoinHandle<Integer> b =
                                            Threads.spawn(() -> m.update(v -> v + 1));
                                    m.update(v -> v + 1);
                                    // join is interruptible: an injected interrupt is retried
                                    joinThroughInterrupts(a);
                                    joinThroughInterrupts(b);
                                    int total = m.withLock(v -> v);
                                    assertThat(total).isEqualTo(3);
                                });
        assertThat(e.passed()).as(e.message()).isTrue();
    }

    /** Runs every listener; one that throws ends the loop (the planted bug) or not (robust). */
    private static void fire(List<Runnable> listeners, boolean robust) {
        if (robust) {
            for (Runnable l : listeners) {
                try {
                    l.run();
                } catch (InjectedFault e) {
                    CAUGHT.incrementAndGet(); // reported, the next listener still runs
                }
            }
        } else {
            try {
                for (Runnable l : listeners) {
                    l.run();
                }
            } catch (RuntimeException e) {
                // "logged": but the listeners after the thrower never run
            }
        }
    }

    private static final AtomicInteger CAUGHT = new AtomicInteger();

    private static SimBody listeners(boolean robust) {
        return () -> {
            AtomicBoolean second = new AtomicBoolean();
            List<Runnable> ls = List.of(Sim.callback(() -> {}), () -> second.set(true));
            JoinHandle<Void> firer = Threads.spawn(() -> fire(ls, robust));
            Sim.yieldNow();
            firer.join();
            assertThat(second.get())
                    .as("a throwing listener kept the next one from running")
                    .isTrue();
        };
    }

    @Test
    void aCallbackThatThrowsFindsARunnerThatSkipsTheRemainingCallbacks() {
        Exploration e = findsOnlyWith(listeners(false), Fault.CALLBACK);
        assertThat(e.message()).contains("a callback wrapped by Sim.callback");
    }

    @Test
    void aRunnerThatIsolatesEachCallbackSurvivesInjectedThrows() {
        CAUGHT.set(0);
        Exploration e = sim(Fault.CALLBACK).build().explore(listeners(true));
        assertThat(e.passed()).as(e.message()).isTrue();
        assertThat(CAUGHT.get()).as("faults were injected and caught").isPositive();
    }

    @Test
    void outsideASimulationAWrappedCallbackJustRuns() {
        AtomicBoolean ran = new AtomicBoolean();
        Sim.callback(() -> ran.set(true)).run();
        assertThat(ran).isTrue();
    }
}
