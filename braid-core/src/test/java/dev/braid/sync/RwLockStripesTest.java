package dev.braid.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.thread.JoinHandle;
import dev.braid.thread.JoinOutcome;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * The striped reader indicator: when a lock inflates, that readHolds() counts striped readers, and
 * that a writer waiting for striped readers to leave is woken by the last one (no lost wake-up),
 * gives its claim back when it stops waiting, and blocks arriving readers meanwhile.
 */
class RwLockStripesTest {
    private static RwLock<Integer> striped() {
        return RwLock.builder().name("rw").striped(true).build(0);
    }

    /** Spawns {@code n} threads that each take a read hold and keep it until {@code release}. */
    private static List<JoinHandle<Object>> holdReads(
            RwLock<Integer> l, int n, CountDownLatch held, CountDownLatch release) {
        List<JoinHandle<Object>> hs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            hs.add(
                    Threads.spawn(
                            () -> {
                                try (var _ = l.read()) {
                                    held.countDown();
                                    release.await();
                                }
                                return null;
                            }));
        }
        return hs;
    }

    @Test
    void slotsArePaddedAndConsecutiveThreadsGetDistinctSlots() throws Exception {
        assertThat(RwLockStripes.STRIDE * Long.BYTES).isGreaterThanOrEqualTo(128);
        RwLockStripes st = RwLockStripes.create();
        int n = st.slots();
        assertThat(Integer.bitCount(n)).as("a power of two").isEqualTo(1);
        assertThat(n)
                .isBetween(2, RwLockStripes.MAX_SLOTS)
                .isGreaterThanOrEqualTo(
                        Math.min(
                                RwLockStripes.MAX_SLOTS,
                                2 * Runtime.getRuntime().availableProcessors()));
        for (long base : new long[] {1, 37, Thread.currentThread().threadId()}) {
            var slots = new java.util.HashSet<Integer>();
            for (long id = base; id < base + n; id++) {
                slots.add(st.slotOf(id));
            }
            assertThat(slots).as("ids %d..%d", base, base + n - 1).hasSize(n);
        }
        int mine = Threads.spawn(st::slotOfCurrentThread).join();
        assertThat(mine).isBetween(0, n - 1);
    }

    @Test
    void readersInflateTheLockOnlyOnceTheyOverlap() throws Exception {
        RwLock<Integer> l = RwLock.named("rw", 0);
        for (int i = 0; i < 100; i++) {
            l.read().close();
            l.<Integer>withRead(x -> x);
        }
        assertThat(l.isStriped()).as("one thread alone").isFalse();
        try (var _ = l.read()) {
            assertThat(Threads.spawn(() -> l.withRead(x -> x)).join()).isZero();
        }
        assertThat(l.isStriped()).as("a second reader joined the first").isTrue();
        assertThat(l.readHolds()).isZero();
        try (var w = l.write()) {
            w.set(3);
        }
        assertThat(l.<Integer>withRead(x -> x)).isEqualTo(3);
    }

    @Test
    void readHoldsCountsStripedAndCentralReaders() throws Exception {
        RwLock<Integer> l = striped();
        var held = new CountDownLatch(3);
        var release = new CountDownLatch(1);
        var readers = holdReads(l, 3, held, release);
        held.await();
        assertThat(l.readHolds()).isEqualTo(3);
        try (var _ = l.tryRead().orElseThrow()) { // tryRead counts in the state word
            assertThat(l.readHolds()).isEqualTo(4);
        }
        assertThat(l.readHolds()).isEqualTo(3);
        release.countDown();
        for (var r : readers) {
            r.join();
        }
        assertThat(l.readHolds()).isZero();
    }

    @Test
    void aWriterParkedOnStripedReadersIsWokenByTheLastToLeave() throws Exception {
        for (int round = 0; round < 50; round++) {
            RwLock<Integer> l = striped();
            var held = new CountDownLatch(2);
            var release = new CountDownLatch(1);
            var readers = holdReads(l, 2, held, release);
            held.await();
            JoinHandle<Integer> writer =
                    Threads.spawn(
                            () -> {
                                try (var w = l.write()) {
                                    return w.set(w.get() + 1) + 1;
                                }
                            });
            MutexContractTest.awaitBlocked(writer.thread());
            assertThat(l.isWriteLocked()).as("the writer claimed the lock").isTrue();
            assertThat(Threads.spawn(() -> l.tryRead().isPresent()).join())
                    .as("arriving readers wait behind the claim")
                    .isFalse();
            assertThat(Threads.spawn(() -> l.tryWrite().isPresent()).join()).isFalse();
            release.countDown(); // both readers leave at about the same time
            for (var r : readers) {
                r.join();
            }
            JoinOutcome<Integer> out = writer.join(Duration.ofSeconds(20));
            assertThat(out)
                    .as("round %d: the writer was woken", round)
                    .isEqualTo(new JoinOutcome.Finished<>(1));
            assertThat(l.readHolds()).isZero();
            assertThat(l.isWriteLocked()).isFalse();
        }
    }

    @Test
    void aWriterThatWaitedForStripedReadersCountsAsContended() throws Exception {
        RwLock<Integer> l = RwLock.builder().instrumented(true).striped(true).build(0);
        var held = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        var holder = holdReads(l, 1, held, release);
        held.await();
        JoinHandle<Integer> writer = Threads.spawn(() -> l.withWrite(x -> x + 1));
        MutexContractTest.awaitBlocked(writer.thread());
        release.countDown();
        holder.getFirst().join();
        assertThat(writer.join()).isEqualTo(1);
        LockStats st = l.stats().orElseThrow();
        assertThat(st.acquisitions()).isEqualTo(2);
        assertThat(st.contendedAcquisitions()).isEqualTo(1);
        assertThat(st.totalWait()).isPositive();
    }

    @Test
    void aReaderQueuedBehindAClaimIsServedWhenTheClaimIsGivenBack() throws Exception {
        RwLock<Integer> l = striped();
        var held = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        var holder = holdReads(l, 1, held, release);
        held.await();
        JoinHandle<Boolean> timedWriter =
                Threads.spawn(() -> l.tryWrite(Duration.ofMillis(200)).isPresent());
        MutexContractTest.awaitBlocked(timedWriter.thread());
        JoinHandle<Integer> reader = Threads.spawn(() -> l.withRead(x -> x + 7));
        assertThat(timedWriter.join()).as("the readers never left").isFalse();
        JoinOutcome<Integer> out = reader.join(Duration.ofSeconds(20));
        assertThat(out).isEqualTo(new JoinOutcome.Finished<>(7));
        assertThat(l.isWriteLocked()).isFalse();
        assertThat(l.readHolds()).isEqualTo(1);
        release.countDown();
        holder.getFirst().join();
        assertThat(l.readHolds()).isZero();
        assertThat(l.tryWrite()).isPresent().get().satisfies(RwLockWriteGuard::close);
    }

    @Test
    void anInterruptedWriterWaitingOnStripesGivesBackItsClaim() throws Exception {
        RwLock<Integer> l = striped();
        var held = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        var holder = holdReads(l, 1, held, release);
        held.await();
        JoinHandle<Boolean> writer =
                Threads.spawn(
                        () -> {
                            try {
                                l.writeInterruptibly().close();
                                return false;
                            } catch (InterruptedException e) {
                                return true;
                            }
                        });
        MutexContractTest.awaitBlocked(writer.thread());
        writer.thread().interrupt();
        assertThat(writer.join()).isTrue();
        assertThat(l.isWriteLocked()).isFalse();
        assertThat(Threads.spawn(() -> l.withRead(x -> x + 1)).join()).isEqualTo(1);
        // An uninterruptible writer keeps waiting through an interrupt, and keeps the status.
        JoinHandle<Boolean> stubborn =
                Threads.spawn(
                        () -> {
                            try (var _ = l.write()) {
                                return Thread.currentThread().isInterrupted();
                            }
                        });
        MutexContractTest.awaitBlocked(stubborn.thread());
        stubborn.thread().interrupt();
        Thread.sleep(20);
        assertThat(stubborn.thread().isAlive()).isTrue();
        release.countDown();
        holder.getFirst().join();
        assertThat(stubborn.join()).as("interrupt status kept").isTrue();
    }
}
