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
