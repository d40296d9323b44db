package dev.braid.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The once-initialization contract, written once and run over both forms: {@link
 * OnceCell#getOrInit} and {@link Lazy#get}. Each variant turns an initializer into the "get" of a
 * fresh once-cell.
 */
class OnceContractTest {
    interface Variant {
        Supplier<String> make(Supplier<String> init);
    }

    static Stream<Arguments> variants() {
        Variant cell =
                init -> {
                    OnceCell<String> c = OnceCell.named("c");
                    return () -> c.getOrInit(init);
                };
        Variant lazy = init -> Lazy.named("l", init);
        Variant anonymousCell =
                init -> {
                    OnceCell<String> c = new OnceCell<>();
                    return () -> c.getOrInit(init);
                };
        return Stream.of(
                Arguments.of("OnceCell.named", cell),
                Arguments.of("OnceCell", anonymousCell),
                Arguments.of("Lazy", lazy));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void initializesOnceUnderContention(String name, Variant v) throws Exception {
        for (int round = 0; round < 20; round++) {
            AtomicInteger runs = new AtomicInteger();
            Supplier<String> get =
                    v.make(
                            () -> {
                                runs.incrementAndGet();
                                Thread.onSpinWait();
                                return "value-" + runs.get();
                            });
            CountDownLatch start = new CountDownLatch(1);
            List<JoinHandle<String>> hs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                hs.add(
                        Threads.spawn(
                                () -> {
                                    start.await();
                                    return get.get();
                                }));
            }
            start.countDown();
            for (JoinHandle<String> h : hs) {
                assertThat(h.join()).isEqualTo("value-1");
            }
            assertThat(runs).hasValue(1);
            assertThat(get.get()).isEqualTo("value-1");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void aThrowingInitializerLeavesItEmptyAndReportsTheError(String name, Variant v) {
        AtomicInteger runs = new AtomicInteger();
        IllegalStateException boom = new IllegalStateException("boom");
        Supplier<String> get =
                v.make(
                        () -> {
                            if (runs.incrementAndGet() == 1) {
                                throw boom;
                            }
                            return "second";
                        });
        assertThatThrownBy(get::get).isSameAs(boom);
        assertThat(get.get()).isEqualTo("second");
        assertThat(runs).hasValue(2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void anInitializerReturningNullIsAFailure(String name, Variant v) {
        AtomicInteger runs = new AtomicInteger();
        Supplier<String> get = v.make(() -> runs.incrementAndGet() == 1 ? null : "ok");
        assertThatThrownBy(get::get)
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("returned null");
        assertThat(get.get()).isEqualTo("ok");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void aReentrantInitializerIsDetected(String name, Variant v) {
        AtomicReference<Supplier<String>> self = new AtomicReference<>();
        AtomicReference<Throwable> inner = new AtomicReference<>();
        Supplier<String> get =
                v.make(
                        () -> {
                            try {
                                self.get().get();
                            } catch (IllegalStateException e) {
                                inner.set(e);
                            }
                            return "outer";
                        });
        self.set(get);
        assertThat(get.get()).isEqualTo("outer");
        assertThat(inner.get())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("re-entrant");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void waitersRetryWithTheirOwnInitializerWhenTheRunningOneFails(String name, Variant v)
            throws Exception {
        CountDownLatch inInit = new CountDownLatch(1);
        CountDownLatch fail = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        Supplier<String> get =
                v.make(
                        () -> {
                            if (runs.incrementAndGet() == 1) {
                                inInit.countDown();
                                await(fail);
                                throw new IllegalArgumentException("first fails");
                            }
                            return "retry";
                        });
        JoinHandle<String> first =
                Threads.spawn(
                        () -> {
                            try {
                                return get.get();
                            } catch (IllegalArgumentException e) {
                                return "failed: " + e.getMessage();
                            }
                        });
        inInit.await();
        JoinHandle<String> waiter = Threads.spawn(get::get);
        Thread.sleep(20); // let the waiter park (either order is correct)
        fail.countDown();
        assertThat(waiter.join()).isEqualTo("retry");
        assertThat(first.join()).isEqualTo("failed: first fails");
        assertThat(runs).hasValue(2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void waitingKeepsTheInterruptStatus(String name, Variant v) throws Exception {
        CountDownLatch inInit = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        Supplier<String> get =
                v.make(
                        () -> {
                            inInit.countDown();
                            await(finish);
                            return "done";
                        });
        JoinHandle<String> first = Threads.spawn(get::get);
        inInit.await();
        JoinHandle<Boolean> waiter =
                Threads.spawn(
                        () -> {
                            Thread.currentThread().interrupt();
                            String s = get.get();
                            return s.equals("done") && Thread.currentThread().isInterrupted();
                        });
        Thread.sleep(20);
        finish.countDown();
        assertThat(first.join()).isEqualTo("done");
        assertThat(waiter.join()).isTrue();
    }

    private static void await(CountDownLatch l) {
        try {
            l.await();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
