package dev.braid.pool;

import dev.braid.atomic.AtomicI32;
import dev.braid.atomic.AtomicI64;
import dev.braid.atomic.Ordering;
import dev.braid.internal.rt.Rt;

/**
 * The pool's queues for tasks submitted from outside its workers: a few shards, each first in,
 * first out, chosen by the submitting thread; any number of producers and consumers.
 */
final class Injector {
    /*
     * Implementation notes
     *
     * Algorithm. Shards as ForkJoinPool's external submission queues: a power-of-two number of
     * shards (about the parallelism, at most 64), the submitter's shard picked by a hash of its
     * thread id, so that independent submitters do not contend on one queue. Each shard is a
     * growable ring guarded by a spin lock (a CAS on `lock`): push and take are a handful of plain
     * accesses inside a lock that is almost never contended for long, cheaper than a lock-free
     * linked queue's node per task and CAS per end. A worker looks at the shards starting from
     * its own index. Consumers peek without the lock (`head`, `tail` are read with ACQUIRE) so that
     * polling an empty injector costs no CAS.
     *
     * No batches. Taking several tasks at once into the taker's deque (Go's globrunqget) was
     * tried: it let a later submission overtake an earlier one that sat in a busy worker's deque
     * (the contract test of a queued task behind blocked workers failed), so a worker takes one.
     *
     * Memory ordering. The lock's CAS is ACQUIRE and its release a RELEASE store, which orders the
     * ring's plain slots between successive holders. `tail` is stored with RELEASE inside the lock
     * and read with ACQUIRE by peekers: a worker's re-check after Idle's SEQ_CST fence sees a push
     * whose submitter fenced before reading the sleeper count (store buffering with fences, ADR
     * 0024). Submitting happens-before the run through the lock.
     *
     * Simulation. `lock`, `head` and `tail` are braid atomics, so every access is a yield point and
     * the weak-memory model sees them; the lock's spin uses Rt.spinWait (a yield point too).
     *
     * Tradeoffs. A shard's ring only grows (up to the largest burst); taken slots are cleared so
     * finished tasks are not retained. A holder preempted inside the lock stalls that shard's
     * other users; they spin briefly and then yield the processor.
     */

    private final Shard[] shards;

    Injector(int parallelism) {
        int n = Integer.highestOneBit(Math.min(Math.max(parallelism, 1), 64) * 2 - 1);
        this.shards = new Shard[n];
        for (int i = 0; i < n; i++) {
            shards[i] = new Shard();
        }
    }

    /** Enqueues {@code task} on the calling thread's shard. */
    void push(TaskHandle<?> task) {
        long id = Rt.threadId(Thread.currentThread());
        int h = (int) ((id * 0x9E3779B97F4A7C15L) >>> 40);
        shards[h & (shards.length - 1)].push(task);
    }

    /** Takes one task, looking at the shards from {@code start}; null if none. */
    TaskHandle<?> poll(int start) {
        int n = shards.length;
        for (int i = 0; i < n; i++) {
            Shard s = shards[(start + i) & (n - 1)];
            if (!s.isEmpty()) {
                TaskHandle<?> t = s.take();
                if (t != null) {
                    return t;
                }
            }
        }
        return null;
    }

    /** Takes one task from any shard; null if none. */
    TaskHandle<?> poll() {
        return poll(0);
    }

    /** Whether every shard looks empty (a peek: no lock). */
    boolean isEmpty() {
        for (Shard s : shards) {
            if (!s.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** The number of queued tasks (a snapshot). */
    int size() {
        long n = 0;
        for (Shard s : shards) {
            n += s.size();
        }
        return (int) Math.min(n, Integer.MAX_VALUE);
    }

    /** One FIFO ring under a spin lock. */
    static final class Shard {
        private static final int SPINS_BEFORE_YIELD = 64;

        private final AtomicI32 lock = new AtomicI32();
        private final AtomicI64 head = new AtomicI64(); // next to take; written under the lock
        private final AtomicI64 tail = new AtomicI64(); // next free; written under the lock
        private TaskHandle<?>[] ring = new TaskHandle<?>[16]; // guarded by lock

        private void lock() {
            int spins = 0;
            while (lock.load(Ordering.RELAXED) != 0
                    || lock.compareExchange(0, 1, Ordering.ACQUIRE, Ordering.RELAXED) != 0) {
                if (++spins < SPINS_BEFORE_YIELD) {
                    Rt.spinWait();
                } else {
                    spins = 0;
                    Rt.yieldNow(); // the holder may have been preempted
                }
            }
        }

        private void unlock() {
            lock.store(0, Ordering.RELEASE);
        }

        void push(TaskHandle<?> task) {
            lock();
            try {
                long h = head.load(Ordering.RELAXED);
                long t = tail.load(Ordering.RELAXED);
                TaskHandle<?>[] r = ring;
                if (t - h == r.length) {
                    r = grow(r, h, t);
                }
                r[(int) t & (r.length - 1)] = task;
                tail.store(t + 1, Ordering.RELEASE);
            } finally {
                unlock();
            }
        }

        /** Takes the oldest task, or null if the shard is empty. */
        TaskHandle<?> take() {
            lock();
            try {
                long h = head.load(Ordering.RELAXED);
                if (h == tail.load(Ordering.RELAXED)) {
                    return null;
                }
                TaskHandle<?>[] r = ring;
                int slot = (int) h & (r.length - 1);
                TaskHandle<?> first = r[slot];
                r[slot] = null; // taken: do not retain the finished task
                head.store(h + 1, Ordering.RELEASE);
                return first;
            } finally {
                unlock();
            }
        }

        private TaskHandle<?>[] grow(TaskHandle<?>[] r, long h, long t) {
            if (r.length > (1 << 29)) {
                throw new IllegalStateException("injector full: " + (t - h) + " tasks");
            }
            TaskHandle<?>[] bigger = new TaskHandle<?>[r.length << 1];
            for (long i = h; i < t; i++) {
                bigger[(int) i & (bigger.length - 1)] = r[(int) i & (r.length - 1)];
            }
            ring = bigger;
            return bigger;
        }

        boolean isEmpty() {
            return tail.load(Ordering.ACQUIRE) <= head.load(Ordering.ACQUIRE);
        }

        long size() {
            long t = tail.load(Ordering.ACQUIRE);
            return Math.max(0, t - head.load(Ordering.ACQUIRE));
        }
    }
}
