package dev.braid.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Blocking outside braid is reported with the blocked thread's stack instead of hanging. */
class WatchdogTest {
    /**
     * A hang guard, not a measurement: a blocked thread the watchdog missed would hold the
     * exploration forever, while a loaded machine may stretch a 200 ms watchdog to seconds.
     */
    private static final long HANG_GUARD = Duration.ofSeconds(60).toNanos();

    private final Simulation sim =
            Simulation.builder().seed(1).schedules(200).watchdog(Duration.ofMillis(200)).build();

    @AfterEach
    void noSimulatedThreadOutlivesItsRun() {
        NoLiveThreads.check();
    }

    private static void twoThreads(Runnable first, Runnable second) throws InterruptedException {
        JoinHandle<Void> t1 = Threads.builder().name("T1").spawn(first);
        JoinHandle<Void> t2 = Threads.builder().name("T2").spawn(second);
        t1.join();
        t2.join();
    }

    private static SimResult.UncontrolledBlocking uncontrolled(Exploration e) {
        SimResult r = e.failure().orElseThrow(() -> new AssertionError(e.message()));
        assertThat(r).as(r.message()).isInstanceOf(SimResult.UncontrolledBlocking.class);
        return (SimResult.UncontrolledBlocking) r;
    }

    @Test
    void synchronizedOnAMonitorHeldByAnotherSimulatedThread() {
        long start = System.nanoTime();
        Exploration e =
                sim.explore(
                        () -> {
                            Object monitor = new Object();
                            Runnable critical =
                                    () -> {
                                        synchronized (monitor) {
                                            Sim.yieldNow(); // preempted while holding the monitor
                                        }
                                    };
                            twoThreads(critical, critical);
                        });
        SimResult.UncontrolledBlocking u = uncontrolled(e);
        assertThat(System.nanoTime() - start).isLessThan(HANG_GUARD);
        assertThat(u.thread()).isIn("T1", "T2");
        assertThat(u.threadState()).isEqualTo(Thread.State.BLOCKED);
        assertThat(u.stack())
                .anySatisfy(
                        f -> assertThat(f.getClassName()).startsWith(WatchdogTest.class.getName()));
        assertThat(e.message())
                .contains("thread '" + u.thread() + "' stopped reaching braid yield points")
                .contains("BLOCKED")
                .contains("at " + WatchdogTest.class.getName())
                .contains("replay: braid1:");
    }

    @Test
    void juclockHeldByAnotherSimulatedThread() {
        long start = System.nanoTime();
        Exploration e =
                sim.explore(
                        () -> {
                            ReentrantLock lock = new ReentrantLock();
                            Runnable critical =
                                    () -> {
                                        lock.lock();
                                        try {
                                            Sim.yieldNow();
                                        } finally {
                                            lock.unlock();
                                        }
                                    };
                            twoThreads(critical, critical);
                        });
        SimResult.UncontrolledBlocking u = uncontrolled(e);
        assertThat(System.nanoTime() - start).isLessThan(HANG_GUARD);
        assertThat(u.threadState()).isEqualTo(Thread.State.WAITING);
        assertThat(u.stack())
                .anySatisfy(f -> assertThat(f.getClassName()).contains("ReentrantLock"));
    }

    @Test
    void threadSleepWithTheDefaultWatchdogIsReportedWithinThreeSeconds() {
        long start = System.nanoTime();
        SimResult r =
                Simulation.builder()
                        .build()
                        .runOnce(
                                1,
                                () -> {
                                    Thread.sleep(60_000);
                                });
        assertThat(System.nanoTime() - start).isLessThan(HANG_GUARD);
        assertThat(r)
                .isInstanceOfSatisfying(
                        SimResult.UncontrolledBlocking.class,
                        u -> {
                            assertThat(u.thread()).isEqualTo("main");
                            assertThat(u.threadState()).isEqualTo(Thread.State.TIMED_WAITING);
                            assertThat(u.stack())
                                    .anySatisfy(
                                            f -> assertThat(f.getMethodName()).isEqualTo("sleep"));
                        });
    }

    @Test
    void manyRunsWithTeardownLeaveNoThreads() {
        // 2,000 deadlocked runs: every one must unwind all of its threads before the next starts.
        Simulation s = Simulation.builder().build();
        for (int i = 0; i < 2000; i++) {
            SimResult r =
                    s.runOnce(
                            i,
                            () -> {
                                JoinHandle<Void> child =
                                        Threads.spawn(
                                                () -> {
                                                    dev.braid.internal.rt.Rt.park("forever");
                                                });
                                child.join();
                            });
            assertThat(r).isInstanceOf(SimResult.Deadlock.class);
            NoLiveThreads.check();
        }
    }
}
