package dev.braid.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancellationSource;
import dev.braid.cancel.CancelledException;
import dev.braid.cancel.DeadlineExceededException;
import dev.braid.sync.BarrierWait.BrokenReason;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Semaphore, Barrier, Condvar and OnceCell/Lazy waits stop when the ambient {@link CancelScope} is
 * cancelled or expires, and leave the primitive usable (ADR 0005/0006/0013; Mutex, join, sleep and
 * token await are covered in CancelScopeTest).
 */
class AmbientCancellationTest {

    private static Throwable outcome(JoinHandle<Throwable> h) throws InterruptedException {
        return h.join();
    }

    @ParameterizedTest(name = "fair={0}")
    @ValueSource(booleans = {false, true})
    void semaphoreAcquireStopsAtTheScopeDeadlineAndLeavesNoStaleWaiter(boolean fair)
            throws Exception {
        Semaphore s = Semaphore.named("s", 0, fair);
        JoinHandle<Throwable> waiter =
                Threads.spawn(
                        () -> {
                            try {
                                CancelScope.withTimeout(Duration.ofMillis(30), () -> s.acquire(1));
                                return null;
                            } catch (DeadlineExceededException e) {
                                return e;
                            }
                        });
        assertThat(outcome(waiter)).isInstanceOf(DeadlineExceededException.class);
        assertThat(s.availablePermits()).isZero();
        s.release(1);
        assertThat(s.availablePermits()).as("the abandoned waiter took nothing").isEqualTo(1);
        try (Permits p = s.acquire(1)) {
            assertThat(p).isNotNull();
        }
    }

    @ParameterizedTest(name = "fair={0}")
    @ValueSource(booleans = {false, true})
    void semaphoreAcquireStopsWhenTheTokenIsCancelled(boolean fair) throws Exception {
        Semaphore s = Semaphore.named("s", 0, fair);
        CancellationSource src = new CancellationSource();
        JoinHandle<Throwable> waiter =
                Threads.spawn(
                        () -> {
                            try {
                                CancelScope.withToken(src.token(), () -> s.acquire(2));
                                return null;
                            } catch (CancelledException e) {
                                return e;
                            }
                        });
        Threads.sleep(Duration.ofMillis(30)); // usually parked by now; correct either way
        src.cancel("shutting down");
        assertThat(outcome(waiter)).isExactlyInstanceOf(CancelledException.class);
        s.release(2);
        assertThat(s.availablePermits()).isEqualTo(2);
    }

    @ParameterizedTest(name = "timeout={0}")
    @ValueSource(booleans = {false, true})
    void aCancelledPartyBreaksTheBarrierForTheOthers(boolean timeout) throws Exception {
        Barrier b = Barrier.named("step", 3);
        CancellationSource src = new CancellationSource();
        JoinHandle<Throwable> cancelled =
                Threads.spawn(
                        () -> {
                            try {
                                if (timeout) {
                                    CancelScope.withTimeout(Duration.ofMillis(30), b::await);
                                } else {
                                    CancelScope.withToken(src.token(), b::await);
                                }
                                return null;
                            } catch (CancelledException e) { // DeadlineExceededException is one too
                                return e;
                            }
                        });
        JoinHandle<BarrierWait> other = Threads.spawn(() -> b.await(Duration.ofSeconds(30)));
        if (!timeout) {
            Threads.sleep(Duration.ofMillis(30));
            src.cancel("stop");
        }
        assertThat(outcome(cancelled))
                .isExactlyInstanceOf(
                        timeout ? DeadlineExceededException.class : CancelledException.class);
        BarrierWait seen = other.join();
        assertThat(seen).isInstanceOf(BarrierWait.Broken.class);
        assertThat(((BarrierWait.Broken) seen).reason()).isEqualTo(BrokenReason.CANCELLED);
    }

    @Test
    void condvarWaitStopsAtTheScopeDeadlineWithTheLockHeld() throws Exception {
        Mutex<Integer> m = Mutex.named("m", 0);
        Condvar ready = Condvar.named("ready");
        JoinHandle<String> waiter =
                Threads.spawn(
                        () -> {
                            try (var g = m.lock()) {
                                try {
                                    CancelScope.withTimeout(
                                            Duration.ofMillis(30),
                                            () -> {
                                                ready.awaitUninterruptibly(g);
                                                return null;
                                            });
                                    return "notified?";
                                } catch (DeadlineExceededException e) {
                                    return "held="
                                            + m.isHeldByCurrentThread()
                                            + " value="
                                            + g.get();
                                }
                            }
                        });
        assertThat(waiter.join()).isEqualTo("held=true value=0");
        assertThat(m.isLocked()).isFalse();
    }

    @Test
    void aCondvarWaiterStoppedByItsScopeTakesTheLockBackEvenIfItIsHeld() throws Exception {
        Mutex<Integer> m = Mutex.named("m", 0);
        Condvar ready = Condvar.named("ready");
        CancellationSource src = new CancellationSource();
        JoinHandle<String> waiter =
                Threads.spawn(
                        () -> {
                            try (var g = m.lock()) {
                                try {
                                    CancelScope.withToken(
                                            src.token(),
                                            () -> {
                                                ready.awaitUninterruptibly(g);
                                                return null;
                                            });
                                    return "notified?";
                                } catch (CancelledException e) {
                                    return "held="
                                            + m.isHeldByCurrentThread()
                                            + " value="
                                            + g.get();
                                }
                            }
                        });
        MutexContractTest.awaitBlocked(waiter.thread());
        try (var g = m.lock()) {
            // The waiter leaves the condvar and must wait for us to take the lock back; the
            // (cancelled) scope must not stop that wait, or it would throw without the lock.
            src.cancel("stop");
            Threads.sleep(Duration.ofMillis(30));
            g.set(7);
        }
        assertThat(waiter.join()).isEqualTo("held=true value=7");
        assertThat(m.isLocked()).isFalse();
    }

    @Test
    void aRequeuedCondvarWaiterIgnoresItsScope() throws Exception {
        Mutex<Integer> m = Mutex.named("m", 0);
        Condvar ready = Condvar.named("ready");
        CancellationSource src = new CancellationSource();
        JoinHandle<String> waiter =
                Threads.spawn(
                        () -> {
                            try (var g = m.lock()) {
                                try {
                                    CancelScope.withToken(
                                            src.token(),
                                            () -> {
                                                ready.awaitUninterruptibly(g);
                                                return null;
                                            });
                                    return "notified, value=" + g.get();
                                } catch (CancelledException e) {
                                    return "cancelled";
                                }
                            }
                        });
        MutexContractTest.awaitBlocked(waiter.thread());
        try (var g = m.lock()) {
            ready.notifyOne(); // requeued onto m: the notification has won
            src.cancel("too late");
            Threads.sleep(Duration.ofMillis(30));
            g.set(7);
        }
        assertThat(waiter.join()).isEqualTo("notified, value=7");
    }

    @Test
    void aCancelledCondvarWaiterDoesNotSwallowANotification() throws Exception {
        Mutex<Boolean> m = Mutex.named("m", false);
        Condvar ready = Condvar.named("ready");
        CancellationSource src = new CancellationSource();
        JoinHandle<Throwable> cancelled =
                Threads.spawn(
                        () -> {
                            try (var g = m.lock()) {
                                CancelScope.withToken(
                                        src.token(),
                                        () -> {
                                            ready.await(g);
                                            return null;
                                        });
                                return null;
                            } catch (CancelledException e) {
                                return e;
                            }
                        });
        JoinHandle<Boolean> patient =
                Threads.spawn(
                        () -> {
                            try (var g = m.lock()) {
                                ready.awaitUntil(g, v -> v);
                                return g.get();
                            }
                        });
        Threads.sleep(Duration.ofMillis(30)); // usually both wait by now; correct either way
        src.cancel("stop");
        assertThat(outcome(cancelled)).isExactlyInstanceOf(CancelledException.class);
        try (var g = m.lock()) {
            g.set(true);
            ready.notifyOne(); // must reach the patient waiter, not the departed one
        }
        assertThat(patient.join(Duration.ofSeconds(30)).value()).isTrue();
    }

    @Test
    void onceCellWaiterStopsOnTheTokenAndTheInitializerStillFinishes() throws Exception {
        OnceCell<String> cell = OnceCell.named("config");
        CountDownLatch initializing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        JoinHandle<String> initializer =
                Threads.spawn(
                        () ->
                                cell.getOrInit(
                                        () -> {
                                            initializing.countDown();
                                            awaitUninterruptibly(release);
                                            return "loaded";
                                        }));
        assertThat(initializing.await(30, TimeUnit.SECONDS)).isTrue();
        CancellationSource src = new CancellationSource();
        JoinHandle<Throwable> waiter =
                Threads.spawn(
                        () -> {
                            try {
                                CancelScope.withToken(
                                        src.token(), () -> cell.getOrInit(() -> "mine"));
                                return null;
                            } catch (CancelledException e) {
                                return e;
                            }
                        });
        Threads.sleep(Duration.ofMillis(30)); // usually parked by now; correct either way
        src.cancel("request gone");
        assertThat(outcome(waiter))
                .isExactlyInstanceOf(CancelledException.class)
                .hasRootCauseMessage("request gone");
        assertThat(cell.isInitialized()).isFalse();
        release.countDown();
        assertThat(initializer.join()).isEqualTo("loaded");
        assertThat(cell.getOrInit(() -> "other")).isEqualTo("loaded");
    }

    @Test
    void lazyWaitersStopAtTheScopeDeadlineAndTheValueStillArrives() throws Exception {
        CountDownLatch computing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Lazy<Integer> slow =
                Lazy.named(
                        "slow",
                        () -> {
                            computing.countDown();
                            awaitUninterruptibly(release);
                            return 42;
                        });
        JoinHandle<Integer> first = Threads.spawn(slow::get);
        assertThat(computing.await(30, TimeUnit.SECONDS)).isTrue();
        // many waiters give up one after another while the value is being computed
        JoinHandle<Integer> pollers =
                Threads.spawn(
                        () -> {
                            int gaveUp = 0;
                            for (int i = 0; i < 200; i++) {
                                try {
                                    CancelScope.withTimeout(Duration.ofNanos(50_000), slow::get);
                                } catch (DeadlineExceededException e) {
                                    gaveUp++;
                                }
                            }
                            return gaveUp;
                        });
        assertThat(pollers.join()).isEqualTo(200);
        release.countDown();
        assertThat(first.join()).isEqualTo(42);
        assertThat(slow.get()).isEqualTo(42);
        // a scope does not affect a value that is already there
        CancellationSource done = new CancellationSource();
        done.cancel();
        assertThat(CancelScope.withToken(done.token(), slow::get)).isEqualTo(42);
    }

    @Test
    void onceCellWaiterKeepsItsInterruptStatusWhenTheScopeStopsIt() throws Exception {
        OnceCell<String> cell = new OnceCell<>();
        CountDownLatch initializing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        JoinHandle<String> initializer =
                Threads.spawn(
                        () ->
                                cell.getOrInit(
                                        () -> {
                                            initializing.countDown();
                                            awaitUninterruptibly(release);
                                            return "v";
                                        }));
        assertThat(initializing.await(30, TimeUnit.SECONDS)).isTrue();
        JoinHandle<Boolean> waiter =
                Threads.spawn(
                        () -> {
                            Thread.currentThread().interrupt();
                            try {
                                CancelScope.withTimeout(
                                        Duration.ofMillis(20), () -> cell.getOrInit(() -> "w"));
                                return false;
                            } catch (DeadlineExceededException e) {
                                return Thread.interrupted();
                            }
                        });
        assertThat(waiter.join()).as("interrupt status kept").isTrue();
        release.countDown();
        assertThat(initializer.join()).isEqualTo("v");
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        while (true) {
            try {
                latch.await();
                return;
            } catch (InterruptedException e) {
                // keep waiting: the test releases it
            }
        }
    }
}
