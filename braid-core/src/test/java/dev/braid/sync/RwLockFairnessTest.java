package dev.braid.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.thread.JoinHandle;
import dev.braid.thread.JoinOutcome;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The two fairness modes where they differ: a fair lock hands off at every contended release and
 * alternates phases; the default lock wakes waiters to compete, and hands off only to a waiter that
 * has waited past the bound ({@link Mutex#FAIR_BOUND_NANOS}). The contract both share is in {@link
 * RwLockContractTest}; barging and FIFO wake-ups under virtual time are in the testkit's
 * RwLockSimTest (braid-examples), where no time passes unless a test says so.
 */
class RwLockFairnessTest {
    private static final long PAST_THE_BOUND_MS = 5 * Mutex.FAIR_BOUND_NANOS / 1_000_000L;

    private static JoinHandle<Void> parkedReader(
            RwLock<Integer> l, String name, CountDownLatch release, List<String> order)
            throws InterruptedException {
        JoinHandle<Void> h =
                Threads.builder()
                        .name(name)
                        .spawn(
                                () -> {
                                    try (var _ = l.read()) {
                                        order.add(name);
                                        release.await();
                                    }
                                    return null;
                                });
        MutexContractTest.awaitBlocked(h.thread());
        return h;
    }

    @Test
    void aFairLockHandsTheLockToAQueuedReaderAtRelease() throws Exception {
        RwLock<Integer> l = RwLock.builder().name("fair").fair(true).build(0);
        assertThat(l.isFair()).isTrue();
        var release = new CountDownLatch(1);
        RwLockWriteGuard<Integer> w = l.write();
        JoinHandle<Void> r = parkedReader(l, "r", release, new CopyOnWriteArrayList<>());
        w.close();
        // Granted before it even runs: the state already counts it, so nobody can barge.
        assertThat(l.readHolds()).isEqualTo(1);
        assertThat(l.tryWrite()).isEmpty();
        release.countDown();
        r.join();
        assertThat(l.readHolds()).isZero();
    }

    @Test
    void aFairLockAdmitsQueuedReadersBeforeTheNextQueuedWriter() throws Exception {
        RwLock<Integer> l = RwLock.builder().name("fair").fair(true).build(0);
        List<String> order = new CopyOnWriteArrayList<>();
        var release = new CountDownLatch(0);
        RwLockWriteGuard<Integer> w = l.write();
        JoinHandle<Void> w2 =
                Threads.builder()
                        .name("w2")
                        .spawn(
                                () -> {
                                    try (var _ = l.write()) {
                                        order.add("w2");
                                    }
                                    return null;
                                });
        MutexContractTest.awaitBlocked(w2.thread());
        JoinHandle<Void> r1 = parkedReader(l, "r1", release, order);
        JoinHandle<Void> r2 = parkedReader(l, "r2", release, order);
        w.close(); // queue: w2, r1, r2 - a write phase ends, so every queued reader goes first
        w2.join();
        r1.join();
        r2.join();
        assertThat(order).hasSize(3).endsWith("w2");
    }

    @Test
    void theDefaultLockHandsTheLockToAReaderThatWaitedPastTheBound() throws Exception {
        RwLock<Integer> l = RwLock.named("eventual", 0);
        assertThat(l.isFair()).isFalse();
        var release = new CountDownLatch(1);
        RwLockWriteGuard<Integer> w = l.write();
        JoinHandle<Void> r = parkedReader(l, "r", release, new CopyOnWriteArrayList<>());
        Thread.sleep(PAST_THE_BOUND_MS);
        w.close();
        // Granted, not merely woken: a barging writer cannot take it before the reader runs.
        assertThat(l.tryWrite()).isEmpty();
        assertThat(l.readHolds()).isEqualTo(1);
        release.countDown();
        r.join();
        assertThat(l.readHolds()).isZero();
    }

    @Test
    void theDefaultLockHandsTheLockToAWriterThatWaitedPastTheBound() throws Exception {
        RwLock<Integer> l = RwLock.named("eventual", 0);
        var release = new CountDownLatch(1);
        RwLockReadGuard<Integer> r = l.read();
        JoinHandle<Integer> w =
                Threads.spawn(
                        () -> {
                            try (var g = l.write()) {
                                release.await();
                                return g.set(1);
                            }
                        });
        MutexContractTest.awaitBlocked(w.thread());
        Thread.sleep(PAST_THE_BOUND_MS);
        r.close();
        assertThat(l.isWriteLocked()).as("granted at the release").isTrue();
        assertThat(l.tryRead()).isEmpty();
        release.countDown();
        assertThat(w.join()).isZero();
        assertThat(l.isWriteLocked()).isFalse();
    }

    /**
     * Two writers keep the lock write-held back to back (each re-locks at once after releasing, and
     * their holds are long enough that a woken reader usually finds the lock taken again): the
     * reader still gets in while they run, at the latest when it has waited past the bound.
     */
    @Test
    void queuedReadersAreNotStarvedByAContinuousWriterFlood() throws Exception {
        RwLock<Integer> l = RwLock.named("eventual", 0);
        var stop = new AtomicBoolean();
        var writes = new AtomicLong();
        List<JoinHandle<Object>> writers = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            writers.add(
                    Threads.spawn(
                            () -> {
                                while (!stop.get()) {
                                    try (var g = l.write()) {
                                        g.set(g.get() + 1);
                                        long until = System.nanoTime() + 50_000L;
                                        while (System.nanoTime() - until < 0) {
                                            Thread.onSpinWait();
                                        }
                                    }
                                    writes.incrementAndGet();
                                }
                                return null;
                            }));
        }
        while (writes.get() < 100) {
            Thread.sleep(1);
        }
        List<Long> seenAt = new CopyOnWriteArrayList<>();
        List<JoinHandle<Integer>> readers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            readers.add(
                    Threads.spawn(
                            () -> {
                                int v = l.withRead(x -> x);
                                seenAt.add(writes.get());
                                return v;
                            }));
        }
        for (var r : readers) {
            JoinOutcome<Integer> out = r.join(Duration.ofSeconds(20));
            assertThat(out).as("a reader starved").isInstanceOf(JoinOutcome.Finished.class);
        }
        long whenDone = writes.get();
        Thread.sleep(5);
        stop.set(true);
        for (var w : writers) {
            w.join();
        }
        assertThat(writes.get()).as("the writers were still flooding").isGreaterThan(whenDone);
        assertThat(seenAt).hasSize(3);
        assertThat(l.readHolds()).isZero();
        assertThat(l.isWriteLocked()).isFalse();
    }
}
