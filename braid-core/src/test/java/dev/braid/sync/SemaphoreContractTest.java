package dev.braid.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.cancel.Deadline;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The semaphore contract, run over fair and unfair semaphores with capacities 0, 1 and 3. */
class SemaphoreContractTest {
    static Stream<Arguments> variants() {
        List<Arguments> out = new ArrayList<>();
        for (boolean fair : new boolean[] {false, true}) {
            for (int capacity : new int[] {0, 1, 3}) {
                out.add(Arguments.of(fair, capacity));
            }
        }
        return out.stream();
    }

    private static Semaphore make(boolean fair, int capacity) {
        return Semaphore.named(fair ? "fair" : "unfair", capacity, fair);
    }

    @ParameterizedTest(name = "fair={0} capacity={1}")
    @MethodSource("variants")
    void permitsAreCountedAndGivenBackOnClose(boolean fair, int capacity) throws Exception {
        Semaphore s = make(fair, capacity);
        assertThat(s.isFair()).isEqualTo(fair);
        assertThat(s.availablePermits()).isEqualTo(capacity);
        try (Permits p = s.acquire(capacity)) {
            assertThat(p.count()).isEqualTo(capacity);
            assertThat(s.availablePermits()).isZero();
            assertThat(s.tryAcquire(1)).isEmpty();
        }
        assertThat(s.availablePermits()).isEqualTo(capacity);
        assertThat(s.tryAcquire(capacity + 1)).isEmpty();
        assertThat(s.availablePermits()).isEqualTo(capacity);
    }

    @ParameterizedTest(name = "fair={0} capacity={1}")
    @MethodSource("variants")
    void closeTwiceFailsAndGivesBackOnlyOnce(boolean fair, int capacity) throws Exception {
        Semaphore s = make(fair, capacity);
        Permits p = s.acquire(capacity);
        p.close();
        assertThatThrownBy(p::close)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("used after they were released");
        assertThatThrownBy(p::forget).isInstanceOf(IllegalStateException.class);
        assertThat(s.availablePermits()).isEqualTo(capacity);
        s.acquire(capacity).forget();
        assertThat(s.availablePermits()).isZero();
    }

    @ParameterizedTest(name = "fair={0} capacity={1}")
    @MethodSource("variants")
    void aWeightedWaiterIsWokenWhenEnoughIsReleased(boolean fair, int capacity) throws Exception {
        Semaphore s = make(fair, capacity);
        Permits all = s.acquire(capacity);
        JoinHandle<Integer> waiter =
                Threads.spawn(
                        () -> {
                            try (Permits p = s.acquire(capacity + 2)) {
                                return p.count();
                            }
                        });
        awaitQueued(s);
        s.release(1);
        all.close();
        assertThat(waiter.join(Duration.ofMillis(50)).isFinished())
                .as("capacity+1 free, capacity+2 needed")
                .isFalse();
        s.release(1);
        assertThat(waiter.join()).isEqualTo(capacity + 2);
        assertThat(s.availablePermits()).isEqualTo(capacity + 2);
        assertThat(s.hasQueuedThreads()).isFalse();
    }

    @ParameterizedTest(name = "fair={0} capacity={1}")
    @MethodSource("variants")
    void timedAcquireTimesOutAndTakesNothing(boolean fair, int capacity) throws Exception {
        Semaphore s = make(fair, capacity);
        assertThat(s.tryAcquire(capacity + 1, Duration.ofMillis(20))).isEmpty();
        assertThat(s.tryAcquire(capacity + 1, Deadline.after(Duration.ZERO))).isEmpty();
        assertThat(s.availablePermits()).isEqualTo(capacity);
        assertThat(s.hasQueuedThreads()).isFalse();
        Optional<Permits> p = s.tryAcquire(capacity, Duration.ofSeconds(5));
        assertThat(p).isPresent();
        p.get().close();
    }

    @ParameterizedTest(name = "fair={0} capacity={1}")
    @MethodSource("variants")
    void interruptWhileWaitingThrowsAndTakesNothing(boolean fair, int capacity) throws Exception {
        Semaphore s = make(fair, capacity);
        CountDownLatch started = new CountDownLatch(1);
        JoinHandle<String> waiter =
                Threads.spawn(
                        () -> {
                            started.countDown();
                            try {
                                s.acquire(capacity + 1).close();
                                return "acquired";
                            } catch (InterruptedException e) {
                                return "interrupted:" + Thread.currentThread().isInterrupted();
                            }
                        });
        started.await();
        awaitQueued(s);
        waiter.thread().interrupt();
        assertThat(waiter.join()).isEqualTo("interrupted:false");
        assertThat(s.availablePermits()).isEqualTo(capacity);
        assertThat(s.hasQueuedThreads()).isFalse();
        Thread.currentThread().interrupt();
        assertThatThrownBy(() -> s.acquire(0)).isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isFalse();
    }

    @ParameterizedTest(name = "fair={0} capacity={1}")
    @MethodSource("variants")
    void neverMoreHoldersThanPermits(boolean fair, int capacity) throws Exception {
        int limit = Math.max(capacity, 1);
        Semaphore s = make(fair, limit);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        List<JoinHandle<Void>> hs = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            hs.add(
                    Threads.spawn(
                            () -> {
                                for (int i = 0; i < 2_000; i++) {
                                    try (Permits _ = s.acquire(1)) {
                                        int now = inside.incrementAndGet();
                                        maxInside.accumulateAndGet(now, Math::max);
                                        inside.decrementAndGet();
                                    }
                                }
                                return null;
                            }));
        }
        for (JoinHandle<Void> h : hs) {
            h.join();
        }
        assertThat(maxInside.get()).isBetween(1, limit);
        assertThat(s.availablePermits()).isEqualTo(limit);
        assertThat(s.hasQueuedThreads()).isFalse();
    }

    @ParameterizedTest(name = "fair={0} capacity={1}")
    @MethodSource("variants")
    void releaseRejectsOverflowAndLeavesTheCountUnchanged(boolean fair, int capacity) {
        Semaphore s = make(fair, capacity);
        int before = Math.max(capacity, 1);
        s.release(before - capacity);
        assertThatThrownBy(() -> s.release(Integer.MAX_VALUE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("overflow");
        assertThat(s.availablePermits()).isEqualTo(before);
    }

    static void awaitQueued(Semaphore s) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (!s.hasQueuedThreads()) {
            assertThat(System.nanoTime()).as("a waiter queued in time").isLessThan(end);
            Thread.sleep(1);
        }
    }
}
