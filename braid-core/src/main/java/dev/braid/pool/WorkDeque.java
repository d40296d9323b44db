package dev.braid.pool;

import dev.braid.atomic.AtomicI64;
import dev.braid.atomic.AtomicRef;
import dev.braid.atomic.AtomicRefArray;
import dev.braid.atomic.Fences;
import dev.braid.atomic.Ordering;
import dev.braid.internal.util.Args;

/**
 * A work-stealing deque: one owner thread pushes and pops at the bottom (last in, first out); any
 * number of thieves steal from the top (first in, first out). It grows without bound.
 *
 * <p>Only the owner may call {@link #push} and {@link #pop}; that is the caller's duty, not
 * checked. {@link #steal()} and {@link #size()} may be called by any thread. Each pushed element is
 * returned exactly once, by {@code pop} or by a successful {@code steal}. A push happens-before the
 * {@code pop} or {@code steal} that returns the element.
 *
 * <p>Progress: {@code push} and {@code pop} are wait-free (a push that grows the buffer copies it);
 * {@code steal} is lock-free and returns {@link Steal.Retry} rather than looping when it loses a
 * race.
 *
 * @param <E> the type of the elements
 */
public final class WorkDeque<E> {
    /*
     * Implementation notes
     *
     * Algorithm. Chase and Lev's dynamic circular work-stealing deque, with the C11 orderings that
     * Lê, Pop, Cohen and Zappa Nardelli proved correct. `bottom` is the owner's next free index,
     * `top` the oldest element's; indices only grow, the buffer slot is index & mask. The owner
     * pushes at bottom; pop first decrements bottom (claiming the element), then reads top: if
     * the deque still had more than one element the element is the owner's, if exactly one the
     * owner races the thieves with a CAS on top. A thief reads top, then bottom, reads the slot
     * and claims it with a CAS on top. When push finds the buffer full it copies the live range
     * into one twice as large and publishes it; thieves holding the old buffer still read correct
     * slots from it (it is never written again), and the garbage collector frees it.
     *
     * State. top, bottom: AtomicI64 (monotonic top; bottom moves both ways by one). buffer:
     * AtomicRef to a power-of-two AtomicRefArray.
     *
     * Memory ordering (the paper's Figure 1, access by access).
     * - push: slot store RELAXED, then a RELEASE fence, then bottom store RELAXED: a thief that
     *   reads the new bottom with ACQUIRE sees the slot. top is read ACQUIRE so the size check
     *   sees thieves' progress before the slot is reused.
     * - pop: first a RELAXED look at both indices returns at once when the deque is empty (a stale
     *   top is older, so it can only hide emptiness, never invent it). Then bottom store RELAXED,
     *   then a SEQ_CST fence, then top load RELAXED. With the thief's
     *   SEQ_CST fence between its top and bottom loads, this is store buffering with fences: at
     *   least one side sees the other, so owner and thief never both think an element is theirs
     *   without meeting at the CAS. The CAS on top is SEQ_CST (the paper's choice).
     * - steal: top ACQUIRE, SEQ_CST fence, bottom ACQUIRE (pairs with push's release fence), buffer
     *   ACQUIRE (the paper's consume), slot RELAXED, CAS top SEQ_CST.
     * A test-only variant weakens pop's fence to ACQ_REL; the testkit's weak-memory model finds
     * the element taken twice (braid-testkit's WorkDequeExplorationTest).
     *
     * Retention. The owner clears a slot it popped; a stolen slot keeps its reference until the
     * owner reuses it (a thief must not clear it: the owner may already have refilled it), so up to
     * the buffer's capacity of taken elements stay reachable.
     *
     * References. D. Chase, Y. Lev, "Dynamic circular work-stealing deque" (SPAA 2005); N. M. Lê,
     * A. Pop, A. Cohen, F. Zappa Nardelli, "Correct and efficient work-stealing for weak memory
     * models" (PPoPP 2013); crossbeam-deque.
     */

    /** Returned by {@link #stealOrSignal()} when the deque looked empty. */
    static final Object EMPTY = new Object();

    /** Returned by {@link #stealOrSignal()} when a racing owner or thief took the element. */
    static final Object RETRY = new Object();

    private static final Steal.Empty<?> STEAL_EMPTY = new Steal.Empty<>();
    private static final Steal.Retry<?> STEAL_RETRY = new Steal.Retry<>();

    private final AtomicI64 top = new AtomicI64();
    private final AtomicI64 bottom = new AtomicI64();
    private final AtomicRef<AtomicRefArray<E>> buffer;
    private final Ordering popFence;

    /** An empty deque with a small initial buffer. */
    public WorkDeque() {
        this(64);
    }

    /**
     * An empty deque whose buffer starts with room for {@code initialCapacity} elements.
     *
     * @param initialCapacity the initial buffer size, a power of two of at least 1
     * @throws IllegalArgumentException if {@code initialCapacity} is not a positive power of two
     */
    public WorkDeque(int initialCapacity) {
        this(initialCapacity, Ordering.SEQ_CST);
    }

    /** A deque whose pop uses {@code popFence}: only SEQ_CST is correct (test-only variants). */
    WorkDeque(int initialCapacity, Ordering popFence) {
        if (initialCapacity < 1 || Integer.bitCount(initialCapacity) != 1) {
            throw new IllegalArgumentException(
                    "initialCapacity must be a positive power of two, was " + initialCapacity);
        }
        this.buffer = new AtomicRef<>(new AtomicRefArray<>(initialCapacity));
        this.popFence = popFence;
    }

    /**
     * Pushes {@code element} at the bottom. Owner only.
     *
     * @param element the element, not {@code null}
     * @throws NullPointerException if {@code element} is null
     */
    public void push(E element) {
        pushWasEmpty(element);
    }

    /** As {@link #push}; returns whether the deque looked empty just before (for wake-ups). */
    boolean pushWasEmpty(E element) {
        Args.notNull(element, "element");
        long b = bottom.load(Ordering.RELAXED); // only the owner writes bottom
        long t = top.load(Ordering.ACQUIRE);
        AtomicRefArray<E> a = buffer.load(Ordering.RELAXED); // only the owner writes buffer
        if (b - t > a.length() - 1) {
            a = grow(a, t, b);
        }
        a.store((int) b & (a.length() - 1), element, Ordering.RELAXED);
        Fences.fence(Ordering.RELEASE); // publishes the slot before the new bottom
        bottom.store(b + 1, Ordering.RELAXED);
        return b - t <= 0;
    }

    /**
     * Pops the element pushed last that no thief took. Owner only.
     *
     * @return the element, or {@code null} if the deque is empty
     */
    public E pop() {
        if (bottom.load(Ordering.RELAXED) <= top.load(Ordering.RELAXED)) {
            // empty: top only grows, so a stale top can only make the deque look fuller. Saves
            // the SEQ_CST fence on every look at an empty deque (the worker loop's common case).
            return null;
        }
        long b = bottom.load(Ordering.RELAXED) - 1;
        AtomicRefArray<E> a = buffer.load(Ordering.RELAXED);
        bottom.store(b, Ordering.RELAXED);
        Fences.fence(popFence); // SEQ_CST: orders the claim on bottom before reading top
        long t = top.load(Ordering.RELAXED);
        if (t > b) {
            bottom.store(b + 1, Ordering.RELAXED); // was empty: restore
            return null;
        }
        int slot = (int) b & (a.length() - 1);
        E x = a.load(slot, Ordering.RELAXED);
        if (t == b) {
            // the last element: race the thieves for it
            if (top.compareExchange(t, t + 1, Ordering.SEQ_CST, Ordering.RELAXED) != t) {
                x = null;
            }
            bottom.store(b + 1, Ordering.RELAXED);
        }
        if (x != null) {
            a.store(slot, null, Ordering.RELAXED); // ours now: let the collector have it later
        }
        return x;
    }

    /**
     * Tries to take the oldest element. Any thread.
     *
     * @return {@link Steal.Success} with the element, {@link Steal.Empty}, or {@link Steal.Retry}
     *     if a racing owner or thief took the element first
     */
    @SuppressWarnings("unchecked")
    public Steal<E> steal() {
        Object x = stealOrSignal();
        if (x == EMPTY) {
            return (Steal<E>) STEAL_EMPTY;
        }
        if (x == RETRY) {
            return (Steal<E>) STEAL_RETRY;
        }
        return new Steal.Success<>((E) x);
    }

    /**
     * As {@link #steal()} without the result object: the element, {@link #EMPTY} or {@link #RETRY}.
     */
    Object stealOrSignal() {
        long t = top.load(Ordering.ACQUIRE);
        Fences.fence(Ordering.SEQ_CST); // pairs with pop's fence (store buffering with fences)
        long b = bottom.load(Ordering.ACQUIRE); // pairs with push's release fence
        if (t >= b) {
            return EMPTY;
        }
        AtomicRefArray<E> a = buffer.load(Ordering.ACQUIRE); // sees the grown buffer's contents
        Object x = a.load((int) t & (a.length() - 1), Ordering.RELAXED);
        if (top.compareExchange(t, t + 1, Ordering.SEQ_CST, Ordering.RELAXED) != t) {
            return RETRY;
        }
        return x;
    }

    /**
     * The number of elements, as a snapshot that may be stale by the time it returns. Any thread.
     *
     * @return the estimated number of elements, at least 0
     */
    public int size() {
        long b = bottom.load(Ordering.ACQUIRE);
        long t = top.load(Ordering.ACQUIRE);
        long n = b - t;
        return n <= 0 ? 0 : (int) Math.min(n, Integer.MAX_VALUE);
    }

    /**
     * The index of the oldest element (a snapshot; as many elements were ever taken at the top).
     */
    long topIndex() {
        return top.load(Ordering.ACQUIRE);
    }

    /** The index the next push writes. Owner only. */
    long bottomIndex() {
        return bottom.load(Ordering.RELAXED);
    }

    /**
     * Whether the deque looks empty (a snapshot). Any thread.
     *
     * @return {@code true} if no element was present when looked at
     */
    public boolean isEmpty() {
        return size() == 0;
    }

    private AtomicRefArray<E> grow(AtomicRefArray<E> old, long t, long b) {
        int n = old.length();
        if (n > (1 << 29)) {
            throw new IllegalStateException("deque full: " + (b - t) + " elements");
        }
        AtomicRefArray<E> bigger = new AtomicRefArray<>(n << 1);
        int newMask = bigger.length() - 1;
        int oldMask = n - 1;
        for (long i = t; i < b; i++) {
            bigger.store(
                    (int) i & newMask,
                    old.load((int) i & oldMask, Ordering.RELAXED),
                    Ordering.RELAXED);
        }
        buffer.store(bigger, Ordering.RELEASE); // publishes the copied slots
        return bigger;
    }

    /**
     * A snapshot of the indices, for debugging.
     *
     * @return the size and buffer capacity
     */
    @Override
    public String toString() {
        return "WorkDeque[size=" + size() + "]";
    }
}
