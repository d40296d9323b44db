package dev.braid.thread;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ScopeTest {
    private PanicHook previous;

    @BeforeEach
    void quietPanics() {
        previous = Panics.setHook((t, e) -> {});
    }

    @AfterEach
    void restore() {
        Panics.setHook(previous);
    }

    @Test
    void scopeJoinsEveryChildBeforeReturning() {
        AtomicInteger finished = new AtomicInteger();
        int[] borrowed = new int[4];
        Threads.scope(
                s -> {
                    for (int i = 0; i < 4; i++) {
                        int slot = i;
                        s.spawn(
                                () -> {
                                    Thread.sleep(10L * slot);
                                    borrowed[slot] = slot + 1;
                                    return finished.incrementAndGet();
                                });
                    }
                });
        assertThat(finished).hasValue(4);
        assertThat(borrowed).containsExactly(1, 2, 3, 4);
    }

    @Test
    void scopeReturnsTheBodysValueAndChildHandlesWork() throws Exception {
        int sum =
                Threads.scopeAndGet(
                        s -> {
                            JoinHandle<Integer> a = s.spawn(() -> 20);
                            JoinHandle<Integer> b = s.spawn(() -> 22);
                            return a.join() + b.join();
                        });
        assertThat(sum).isEqualTo(42);
    }

    @Test
    void childrenMaySpawnIntoTheScope() {
        List<String> order = new CopyOnWriteArrayList<>();
        Threads.scope(
                s ->
                        s.spawn(
                                () -> {
                                    s.spawn(
                                            () -> {
                                                Thread.sleep(30);
                                                return order.add("grandchild");
                                            });
                                    return order.add("child");
                                }));
        assertThat(order).containsExactlyInAnyOrder("child", "grandchild");
    }

    @Test
    void firstFailurePropagatesAndLaterOnesAreSuppressed() {
        AtomicReference<JoinHandle<Object>> early = new AtomicReference<>();
        CountDownLatch spawned = new CountDownLatch(1);
        Throwable thrown =
                catchThrowable(
                        () ->
                                Threads.scope(
                                        s -> {
                                            s.spawn(
                                                    Threads.builder().name("late"),
                                                    () -> {
                                                        spawned.await();
                                                        // fail only once the early panic is
                                                        // recorded
                                                        // (a handle finishes after that)
                                                        while (!early.get().isFinished()) {
                                                            Thread.sleep(1);
                                                        }
                                                        throw new IllegalStateException("second");
                                                    });
                                            early.set(
                                                    s.spawn(
                                                            Threads.builder().name("early"),
                                                            () -> {
                                                                throw new IOException("first");
                                                            }));
                                            spawned.countDown();
                                        }));
        assertThat(thrown).isInstanceOf(PanicException.class).hasMessageContaining("early");
        assertThat(thrown.getCause()).isInstanceOf(IOException.class).hasMessage("first");
        assertThat(thrown.getSuppressed()).hasSize(1);
        assertThat(thrown.getSuppressed()[0])
                .hasMessageContaining("late")
                .hasRootCauseMessage("second");
    }

    @Test
    void bodyFailureIsPrimaryWithChildPanicsSuppressed() {
        Throwable thrown =
                catchThrowable(
                        () ->
                                Threads.scope(
                                        s -> {
                                            s.spawn(
                                                    () -> {
                                                        throw new IllegalStateException("child");
                                                    });
                                            throw new IOException("body");
                                        }));
        assertThat(thrown).isInstanceOf(IOException.class).hasMessage("body");
        assertThat(thrown.getSuppressed()).singleElement().isInstanceOf(PanicException.class);
    }

    @Test
    void bodyFailureWaitsForChildren() {
        AtomicInteger done = new AtomicInteger();
        assertThatThrownBy(
                        () ->
                                Threads.scope(
                                        s -> {
                                            s.spawn(
                                                    () -> {
                                                        Thread.sleep(50);
                                                        return done.incrementAndGet();
                                                    });
                                            throw new IllegalArgumentException("body");
                                        }))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(done).hasValue(1);
    }

    @Test
    void aPanicReceivedThroughJoinIsHandled() throws Exception {
        AtomicReference<Throwable> seen = new AtomicReference<>();
        Threads.scope(
                s -> {
                    var h =
                            s.spawn(
                                    () -> {
                                        throw new IllegalStateException("handled");
                                    });
                    try {
                        h.join();
                    } catch (PanicException e) {
                        seen.set(e.getCause());
                    }
                });
        assertThat(seen.get()).hasMessage("handled");
    }

    @Test
    void spawningAfterTheScopeEndedIsRefused() {
        AtomicReference<Scope> escaped = new AtomicReference<>();
        Threads.scope(escaped::set);
        assertThatThrownBy(() -> escaped.get().spawn(() -> 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("scope has ended");
    }

    @Test
    void interruptWhileWaitingDoesNotEndTheScopeEarly() {
        AtomicInteger done = new AtomicInteger();
        Thread caller = Thread.currentThread();
        Threads.scope(
                s -> {
                    s.spawn(
                            () -> {
                                caller.interrupt();
                                Thread.sleep(Duration.ofMillis(50));
                                return done.incrementAndGet();
                            });
                });
        assertThat(done).hasValue(1);
        assertThat(Thread.interrupted()).as("interrupt status kept").isTrue();
    }

    // ---- issue 15 point 3: policies ----

    @Test
    void failFastIsTheDefaultAndStopsSiblingsBlockedInBraidWaits() {
        List<Throwable> hooked = new CopyOnWriteArrayList<>();
        Panics.setHook((t, e) -> hooked.add(e));
        AtomicReference<JoinHandle<Void>> sleeper = new AtomicReference<>();
        long start = System.nanoTime();
        Throwable thrown =
                catchThrowable(
                        () ->
                                Threads.scope(
                                        s -> {
                                            sleeper.set(s.spawn(ScopeTest::sleepLong));
                                            s.spawnVirtual(ScopeTest::sleepLong);
                                            s.spawn(
                                                    Threads.builder().name("failing"),
                                                    () -> {
                                                        throw new IOException("boom");
                                                    });
                                        }));
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        // a hang guard, not a measurement: the siblings sleep ten minutes unless stopped
        assertThat(tookMs).as("returns long before the siblings' sleep ends").isLessThan(60_000);
        assertThat(thrown).isInstanceOf(PanicException.class).hasMessageContaining("failing");
        assertThat(thrown.getCause()).isInstanceOf(IOException.class).hasMessage("boom");
        assertThat(thrown.getSuppressed()).as("cancelled siblings are not failures").isEmpty();
        assertThat(hooked).as("only the real panic is reported").hasSize(1);
        assertThatThrownBy(() -> sleeper.get().join())
                .isInstanceOf(dev.braid.cancel.CancelledException.class)
                .hasRootCauseMessage(
                        "a sibling in the scope failed: thread 'failing' threw"
                                + " java.io.IOException: boom");
    }

    @Test
    void failFastStopsTheBodyToo() {
        Throwable thrown =
                catchThrowable(
                        () ->
                                Threads.scope(
                                        s -> {
                                            s.spawn(
                                                    () -> {
                                                        throw new IllegalStateException("child");
                                                    });
                                            sleepLong();
                                        }));
        assertThat(thrown).isInstanceOf(PanicException.class).hasRootCauseMessage("child");
    }

    @Test
    void collectAllWaitsForEveryChild() {
        AtomicInteger done = new AtomicInteger();
        Throwable thrown =
                catchThrowable(
                        () ->
                                Threads.scope(
                                        ScopePolicy.COLLECT_ALL,
                                        s -> {
                                            s.spawn(
                                                    () -> {
                                                        Threads.sleep(Duration.ofMillis(100));
                                                        return done.incrementAndGet();
                                                    });
                                            s.spawn(
                                                    () -> {
                                                        throw new IllegalStateException("first");
                                                    });
                                        }));
        assertThat(done).hasValue(1);
        assertThat(thrown).isInstanceOf(PanicException.class).hasRootCauseMessage("first");
    }

    @Test
    void firstSuccessCancelsTheLosersAndSucceeds() throws Exception {
        List<JoinHandle<String>> hs = new CopyOnWriteArrayList<>();
        long start = System.nanoTime();
        Threads.scope(
                ScopePolicy.FIRST_SUCCESS,
                s -> {
                    hs.add(
                            s.spawn(
                                    () -> {
                                        Threads.sleep(Duration.ofMinutes(10)); // until cancelled
                                        return "slow";
                                    }));
                    hs.add(s.spawn(() -> "fast"));
                });
        // a hang guard, not a measurement: the loser sleeps ten minutes unless cancelled
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(60_000);
        assertThat(hs.get(1).join()).isEqualTo("fast");
        assertThatThrownBy(() -> hs.get(0).join())
                .isInstanceOf(dev.braid.cancel.CancelledException.class);
    }

    @Test
    void firstSuccessFailsOnlyWhenEveryChildFailed() {
        Throwable thrown =
                catchThrowable(
                        () ->
                                Threads.scope(
                                        ScopePolicy.FIRST_SUCCESS,
                                        s -> {
                                            s.spawn(
                                                    Threads.builder().name("a"),
                                                    () -> {
                                                        throw new IllegalStateException("a");
                                                    });
                                            s.spawn(
                                                    Threads.builder().name("b"),
                                                    () -> {
                                                        throw new IllegalStateException("b");
                                                    });
                                        }));
        assertThat(thrown).isInstanceOf(PanicException.class);
        assertThat(thrown.getSuppressed()).hasSize(1);
    }

    @Test
    void aChildStoppedByTheDeadlineSurfacesAsDeadlineExceededNotAPanic() {
        List<Throwable> hooked = new CopyOnWriteArrayList<>();
        Panics.setHook((t, e) -> hooked.add(e));
        Throwable thrown =
                catchThrowable(
                        () ->
                                dev.braid.cancel.CancelScope.withTimeout(
                                        Duration.ofMillis(50),
                                        () -> {
                                            Threads.scope(
                                                    ScopePolicy.COLLECT_ALL,
                                                    s -> {
                                                        s.spawn(ScopeTest::sleepLong);
                                                    });
                                            return null;
                                        }));
        assertThat(thrown).isInstanceOf(dev.braid.cancel.DeadlineExceededException.class);
        assertThat(hooked).as("a stop is not printed as a panic").isEmpty();
    }

    @Test
    void scopeSpawnTakesARunnableAndShowsItsState() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        AtomicReference<String> shown = new AtomicReference<>();
        Runnable work = ran::incrementAndGet;
        Threads.scope(
                s -> {
                    JoinHandle<Void> h = s.spawn(work);
                    h.join();
                    shown.set(s.toString());
                });
        assertThat(ran).hasValue(1);
        assertThat(shown.get()).contains("FAIL_FAST", "open", "finished=1", "succeeded=1");
    }

    /** The README's example, as written there: a void body compiles (Scope.spawn(Runnable)). */
    @Test
    void theReadmeExampleCompilesAndRuns() {
        int[] left = {1, 2};
        int[] right = {3, 4};
        Threads.scope(
                s -> { // every child is joined before scope returns
                    s.spawn(() -> work(left));
                    s.spawn(() -> work(right));
                });
        assertThat(left).containsExactly(2, 4);
        assertThat(right).containsExactly(6, 8);
    }

    private static void work(int[] part) {
        for (int i = 0; i < part.length; i++) {
            part[i] *= 2;
        }
    }

    private static Void sleepLong() throws InterruptedException {
        Threads.sleep(
                Duration.ofMinutes(10)); // ends only by cancellation (JUnit's timeout is 5 min)
        return null;
    }

    private static Throwable catchThrowable(ThrowingRunnable r) {
        try {
            r.run();
        } catch (Throwable t) {
            return t;
        }
        throw new AssertionError("expected an exception");
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }
}
