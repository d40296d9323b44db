package dev.braid.pool;

import dev.braid.atomic.AtomicI32;
import dev.braid.atomic.AtomicI64;
import dev.braid.atomic.AtomicRef;
import dev.braid.atomic.AtomicRefArray;
import dev.braid.atomic.Ordering;
import dev.braid.internal.rt.Rt;
import java.util.Arrays;

/**
 * The pool's queues for tasks submitted from outside its workers: a few shards, each first in,
 * first out, chosen by the submitting thread; any number of producers (serialized per shard by a
 * lock) and of consumers (lock-free).
 */
final class Injector {
    /*
     * Implementation notes
     *
     * Algorithm. Shards as ForkJoinPool's external submission queues: a power-of-two number of
     * shards (about the parallelism, at most 64), the submitter's shard picked by a hash of its
     * thread id, so that independent submitters do not contend on one queue. Each shard is a
     * growable ring. Producers append under a spin lock (a CAS on `lock`); takers do not take the
     * lock (ADR 0060): a taker reads head and tail, reads the slot at head and claims it with a
     * CAS of head to head + 1, as a Chase-Lev thief does. So a worker preempted while taking never
     * stalls the submitter, and takers never wait for each other (a lost CAS means another taker
     * got that element). It used to be one lock for both ends; on a 2-core box with a submitter
     * and two workers, a preempted holder made the others spin and yield for milliseconds. A
     * worker looks at the shards starting from its own index; polling an empty shard costs no CAS.
     *
     * Slot reuse and growth. Indices only grow; a producer writes index t only when t - head is
     * below the ring's length (a stale head only makes the ring look fuller), so it never
     * overwrites an element not yet taken. A taker that read a slot for an index another taker
     * already took fails its CAS, whatever it read. A full ring is copied into one twice as large,
     * published before the next tail; the old ring is never written again, so a taker holding it
     * reads the right element for any index it can still win.
     *
     * Retention. The taker that won an index clears the slot with a CAS from its element to null,
     * which fails harmlessly if a producer already reused the slot; copies made by a growth may keep
     * a few taken elements until their slots are reused.
     *
     * Runs (ADR 0118, on by default). A taker takes one task, or, with runs on
     * (braid.pool.injectorRun > 1), it may claim a run of the oldest tasks with one CAS of head
     * (takeRunFrom: the slot-reuse argument below holds for each index of the run), which the
     * worker keeps on its deque. Go's globrunqget alone let a later submission overtake an
     * earlier one that sat in a busy worker's deque (ADR 0048); the worker therefore reads head,
     * takes any older run task still on a deque, and only then claims from that head, so a run
     * claimed in between fails the CAS (Worker.pollOutside).
     *
     * Memory ordering. The producers' lock is an ACQUIRE CAS and a RELEASE store, which orders
     * tail and the ring between successive producers. A push writes the slot RELAXED and then tail
     * with RELEASE; a taker reads head ACQUIRE, tail ACQUIRE (so the slot and any grown ring are
     * visible), the ring ACQUIRE, the slot RELAXED, and claims with a SEQ_CST CAS. A worker's
     * re-check after Idle's SEQ_CST fence sees a push whose submitter fenced before reading the
     * sleeper count (store buffering with fences, ADR 0024). The submitter reads the run state
     * under the lock, and the pool's termination test looks at every shard with its lock held, so
     * a push is either seen by that test or rejected (Lifecycle's notes).
     *
     * Simulation. `lock`, `head`, `tail`, the ring and its slots are braid atomics, so every
     * access is a yield point and the weak-memory model sees them; the lock's spin uses
     * Rt.spinWait (a yield point too).
     *
     * Layout. `lock`, `tail` and `head` are small braid atomics allocated together, one 64-byte
     * line (JOL). Gaps around `head` were tried (ADR 0096) and rejected: the quiet A/B did not
     * improve PoolSubmit in every pair, and the submitter's extra cost is not only that line.
     *
     * Tradeoffs. A shard's ring only grows (up to the largest burst). A producer preempted inside
     * the lock stalls that shard's other producers (not its takers); they spin briefly and then
     * yield the processor.
     *
     * References. D. Chase, Y. Lev (SPAA 2005) for the taker's claim; Doug Lea's ForkJoinPool
     * (external queues: a locked push, a CAS to take).
     */

    private final Shard[] shards;

    Injector(int parallelism) {
        int n = Integer.highestOneBit(Math.min(Math.max(parallelism, 1), 64) * 2 - 1);
        this.shards = new Shard[n];
        for (int i = 0; i < n; i++) {
            shards[i] = new Shard();
        }
    }

    /**
     * Enqueues {@code task} on the calling thread's shard if {@code runState} is RUNNING (read
     * under the shard's lock); returns whether it did.
     */
    boolean pushIfRunning(TaskHandle<?> task, AtomicI32 runState) {
        return shards[ownShard() & (shards.length - 1)].pushIfRunning(task, runState);
    }

    /** The calling thread's shard index before masking: a hash of its thread id. */
    private static int ownShard() {
        long id = Rt.threadId(Thread.currentThread());
        return (int) ((id * 0x9E3779B97F4A7C15L) >>> 40);
    }

    /**
     * Whether every shard is empty, each looked at with its lock held: a push that saw RUNNING has
     * finished, and one that comes later sees the state the caller saw (the pool's termination
     * test).
     */
    boolean isEmptyLocked() {
        for (Shard s : shards) {
            if (!s.isEmptyLocked()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Removes {@code task} if it is the oldest element of a shard (the calling thread's shard is
     * looked at first); returns whether this call removed it. An outside joiner that runs its own
     * queued task calls this first (ADR 0070), so that no worker later takes a stale copy.
     */
    boolean removeIfOldest(TaskHandle<?> task) {
        int own = ownShard();
        int n = shards.length;
        for (int i = 0; i < n; i++) {
            if (shards[(own + i) & (n - 1)].takeIfOldest(task)) {
                return true;
            }
        }
        return false;
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

    /** The number of shards (a power of two). */
    int shardCount() {
        return shards.length;
    }

    /** Shard {@code i}, masked: for a worker claiming a run (ADR 0118). */
    Shard shard(int i) {
        return shards[i & (shards.length - 1)];
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

    /**
     * One FIFO ring: producers append under a spin lock, takers claim the oldest element with a CAS
     * on {@code head}, without the lock.
     */
    static final class Shard {
        private static final int SPINS_BEFORE_YIELD = 64;

        /** {@link #takeOldest}'s result when another taker won the index. */
        private static final Object LOST = new Object();

        private final AtomicI32 lock = new AtomicI32(); // producers only
        private final AtomicI64 head = new AtomicI64(); // next to take: a taker's CAS moves it
        private final AtomicI64 tail = new AtomicI64(); // next free: written under the lock
        private final AtomicRef<AtomicRefArray<TaskHandle<?>>> ring =
                new AtomicRef<>(new AtomicRefArray<>(16)); // replaced under the lock

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

        /**
         * Appends {@code task} if {@code runState} is still RUNNING, read under the lock; returns
         * whether it did. The pool's termination test takes every shard's lock (see {@link
         * #isEmptyLocked}), so a push either lands before that test looks or sees the shutdown.
         */
        boolean pushIfRunning(TaskHandle<?> task, AtomicI32 runState) {
            lock();
            try {
                if (runState.load(Ordering.SEQ_CST) != Lifecycle.RUNNING) {
                    return false;
                }
                long t = tail.load(Ordering.RELAXED); // only lock holders write tail
                long h =
                        head.load(Ordering.ACQUIRE); // a stale head only makes the ring look fuller
                AtomicRefArray<TaskHandle<?>> r = ring.load(Ordering.RELAXED);
                if (t - h >= r.length()) {
                    r = grow(r, h, t);
                }
                r.store((int) t & (r.length() - 1), task, Ordering.RELAXED);
                tail.store(t + 1, Ordering.RELEASE); // publishes the slot (and a grown ring)
                return true;
            } finally {
                unlock();
            }
        }

        /** Takes the oldest task, or null if the shard is empty. Any thread, no lock. */
        TaskHandle<?> take() {
            while (true) {
                Object x = takeOldest(null);
                if (x != LOST) {
                    return (TaskHandle<?>) x;
                }
                Rt.spinWait(); // another taker won that index: it made progress, try the next one
            }
        }

        /** The index of the oldest element, or -1 if the shard is empty. */
        long headIfNonEmpty() {
            long h = head.load(Ordering.ACQUIRE); // a CAS that moved it: its run is published
            return h < tail.load(Ordering.ACQUIRE) ? h : -1;
        }

        /**
         * One attempt at a run from index {@code h}, which {@link #headIfNonEmpty} returned: claims
         * up to {@code limit} elements ({@code into.length} at most), and at most the depth divided
         * by {@code share} plus one, with one CAS of head from {@code h}; writes them to {@code
         * into} oldest first and returns how many, or 0 if head is no longer {@code h}. Any thread,
         * no lock.
         */
        int takeRunFrom(long h, TaskHandle<?>[] into, int limit, int share) {
            long t = tail.load(Ordering.ACQUIRE); // pairs with push's release: slots visible
            long depth = t - h;
            int k =
                    (int)
                            Math.min(
                                    Math.min(Math.min(into.length, limit), depth),
                                    depth / share + 1);
            if (k <= 0) {
                return 0;
            }
            AtomicRefArray<TaskHandle<?>> r = ring.load(Ordering.ACQUIRE);
            int mask = r.length() - 1;
            for (int i = 0; i < k; i++) {
                into[i] = r.load((int) (h + i) & mask, Ordering.RELAXED);
            }
            if (head.compareExchange(h, h + k, Ordering.SEQ_CST, Ordering.RELAXED) != h) {
                Arrays.fill(into, 0, k, null); // what it read may be stale: drop it
                return 0;
            }
            // ours: no producer wrote these slots since (it writes index i only once head > i -
            // length, and head was h until this CAS). Clear them, unless a producer reused one
            for (int i = 0; i < k; i++) {
                r.compareExchange(
                        (int) (h + i) & mask, into[i], null, Ordering.RELAXED, Ordering.RELAXED);
            }
            return k;
        }

        /** Takes {@code task} if it is the oldest element; one try, no lock. */
        boolean takeIfOldest(TaskHandle<?> task) {
            return takeOldest(task) == task;
        }

        /**
         * One attempt at the oldest element, only if it is {@code only} (any element if null): the
         * element, null if the shard is empty (or its oldest is not {@code only}), or {@link #LOST}
         * if another taker claimed that index first.
         */
        private Object takeOldest(TaskHandle<?> only) {
            long h = head.load(Ordering.ACQUIRE);
            long t = tail.load(Ordering.ACQUIRE); // pairs with push's release: slot visible
            if (h >= t) {
                return null;
            }
            AtomicRefArray<TaskHandle<?>> r = ring.load(Ordering.ACQUIRE);
            int slot = (int) h & (r.length() - 1);
            TaskHandle<?> x = r.load(slot, Ordering.RELAXED);
            if (only != null && x != only) {
                return null; // a stale read only makes it miss: the joiner then claims as before
            }
            if (head.compareExchange(h, h + 1, Ordering.SEQ_CST, Ordering.RELAXED) != h) {
                return LOST;
            }
            // ours. Clear the slot so the finished task is not retained, but only if it still
            // holds x: a producer may already have reused it for a newer task
            r.compareExchange(slot, x, null, Ordering.RELAXED, Ordering.RELAXED);
            return x;
        }

        /** Copies the live range into a ring twice as large; under the lock. */
        private AtomicRefArray<TaskHandle<?>> grow(
                AtomicRefArray<TaskHandle<?>> r, long h, long t) {
            int n = r.length();
            if (n > (1 << 29)) {
                throw new IllegalStateException("injector full: " + (t - h) + " tasks");
            }
            AtomicRefArray<TaskHandle<?>> bigger = new AtomicRefArray<>(n << 1);
            for (long i = h; i < t; i++) {
                bigger.store(
                        (int) i & (bigger.length() - 1),
                        r.load((int) i & (n - 1), Ordering.RELAXED),
                        Ordering.RELAXED);
            }
            ring.store(bigger, Ordering.RELEASE); // the copies before the ring, before new tails
            return bigger;
        }

        boolean isEmpty() {
            return tail.load(Ordering.ACQUIRE) <= head.load(Ordering.ACQUIRE);
        }

        /** As {@link #isEmpty}, with the lock held: no push is half-done. */
        boolean isEmptyLocked() {
            lock();
            try {
                return isEmpty();
            } finally {
                unlock();
            }
        }

        long size() {
            long t = tail.load(Ordering.ACQUIRE);
            return Math.max(0, t - head.load(Ordering.ACQUIRE));
        }
    }
}
