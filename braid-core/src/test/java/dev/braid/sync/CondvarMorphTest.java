package dev.braid.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Wait morphing (Condvar notify moves a waiter onto a held Mutex's queue) and the spin/parked
 * handshake, seen from inside the package. The contract itself is in {@link CondvarContractTest}.
 */
class CondvarMorphTest {
    private static Thread idle() {
        return Thread.ofPlatform().unstarted(() -> {}); // never parks: unpark is a no-op
    }

    @Test
    void aNotifierHoldingTheMutexMovesTheWaiterOntoItsQueue() throws Exception {
        Mutex<Integer> m = Mutex.named("m", 0);
        Condvar cv = Condvar.named("cv");
        Thread[] t = new Thread[1];
        JoinHandle<Boolean> waiter =
                Threads.spawn(
                        () -> {
                            t[0] = Thread.currentThread();
                            try (var g = m.lock()) {
                                cv.awaitUntil(g, x -> x == 1);
                                return m.isHeldByCurrentThread() && g.get() == 1;
                            }
                        });
        while (t[0] == null) {
            Thread.sleep(1);
        }
        MutexContractTest.awaitBlocked(t[0]); // parked on the condvar
        try (var g = m.lock()) {
            assertThat(m.hasQueuedThreads()).isFalse();
            g.set(1);
            cv.notifyOne();
            // Synchronously, before the waiter could have woken and queued by itself.
            assertThat(m.hasQueuedThreads()).as("requeued onto the mutex").isTrue();
            Thread.sleep(5);
            assertThat(waiter.isFinished()).as("cannot return while we hold the mutex").isFalse();
        }
        assertThat(waiter.join(Duration.ofSeconds(30)).value()).isTrue();
        assertThat(m.isLocked()).isFalse();
    }

    @Test
    void aNotificationWhileTheMutexIsFreeWakesTheWaiterAsBefore() throws Exception {
        Mutex<Integer> m = Mutex.named("m", 0);
        Waiter node = new Waiter(idle(), false, 0L);
        assertThat(m.requeue(node)).isFalse();
        assertThat(node.status).isEqualTo(Waiter.WAITING);
        assertThat(m.hasQueuedThreads()).isFalse();
    }

    @Test
    void aRequeuedWaiterGetsAFreshFairnessStampAndCompetes() {
        Mutex<Integer> m = Mutex.named("m", 0);
        Waiter node = new Waiter(idle(), false, 0L); // since 0: "waited forever" if kept
        MutexGuard<Integer> g = m.lock();
        long before = System.nanoTime();
        assertThat(m.requeue(node)).isTrue();
        long after = System.nanoTime();
        assertThat(node.status).isEqualTo(Waiter.REQUEUED);
        assertThat(node.since).isBetween(before, after);
        assertThat(m.hasQueuedThreads()).isTrue();
        g.close();
        long closed = System.nanoTime();
        if (closed - before < Mutex.FAIR_BOUND_NANOS) { // not descheduled past the bound
            assertThat(node.status)
                    .as("woken to compete, not handed the lock")
                    .isEqualTo(Waiter.WOKEN);
            assertThat(m.isLocked()).isFalse();
        }
        assertThat(m.hasQueuedThreads()).isFalse();
    }

    @Test
    void aFairMutexHandsTheLockToARequeuedWaiter() {
        Mutex<Integer> m = Mutex.builder().name("m").fair(true).build(0);
        Waiter node = new Waiter(idle(), false, 0L);
        MutexGuard<Integer> g = m.lock();
        assertThat(m.requeue(node)).isTrue();
        g.close();
        assertThat(node.status).isEqualTo(Waiter.GRANTED);
        assertThat(m.isLocked()).as("handed off: LOCKED never cleared").isTrue();
    }

    @Test
    void aWakerSkipsTheUnparkOnlyWhileTheWaiterHasNotParked() {
        // A waker that unparks a thread leaves it a permit; one that skips leaves none. A close
        // that
        // comes more than FAIR_BOUND_NANOS after the requeue (this thread descheduled, a GC) hands
        // the lock over instead of waking: such an attempt says nothing, so it is run again.
        Thread self = Thread.currentThread();
        for (int attempt = 1; ; attempt++) {
            java.util.concurrent.locks.LockSupport.parkNanos(1); // drop a stale permit
            Mutex<Integer> m = Mutex.named("m", 0);
            Waiter spinning = new Waiter(self, false, 0L);
            Waiter parked = new Waiter(self, false, 0L);
            parked.parked = true;
            MutexGuard<Integer> g = m.lock();
            long t0 = System.nanoTime();
            assertThat(m.requeue(spinning)).isTrue();
            assertThat(m.requeue(parked)).isTrue();
            g.close(); // wakes `spinning` only: it has not parked, so no unpark
            if (System.nanoTime() - t0 >= Mutex.FAIR_BOUND_NANOS) {
                assertThat(attempt)
                        .as("attempts descheduled past the fairness bound")
                        .isLessThan(50);
                continue;
            }
            assertThat(spinning.status).isEqualTo(Waiter.WOKEN);
            assertThat(parked.status).isEqualTo(Waiter.REQUEUED);
            assertThat(permitPending(Duration.ofMillis(200)))
                    .as("no unpark for a waiter that has not parked")
                    .isFalse();
            g = m.lock();
            g.close(); // wakes `parked` (or, past the fairness bound, hands it the lock),
            // unparks it
            assertThat(parked.status).isIn(Waiter.WOKEN, Waiter.GRANTED);
            assertThat(permitPending(Duration.ofSeconds(60))).as("unparked").isTrue();
            return;
        }
    }

    /**
     * Whether the caller has a park permit (consumes it): a park of {@code wait} that returns in
     * under half of it found one. Where a permit is expected the wait is long, so a descheduled
     * caller (a loaded machine) still returns well inside it; where none is, a short wait keeps the
     * test fast.
     */
    private static boolean permitPending(Duration wait) {
        long t0 = System.nanoTime();
        java.util.concurrent.locks.LockSupport.parkNanos(wait.toNanos());
        return System.nanoTime() - t0 < wait.toNanos() / 2;
    }
}
