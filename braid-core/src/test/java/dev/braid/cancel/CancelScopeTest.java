package dev.braid.cancel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.sync.Mutex;
import dev.braid.sync.MutexGuard;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.JoinOutcome;
import dev.braid.thread.Threads;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CancelScopeTest {
    @Test
    void noScopeIsInactive() {
        assertThat(CancelScope.current().isActive()).isFalse();
        CancelScope.checkpoint();
    }

    @Test
    void nestedScopesTakeTheEarlierDeadlineAndBothTokens() {
        var a = new CancellationSource();
        var b = new CancellationSource();
        Deadline near = Deadline.after(Duration.ofMinutes(1));
        Deadline far = Deadline.after(Duration.ofMinutes(5));
        CancelScope.call(
                a.token(),
                near,
                () ->
                        CancelScope.call(
                                b.token(),
                                far,
                                () -> {
                                    CancelScope s = CancelScope.current();
                                    assertThat(s.deadline()).isEqualTo(near);
                                    assertThat(s.tokens()).containsExactly(a.token(), b.token());
                                    return null;
                                }));
        assertThat(CancelScope.current().isActive()).isFalse();
    }

    @Test
    void joinStopsOnScopeDeadline() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        JoinHandle<Integer> h =
                Threads.spawn(
                        () -> {
                            release.await();
                            return 1;
                        });
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> CancelScope.withTimeout(Duration.ofMillis(50), h::join))
                .isInstanceOf(DeadlineExceededException.class);
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(50_000_000L);
        release.countDown();
        assertThat(h.join()).isEqualTo(1);
    }

    @Test
    void joinStopsOnTokenCancelWithCause() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        JoinHandle<Integer> h =
                Threads.spawn(
                        () -> {
                            release.await();
                            return 1;
                        });
        var src = new CancellationSource();
        IOException cause = new IOException("client left");
        JoinHandle<Void> canceller =
                Threads.spawn(
                        () -> {
                            Threads.sleep(Duration.ofMillis(30));
                            src.cancel(cause);
                            return null;
                        });
        assertThatThrownBy(() -> CancelScope.withToken(src.token(), h::join))
                .isExactlyInstanceOf(CancelledException.class)
                .hasCause(cause);
        canceller.join();
        release.countDown();
        assertThat(h.join()).isEqualTo(1);
    }

    @Test
    void timedJoinPrefersItsOwnEarlierDeadline() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        JoinHandle<Integer> h =
                Threads.spawn(
                        () -> {
                            release.await();
                            return 1;
                        });
        JoinOutcome<Integer> out =
                CancelScope.withTimeout(Duration.ofMinutes(1), () -> h.join(Duration.ofMillis(10)));
        assertThat(out).isInstanceOf(JoinOutcome.TimedOut.class);
        release.countDown();
        h.join();
    }

    @Test
    void sleepStopsOnDeadlineAndOnCancel() throws Exception {
        long t0 = System.nanoTime();
        assertThatThrownBy(
                        () ->
                                CancelScope.withTimeout(
                                        Duration.ofMillis(30),
                                        () -> {
                                            Threads.sleep(Duration.ofMinutes(10));
                                            return null;
                                        }))
                .isInstanceOf(DeadlineExceededException.class);
        // a hang guard, not a measurement: the wait stopped is ten minutes long
        assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(60));

        var src = new CancellationSource();
        src.cancelAfter(Duration.ofMillis(20));
        assertThatThrownBy(
                        () ->
                                CancelScope.withToken(
                                        src.token(),
                                        () -> {
                                            Threads.sleep(Duration.ofMinutes(10));
                                            return null;
                                        }))
                .isInstanceOf(DeadlineExceededException.class);

        // a sleep that ends before the scope's deadline is unaffected
        CancelScope.withTimeout(
                Duration.ofMinutes(1),
                () -> {
                    Threads.sleep(Duration.ofMillis(1));
                    return null;
                });
    }

    @Test
    void mutexLockStopsWaitingAndTheLockStillWorks() throws Exception {
        Mutex<Integer> m = new Mutex<>(0);
        MutexGuard<Integer> held = m.lock();
        var src = new CancellationSource();
        CountDownLatch waiting = new CountDownLatch(1);
        JoinHandle<Throwable> waiter =
                Threads.spawn(
                        () -> {
                            try {
                                CancelScope.withToken(
                                        src.token(),
                                        () -> {
                                            waiting.countDown();
                                            try (var g = m.lock()) {
                                                return g.get();
                                            }
                                        });
                                return null;
                            } catch (CancelledException e) {
                                return e;
                            }
                        });
        JoinHandle<Integer> other =
                Threads.spawn(
                        () -> {
                            try (var g = m.lock()) {
                                return g.get() + 1;
                            }
                        });
        assertThat(waiting.await(30, TimeUnit.SECONDS)).isTrue();
        Threads.sleep(Duration.ofMillis(30)); // let both park
        src.cancel("enough");
        assertThat(waiter.join()).isInstanceOf(CancelledException.class);
        held.close();
        assertThat(other.join()).isEqualTo(1);
        assertThat(m.isLocked()).isFalse();
        try (var g = m.lock()) {
            assertThat(g.get()).isEqualTo(0);
        }
    }

    @Test
    void mutexLockHonoursScopeDeadline() throws Exception {
        Mutex<Integer> m = new Mutex<>(0);
        try (var held = m.lock()) {
            assertThat(held.get()).isZero();
            JoinHandle<Throwable> waiter =
                    Threads.spawn(
                            () -> {
                                try {
                                    CancelScope.withTimeout(Duration.ofMillis(30), m::lock);
                                    return null;
                                } catch (DeadlineExceededException e) {
                                    return e;
                                }
                            });
            assertThat(waiter.join()).isInstanceOf(DeadlineExceededException.class);
        }
        assertThat(m.lock()).isNotNull();
    }

    @Test
    void scopeDoesNotCancelScopeJoinOfChildren() throws Exception {
        var src = new CancellationSource();
        src.cancel();
        int[] done = new int[1];
        CancelScope.withToken(
                src.token(),
                () -> {
                    Threads.scope(
                            s ->
                                    s.spawn(
                                            () -> {
                                                done[0] = 1;
                                                return null;
                                            }));
                    return null;
                });
        assertThat(done[0]).isEqualTo(1);
    }

    @Test
    void mutexUnderChurnOfTimedOutWaitersLosesNoWakeUp() throws Exception {
        Mutex<long[]> m = new Mutex<>(new long[1]);
        int threads = 4;
        int rounds = 300;
        var handles = new java.util.ArrayList<JoinHandle<Integer>>();
        for (int t = 0; t < threads; t++) {
            boolean scoped = t % 2 == 0;
            handles.add(
                    Threads.spawn(
                            () -> {
                                int got = 0;
                                for (int i = 0; i < rounds; i++) {
                                    if (scoped) {
                                        try {
                                            got +=
                                                    CancelScope.withTimeout(
                                                            Duration.ofNanos(
                                                                    20_000 + i % 7 * 10_000),
                                                            () -> {
                                                                try (var g = m.lock()) {
                                                                    g.get()[0]++;
                                                                    return 1;
                                                                }
                                                            });
                                        } catch (DeadlineExceededException e) {
                                            // gave up: fine
                                        }
                                    } else {
                                        try (var g = m.lock()) {
                                            g.get()[0]++;
                                            got++;
                                        }
                                    }
                                }
                                return got;
                            }));
        }
        long total = 0;
        for (JoinHandle<Integer> h : handles) {
            JoinOutcome<Integer> out = h.join(Duration.ofSeconds(30));
            assertThat(out).as("a waiter was never woken").isInstanceOf(JoinOutcome.Finished.class);
            total += ((JoinOutcome.Finished<Integer>) out).value();
        }
        try (var g = m.lock()) {
            assertThat(g.get()[0]).isEqualTo(total);
        }
    }

    @Test
    void tokenAwaitStopsWhenTheScopeStops() throws Exception {
        var awaited = new CancellationSource();
        var request = new CancellationSource();
        IOException cause = new IOException("client left");
        JoinHandle<Void> canceller =
                Threads.spawn(
                        () -> {
                            Threads.sleep(Duration.ofMillis(30));
                            request.cancel(cause);
                            return null;
                        });
        assertThatThrownBy(
                        () ->
                                CancelScope.withToken(
                                        request.token(),
                                        () -> {
                                            awaited.token().await();
                                            return null;
                                        }))
                .isExactlyInstanceOf(CancelledException.class)
                .hasCause(cause);
        canceller.join();

        long t0 = System.nanoTime();
        assertThatThrownBy(
                        () ->
                                CancelScope.withTimeout(
                                        Duration.ofMillis(30),
                                        () -> awaited.token().await(Duration.ofMinutes(10))))
                .isInstanceOf(DeadlineExceededException.class);
        // a hang guard, not a measurement: the wait stopped is ten minutes long
        assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(60));

        // its own earlier timeout still answers false
        assertThat(
                        CancelScope.withTimeout(
                                Duration.ofMinutes(1),
                                () -> awaited.token().await(Duration.ofMillis(10))))
                .isFalse();
        assertThat(awaited.isCancelled()).isFalse();
    }

    @Test
    void awaitingTheScopesOwnTokenReturnsWhenItIsCancelled() throws Exception {
        var src = new CancellationSource();
        src.cancelAfter(Duration.ofMillis(20));
        boolean cancelled =
                CancelScope.withToken(src.token(), () -> src.token().await(Duration.ofMinutes(1)));
        assertThat(cancelled).isTrue();
    }

    @Test
    void childOfAThreadsScopeInheritsTheScopeAndStops() throws Exception {
        var src = new CancellationSource();
        CountDownLatch sleeping = new CountDownLatch(1);
        Throwable[] seen = new Throwable[1];
        boolean[] inherited = new boolean[1];
        CancelScope.withToken(
                src.token(),
                () -> {
                    Threads.scope(
                            s -> {
                                s.spawn(
                                        () -> {
                                            inherited[0] =
                                                    CancelScope.current()
                                                            .tokens()
                                                            .contains(src.token());
                                            sleeping.countDown();
                                            try {
                                                Threads.sleep(
                                                        Duration.ofSeconds(60)); // fails, not hangs
                                            } catch (CancelledException e) {
                                                seen[0] = e;
                                            }
                                            return null;
                                        });
                                assertThat(sleeping.await(30, TimeUnit.SECONDS)).isTrue();
                                src.cancel("shutting down");
                            });
                    return null;
                });
        assertThat(inherited[0]).isTrue();
        assertThat(seen[0])
                .isExactlyInstanceOf(CancelledException.class)
                .hasRootCauseMessage("shutting down");
    }

    @Test
    void childKeepsTheScopeItWasSpawnedInAfterTheBlockReturns() throws Exception {
        Throwable[] seen = new Throwable[1];
        Threads.scope(
                s ->
                        CancelScope.withTimeout(
                                Duration.ofMillis(50),
                                () ->
                                        s.spawn(
                                                () -> {
                                                    try {
                                                        Threads.sleep(
                                                                Duration.ofSeconds(
                                                                        60)); // fails, not hangs
                                                    } catch (DeadlineExceededException e) {
                                                        seen[0] = e;
                                                    }
                                                    return null;
                                                })));
        // the sleep ended by the deadline, not by running out: no clock needed to tell
        assertThat(seen[0]).isInstanceOf(DeadlineExceededException.class);
    }

    @Test
    void plainSpawnDoesNotInheritTheScope() throws Exception {
        var src = new CancellationSource();
        src.cancel("request over");
        JoinHandle<Boolean> background =
                CancelScope.withToken(
                        src.token(),
                        () ->
                                Threads.spawn(
                                        () -> {
                                            Threads.sleep(Duration.ofMillis(20)); // not stopped
                                            return CancelScope.current().isActive();
                                        }));
        assertThat(background.join()).isFalse();
    }

    @Test
    void enterCarriesACapturedScopeToAnotherThread() throws Exception {
        var src = new CancellationSource();
        CountDownLatch sleeping = new CountDownLatch(1);
        Deadline far = Deadline.after(Duration.ofMinutes(5));
        JoinHandle<Throwable> worker =
                CancelScope.call(
                        src.token(),
                        far,
                        () -> {
                            CancelScope request = CancelScope.current();
                            return Threads.spawn(
                                    () ->
                                            request.enter(
                                                    () -> {
                                                        assertThat(CancelScope.current().deadline())
                                                                .isEqualTo(far);
                                                        sleeping.countDown();
                                                        try {
                                                            Threads.sleep(Duration.ofMinutes(10));
                                                            return null;
                                                        } catch (CancelledException e) {
                                                            return e;
                                                        }
                                                    }));
                        });
        assertThat(sleeping.await(30, TimeUnit.SECONDS)).isTrue();
        src.cancel("stop");
        assertThat(worker.join()).isExactlyInstanceOf(CancelledException.class);
    }

    @Test
    void enterNestsInTheCallersScope() {
        var outer = new CancellationSource();
        var inner = new CancellationSource();
        Deadline near = Deadline.after(Duration.ofMinutes(1));
        CancelScope captured =
                CancelScope.call(
                        inner.token(), Deadline.after(Duration.ofMinutes(9)), CancelScope::current);
        CancelScope.call(
                outer.token(),
                near,
                () ->
                        captured.enter(
                                () -> {
                                    CancelScope s = CancelScope.current();
                                    assertThat(s.tokens())
                                            .containsExactly(outer.token(), inner.token());
                                    assertThat(s.deadline()).isEqualTo(near);
                                    return null;
                                }));
        assertThat(CancelScope.current().isActive()).isFalse();
    }
}
