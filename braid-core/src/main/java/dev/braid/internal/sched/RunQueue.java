package dev.braid.internal.sched;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A bounded run queue with one producer and many consumers: its owner pushes at the tail; the owner
 * and any number of thieves take from the head, first in first out. A thief can also take half of
 * the queue at once into its own queue ({@link #stealHalfInto}).
 *
 * <p>Only the owner may call {@link #push}, and only the owner of {@code dst} may call {@code
 * stealHalfInto(dst)}; that is the caller's duty, not checked. {@link #poll()} and {@link #size()}
 * may be called by any thread. Each pushed element is returned exactly once (by {@code poll} or by
 * {@code stealHalfInto}, which moves the others it takes into its own queue). A push happens-before
 * the take that returns the element.
 *
 * <p>Progress: {@code push} is wait-free; {@code poll} and {@code stealHalfInto} are lock-free (a
 * CAS on the head, retried only when another consumer took elements first).
 *
 * @param <E> the element type
 */
public final class RunQueue<E> {
    /*
     * Implementation notes
     *
     * Algorithm. tokio's per-worker local run queue (runtime/scheduler/multi_thread/queue.rs) in
     * its simplest form: a power-of-two ring; `tail` is written only by the owner, `head` is
     * advanced by every consumer with a CAS. Indices only grow (a long never wraps in practice), so
     * there is no ABA on the head. The owner pops from the head too (FIFO: the LIFO behaviour lives
     * in the executor's LIFO slot, as in tokio), which makes owner and thieves symmetric: there is
     * no Chase-Lev last-element special case, every take is one CAS on `head`.
     *
     * Why a take never returns a wrong element. A consumer reads head h, then tail t > h, then the
     * slot h & mask, then CASes head h -> h+k. The owner overwrites that slot only with index h+cap,
     * which it writes only after it has read a head > h (its fullness check). Head is monotonic, so
     * if the CAS succeeds head was h from the consumer's first read to its CAS, hence the slot still
     * held index h when it was read. If the slot was overwritten the head had moved and the CAS
     * fails; the stale read is discarded.
     *
     * Memory ordering. The slot is written plain, then `tail` is written volatile: a consumer that
     * reads the new tail (volatile) sees the slot. `tail` and `head` are volatile (sequentially
     * consistent), which the executor relies on for its Dekker check: a push (volatile tail write)
     * followed by a read of the searching/idle counters, against a parking worker's counter write
     * followed by a re-read of every queue, cannot both miss each other.
     *
     * Batch push (pushAll): the owner writes k slots plainly, then tail once; the same argument as
     * one push, with one fence for the batch.
     *
     * steal half. The thief copies k = ceil(n/2) elements into its own ring beyond its own tail
     * (unpublished: its own consumers read only below its tail), then CASes the victim's head
     * h -> h+k; on success it publishes k-1 of them with one tail write and returns the last.
     *
     * Capacity. Bounded; a full push returns false and the caller puts the element elsewhere (the
     * executor's injector). Retention: a taken slot keeps its reference until the owner reuses it.
     *
     * References. tokio's multi-threaded scheduler: local queue, steal half, LIFO slot (Carl
     * Lerche, "Making the Tokio scheduler 10x faster", 2019); D. Chase, Y. Lev, "Dynamic circular
     * work-stealing deque" (SPAA 2005) for the owner/thief split.
     */

    private static final VarHandle HEAD;
    private static final VarHandle TAIL;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HEAD = l.findVarHandle(RunQueue.class, "head", long.class);
            TAIL = l.findVarHandle(RunQueue.class, "tail", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Object[] slots;
    private final int mask;

    @SuppressWarnings("unused") // through HEAD
    private volatile long head;

    @SuppressWarnings("unused") // through TAIL
    private volatile long tail;

    /**
     * An empty queue.
     *
     * @param capacity the number of slots, a power of two
     * @throws IllegalArgumentException if {@code capacity} is not a positive power of two
     */
    public RunQueue(int capacity) {
        if (capacity <= 0 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException(
                    "capacity must be a positive power of two, was " + capacity);
        }
        slots = new Object[capacity];
        mask = capacity - 1;
    }

    /**
     * Appends {@code e} at the tail (owner only).
     *
     * @param e the element, not null
     * @return false, and the queue unchanged, if it is full
     */
    public boolean push(E e) {
        long t = (long) TAIL.getOpaque(this); // only the owner writes it
        long h = (long) HEAD.getVolatile(this);
        if (t - h >= slots.length) {
            return false;
        }
        slots[(int) t & mask] = e;
        TAIL.setVolatile(this, t + 1); // publishes the slot; volatile: see the Dekker note
        return true;
    }

    /**
     * Appends up to {@code count} elements of {@code src} from index {@code from} at the tail, in
     * order, with one publishing write (owner only): a batch costs one fence, not one per element.
     *
     * @param src the elements, not null
     * @param from the index in {@code src} of the first one
     * @param count how many to append
     * @return how many were appended (fewer than {@code count} when the queue fills up); the rest
     *     stay the caller's. The count is decided at the call's read of the head, before the one
     *     publishing write: a consumer freeing a slot in between is not seen, so the answer may be
     *     one or more below the room at the moment the batch becomes visible (conservative; a batch
     *     is never split into two publications)
     */
    public int pushAll(E[] src, int from, int count) {
        long t = (long) TAIL.getOpaque(this); // only the owner writes it
        long h = (long) HEAD.getVolatile(this);
        int k = (int) Math.min(count, slots.length - (t - h));
        if (k <= 0) {
            return 0;
        }
        for (int i = 0; i < k; i++) {
            slots[(int) (t + i) & mask] = src[from + i];
        }
        TAIL.setVolatile(this, t + k); // publishes the slots; volatile: see the Dekker note
        return k;
    }

    /**
     * Takes the element at the head (any thread).
     *
     * @return the oldest element, or null if the queue is empty
     */
    @SuppressWarnings("unchecked")
    public E poll() {
        while (true) {
            long h = (long) HEAD.getVolatile(this);
            long t = (long) TAIL.getVolatile(this);
            if (h >= t) {
                return null;
            }
            Object e = slots[(int) h & mask];
            if (HEAD.compareAndSet(this, h, h + 1)) {
                return (E) e;
            }
        }
    }

    /**
     * Takes half of this queue (rounded up): returns one of the taken elements and appends the
     * others to {@code dst}, which the caller owns. At most {@code dst}'s free space plus one is
     * taken.
     *
     * @param dst the caller's own queue
     * @return a taken element, or null if this queue was empty (or {@code dst} has no room and
     *     nothing could be taken)
     */
    @SuppressWarnings("unchecked")
    public E stealHalfInto(RunQueue<E> dst) {
        long dt = (long) TAIL.getOpaque(dst);
        long room = dst.slots.length - (dt - (long) HEAD.getVolatile(dst));
        while (true) {
            long h = (long) HEAD.getVolatile(this);
            long t = (long) TAIL.getVolatile(this);
            long n = t - h;
            if (n <= 0) {
                return null;
            }
            int k = (int) Math.min(n - n / 2, room + 1);
            for (int i = 0; i < k - 1; i++) {
                dst.slots[(int) (dt + i) & dst.mask] = slots[(int) (h + i) & mask];
            }
            Object last = slots[(int) (h + k - 1) & mask];
            if (HEAD.compareAndSet(this, h, h + k)) {
                if (k > 1) {
                    TAIL.setVolatile(dst, dt + k - 1);
                }
                return (E) last;
            }
        }
    }

    /**
     * The number of elements, approximately while others push or take.
     *
     * @return the size, never negative
     */
    public int size() {
        long h = (long) HEAD.getVolatile(this);
        long t = (long) TAIL.getVolatile(this);
        return (int) Math.max(0, t - h);
    }

    /**
     * Offers the elements between the head and the tail to {@code sink}, oldest first, until it
     * returns false: a racy look for diagnostics (any thread; it takes nothing and writes nothing).
     * While others push or take, an element may be missed, offered after it was taken, or (a slot
     * the owner reused after the head and tail were read) replaced by a newer one; at most {@link
     * #capacity()} elements are offered, and no null.
     *
     * @param sink receives each element; returns false to stop the look
     */
    @SuppressWarnings("unchecked")
    public void forEachQueued(java.util.function.Predicate<? super E> sink) {
        long h = (long) HEAD.getVolatile(this);
        long t = (long) TAIL.getVolatile(this); // volatile: the slots below it are published
        long n = Math.min(Math.max(0, t - h), slots.length); // racing reads: clamp both ways
        for (long i = 0; i < n; i++) {
            Object e = slots[(int) (h + i) & mask];
            if (e != null && !sink.test((E) e)) {
                return;
            }
        }
    }

    /**
     * Whether the queue looked empty.
     *
     * @return true if no element was present when looked at
     */
    public boolean isEmpty() {
        return size() == 0;
    }

    /**
     * The capacity given at construction.
     *
     * @return the number of slots
     */
    public int capacity() {
        return slots.length;
    }

    @Override
    public String toString() {
        return "RunQueue[size=" + size() + ", capacity=" + slots.length + "]";
    }
}
