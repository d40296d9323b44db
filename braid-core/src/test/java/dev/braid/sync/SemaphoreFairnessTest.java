package dev.braid.sync;

import static dev.braid.sync.SemaphoreContractTest.awaitQueued;
import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Where fair and unfair semaphores differ. */
class SemaphoreFairnessTest {
    @Test
    void fairSemaphoreLetsALargeHeadRequestHoldBackSmallerOnes() throws Exception {
        Semaphore s = Semaphore.fair(0);
        JoinHandle<Integer> big = Threads.spawn(() -> s.acquire(3).count());
        awaitQueued(s);
        JoinHandle<Integer> small = Threads.spawn(() -> s.acquire(1).count());
        Thread.sleep(20);
        s.release(1);
        assertThat(small.join(Duration.ofMillis(50)).isFinished())
                .as("FIFO: the 1-permit request waits behind the 3-permit head")
                .isFalse();
        assertThat(s.tryAcquire(1)).as("tryAcquire does not barge past the queue").isEmpty();
        s.release(2);
        assertThat(big.join()).isEqualTo(3);
        s.release(1);
        assertThat(small.join()).isEqualTo(1);
    }

    @Test
    void unfairSemaphoreGrantsWhateverFits() throws Exception {
        Semaphore s = new Semaphore(0);
        JoinHandle<Integer> big = Threads.spawn(() -> s.acquire(3).count());
        awaitQueued(s);
        JoinHandle<Integer> small = Threads.spawn(() -> s.acquire(1).count());
        Thread.sleep(20);
        s.release(1);
        assertThat(small.join()).isEqualTo(1);
        s.release(3);
        assertThat(big.join()).isEqualTo(3);
    }

    @Test
    void cancellingALargeHeadRequestUnblocksTheQueueBehindIt() throws Exception {
        Semaphore s = Semaphore.named("q", 1, true);
        JoinHandle<Boolean> big =
                Threads.spawn(() -> s.tryAcquire(5, Duration.ofMillis(100)).isPresent());
        // Queued, or already timed out: a descheduled test thread may look after the 100 ms (then
        // there is no queue left to unblock, and the asserts below hold as well). awaitQueued
        // alone would then wait for a queue that never comes and fail.
        while (!s.hasQueuedThreads() && !big.isFinished()) {
            Thread.sleep(1); // polls; the JUnit timeout bounds it
        }
        JoinHandle<Integer> small = Threads.spawn(() -> s.acquire(1).count());
        assertThat(big.join()).isFalse();
        assertThat(small.join()).isEqualTo(1);
    }

    @Test
    void toStringNamesTheSemaphoreNotItsPermits() throws Exception {
        Semaphore s = Semaphore.named("db", 2, false);
        assertThat(s).hasToString("Semaphore(db)[2 permits]");
        assertThat(new Semaphore(1)).hasToString("Semaphore[1 permit]");
        assertThat(s.label()).isEqualTo("Semaphore(db)");
        Permits p = s.acquire(2);
        assertThat(p.semaphore()).isSameAs(s);
        assertThat(p).hasToString("Permits[2 of Semaphore(db)]");
        p.close();
        assertThat(p.isReleased()).isTrue();
    }
}
