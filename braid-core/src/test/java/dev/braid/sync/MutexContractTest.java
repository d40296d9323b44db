package dev.braid.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.cancel.Deadline;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The Mutex contract, run over every variant (eventually fair, fair, instrumented). */
class MutexContractTest {
    record Variant(String name, Supplier<Mutex<Integer>> make) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Variant> variants() {
        return Stream.of(
                new Variant("default", () -> Mutex.named("m", 0)),
                new Variant("fair", () -> Mutex.builder().name("m").fair(true).<Integer>build(0)),
                new Variant(
                        "instrumented",
                        () -> Mutex.builder().name("m").instrumented(true).<Integer>build(0)));
    }

    /** Waits until {@code t} is parked or waiting (inside the lock's slow path). */
    static void awaitBlocked(Thread t) throws InterruptedException {
        Thread.State st;
        while ((st = t.getState()) != Thread.State.WAITING && st != Thread.State.TIMED_WAITING) {
            if (st
                    == Thread.State
                            .TERMINATED) { // it never blocked: fail instead of spinning forever
                throw new AssertionError(t.getName() + " finished instead of blocking");
            }
            Thread.sleep(1);
        }
    }

    @ParameterizedTest
    @MethodSource("variants")
    void timedLockTimesOutWhileHeldAndSucceedsWhenFree(Variant v) throws Exception {
        Mutex<Integer> m = v.make().get();
        try (var _ = m.lock()) {
            JoinHandle<Boolean> d =
                    Threads.spawn(() -> m.tryLock(Duration.ofMillis(30)).isPresent());
            JoinHandle<Boolean> dl =
                    Threads.spawn(
                            () -> m.tryLock(Deadline.after(Duration.ofMillis(30))).isPresent());
            JoinHandle<Boolean> zero = Threads.spawn(() -> m.tryLock(Duration.ZERO).isPresent());
            assertThat(d.join()).isFalse();
            assertThat(dl.join()).isFalse();
            assertThat(zero.join()).isFalse();
        }
        assertThat(m.isLocked()).isFalse();
        var g = m.tryLock(Duration.ofSeconds(5));
        assertThat(g).isPresent();
        g.get().close();
        try (var g2 = m.tryLock(Deadline.never()).orElseThrow()) {
            assertThat(g2.get()).isZero();
        }
    }

    @ParameterizedTest
    @MethodSource("variants")
    void timedWaiterGetsTheLockWhenReleasedInTime(Variant v) throws Exception {
        Mutex<Integer> m = v.make().get();
        MutexGuard<Integer> held = m.lock();
        JoinHandle<Boolean> w =
                Threads.spawn(
                        () ->
                                m.tryLock(Duration.ofSeconds(30))
                                        .map(
                                                g -> {
                                                    g.close();
                                                    return true;
                                                })
                                        .orElse(false));
        Thread.sleep(20);
        held.close();
        assertThat(w.join()).isTrue();
    }

    @ParameterizedTest
    @MethodSource("variants")
    void lockInterruptiblyThrowsAndDoesNotHold(Variant v) throws Exception {
        Mutex<Integer> m = v.make().get();
        var threw = new AtomicBoolean();
        var thread = new Thread[1];
        try (var _ = m.lock()) {
            JoinHandle<Void> h =
                    Threads.spawn(
                            () -> {
                                thread[0] = Thread.currentThread();
                                try {
                                    m.lockInterruptibly().close();
                                } catch (InterruptedException e) {
                                    threw.set(!Thread.currentThread().isInterrupted());
                                }
                            });
            while (thread[0] == null) {
                Thread.sleep(1);
            }
            awaitBlocked(thread[0]);
            thread[0].interrupt();
            h.join();
        }
        assertThat(threw).as("threw InterruptedException with the status cleared").isTrue();
        assertThat(m.isLocked()).isFalse();
        Thread.currentThread().interrupt();
        assertThatThrownBy(m::lockInterruptibly).isInstanceOf(InterruptedException.class);
        assertThatThrownBy(
                        () -> {
                            Thread.currentThread().interrupt();
                            m.tryLock(Duration.ofSeconds(1));
                        })
                .isInstanceOf(InterruptedException.class);
        assertThat(m.isLocked()).isFalse();
    }

    @ParameterizedTest
    @MethodSource("variants")
    void reentrantLockingIsRefusedWithAClearError(Variant v) throws Exception {
        Mutex<Integer> m = v.make().get();
        try (var _ = m.lock()) {
            assertThat(m.isHeldByCurrentThread()).isTrue();
            assertThatThrownBy(m::lock)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Mutex(m) is already held by this thread");
            assertThatThrownBy(m::tryLock).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(m::lockInterruptibly).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> m.tryLock(Duration.ofMillis(1)))
                    .isInstanceOf(IllegalStateException.class);
            assertThat(m.isLocked()).isTrue();
        }
        assertThat(m.isHeldByCurrentThread()).isFalse();
        assertThat(m.isLocked()).isFalse();
    }

    @ParameterizedTest
    @MethodSource("variants")
    void poisonRecoveryByTakingTheValue(Variant v) {
        Mutex<Integer> m = v.make().get();
        m.update(x -> 41);
        assertThatThrownBy(
                        () ->
                                m.withLock(
                                        x -> {
                                            throw new IllegalStateException("boom");
                                        }))
                .hasMessage("boom");
        assertThat(m.isPoisoned()).isTrue();
        assertThatThrownBy(m::lock).isInstanceOf(PoisonedException.class);
        assertThat(m.intoInner()).isEqualTo(41);
        assertThat(m.isPoisoned()).isFalse();
        assertThatThrownBy(m::lock)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("retired");
        assertThatThrownBy(m::lockIgnoringPoison).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(m::intoInner).isInstanceOf(IllegalStateException.class);
        assertThat(m.isLocked()).isFalse();
    }

    @ParameterizedTest
    @MethodSource("variants")
    void mutualExclusionWithMixedAcquisitionKinds(Variant v) throws Exception {
        Mutex<Integer> m = v.make().get();
        int threads = 4;
        int iterations = 5_000;
        var inside = new AtomicInteger();
        var overlap = new AtomicBoolean();
        List<JoinHandle<Object>> hs = new ArrayList<>();
        var start = new CountDownLatch(1);
        for (int t = 0; t < threads; t++) {
            int kind = t;
            hs.add(
                    Threads.spawn(
                            () -> {
                                start.await();
                                for (int i = 0; i < iterations; i++) {
                                    MutexGuard<Integer> g =
                                            switch ((kind + i) % 4) {
                                                case 0 -> m.lock();
                                                case 1 -> m.lockInterruptibly();
                                                case 2 -> m.tryLock(Duration.ofMinutes(1)).get();
                                                default -> {
                                                    var o = m.tryLock();
                                                    yield o.isPresent() ? o.get() : m.lock();
                                                }
                                            };
                                    if (inside.incrementAndGet() != 1) {
                                        overlap.set(true);
                                    }
                                    g.set(g.get() + 1);
                                    inside.decrementAndGet();
                                    g.close();
                                }
                                return null;
                            }));
        }
        start.countDown();
        for (var h : hs) {
            h.join();
        }
        assertThat(overlap).isFalse();
        assertThat(m.<Integer>withLock(x -> x)).isEqualTo(threads * iterations);
        assertThat(m.isLocked()).isFalse();
    }

    @ParameterizedTest
    @MethodSource("variants")
    void cancelledWaitersNeverStallTheQueue(Variant v) throws Exception {
        Mutex<Integer> m = v.make().get();
        List<JoinHandle<Integer>> hs = new ArrayList<>();
        var stop = new AtomicBoolean();
        for (int t = 0; t < 4; t++) {
            hs.add(
                    Threads.spawn(
                            () -> {
                                int got = 0;
                                while (!stop.get()) {
                                    var g = m.tryLock(Duration.ofNanos(20_000));
                                    if (g.isPresent()) {
                                        got++;
                                        g.get().close();
                                    }
                                }
                                return got;
                            }));
        }
        for (int i = 0; i < 300; i++) {
            try (var _ = m.lock()) {
                Thread.onSpinWait();
            }
        }
        stop.set(true);
        for (var h : hs) {
            h.join();
        }
        assertThat(m.isLocked()).isFalse();
        try (var g = m.tryLock(Duration.ofSeconds(5)).orElseThrow()) {
            assertThat(g.get()).isZero();
        }
    }

    @ParameterizedTest
    @MethodSource("variants")
    void aHammeringThreadCannotStarveAWaiter(Variant v) throws Exception {
        Mutex<Integer> m = v.make().get();
        var stop = new AtomicBoolean();
        JoinHandle<Void> hammer =
                Threads.spawn(
                        () -> {
                            while (!stop.get()) {
                                try (var g = m.lock()) {
                                    g.set(g.get() + 1);
                                }
                            }
                        });
        while (m.withLock(x -> x) < 1000) {
            Thread.onSpinWait();
        }
        // Without a fairness bound this thread could lose every race to the hammer.
        for (int i = 0; i < 20; i++) {
            try (var _ = m.tryLock(Duration.ofSeconds(20)).orElseThrow()) {
                assertThat(m.isHeldByCurrentThread()).isTrue();
            }
        }
        stop.set(true);
        hammer.join();
    }

    @ParameterizedTest
    @MethodSource("variants")
    void statsCountOnlyWhenInstrumented(Variant v) throws Exception {
        Mutex<Integer> m = v.make().get();
        m.lock().close();
        MutexGuard<Integer> g = m.lock();
        JoinHandle<Void> h = Threads.spawn(() -> m.lock().close());
        Thread.sleep(20);
        g.close();
        h.join();
        if (v.name().equals("instrumented")) {
            LockStats s = m.stats().orElseThrow();
            assertThat(s.acquisitions()).isEqualTo(3);
            assertThat(s.contendedAcquisitions()).isEqualTo(1);
            assertThat(s.totalWait()).isPositive();
            assertThat(s.maxWait()).isLessThanOrEqualTo(s.totalWait());
            assertThat(s.toString()).contains("acquisitions=3");
        } else {
            assertThat(m.stats()).isEmpty();
        }
        assertThat(m.isFair()).isEqualTo(v.name().equals("fair"));
    }
}
