package dev.braid.async;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of {@link AsyncMutex}: try-lock, unlock, lock futures polled and dropped
 * concurrently behave like some sequential order of them. A second holder at any moment fails the
 * operation that took the lock; after each scenario the validation releases and drains everything
 * and checks that the mutex is free with an empty queue (no lost hand-off, no stale waiter).
 */
class AsyncMutexLincheckTest {
    // Smoke sizes by default; the long run is ./mvnw -pl braid-core -Plincheck test
    // -Dtest='*Lincheck*'.
    private static final int ITERATIONS = Integer.getInteger("braid.lincheck.iterations", 3);
    private static final int INVOCATIONS = Integer.getInteger("braid.lincheck.invocations", 100);

    /** The operations; Lincheck creates one instance per scenario. */
    public static class Ops {
        private final AsyncMutex mutex = new AsyncMutex("lincheck");
        private final AtomicReference<AsyncMutex.Guard> holder = new AtomicReference<>();
        private final ConcurrentLinkedQueue<Async<AsyncMutex.Guard>> pending =
                new ConcurrentLinkedQueue<>();
        private final Context cx = new Context(Waker.noop());

        private boolean hold(AsyncMutex.Guard g) {
            if (!holder.compareAndSet(null, g)) {
                throw new AssertionError("two holders of the mutex at once");
            }
            return true;
        }

        @Operation
        public boolean tryLock() {
            return mutex.tryLock().map(this::hold).orElse(false);
        }

        @Operation
        public boolean unlock() {
            AsyncMutex.Guard g = holder.getAndSet(null);
            if (g == null) {
                return false;
            }
            g.close();
            return true;
        }

        /*
         * lock, pollWaiter and dropWaiter hold the harness's monitor, so that `pending` keeps the
         * mutex's queue order and one thread polls a future at a time; they still race with
         * tryLock and unlock, which hand the lock over.
         */

        /** Polls a new lock future once: true if it got the lock, else it waits in `pending`. */
        @Operation
        public synchronized boolean lock() {
            Async<AsyncMutex.Guard> f = mutex.lock();
            if (poll(f)) {
                return true;
            }
            pending.add(f);
            return false;
        }

        /** Polls the oldest waiting future once. */
        @Operation
        public synchronized boolean pollWaiter() {
            Async<AsyncMutex.Guard> f = pending.peek();
            if (f == null || !poll(f)) {
                return false;
            }
            pending.remove();
            return true;
        }

        /** Drops the oldest waiting future (its task was cancelled). */
        @Operation
        public synchronized boolean dropWaiter() {
            Async<AsyncMutex.Guard> f = pending.poll();
            if (f == null) {
                return false;
            }
            f.drop();
            return true;
        }

        private boolean poll(Async<AsyncMutex.Guard> f) {
            Poll<AsyncMutex.Guard> p = f.poll(cx);
            return p instanceof Poll.Ready<AsyncMutex.Guard>(AsyncMutex.Guard g) && hold(g);
        }

        /** Release, then serve every waiter: each must get the lock, and the end is free. */
        @Validate
        public void everyWaiterIsServedAndTheMutexEndsFree() {
            unlock();
            int idle = 0; // polls in a row that made no progress
            for (Async<AsyncMutex.Guard> f; (f = pending.poll()) != null; ) {
                if (poll(f)) {
                    unlock();
                    idle = 0;
                } else if (++idle > pending.size()) {
                    throw new IllegalStateException("no waiter was handed the free lock");
                } else {
                    pending.add(f);
                }
            }
            if (mutex.isLocked() || mutex.waiters() != 0) {
                throw new IllegalStateException(
                        "mutex not free after the drain: waiters=" + mutex.waiters());
            }
        }
    }

    @Test
    void stress() {
        new StressOptions()
                .iterations(Math.max(1, ITERATIONS - 1))
                .invocationsPerIteration(INVOCATIONS)
                .threads(3)
                .actorsPerThread(3)
                .check(Ops.class);
    }

    @Test
    void modelChecking() {
        new ModelCheckingOptions()
                .iterations(Math.max(1, ITERATIONS - 2))
                .invocationsPerIteration(Math.max(20, INVOCATIONS / 4))
                .threads(3)
                .actorsPerThread(2)
                .check(Ops.class);
    }
}
