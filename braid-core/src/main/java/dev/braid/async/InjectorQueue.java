package dev.braid.async;

import dev.braid.internal.rt.Rt;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * An unbounded first-in first-out queue for any number of producers and consumers that stores one
 * reference per element: elements live in linked array segments, not in a node each. {@link
 * StealingScheduler}'s injector (ADR 0080).
 *
 * @param <E> the element type
 */
final class InjectorQueue<E> {
    /*
     * Implementation notes
     *
     * Algorithm. The FAA array queue: an unbounded list of fixed-size segments, each with an
     * enqueue index and a dequeue index that only grow, as in LCRQ (Morrison, Afek, PPoPP 2013)
     * with its CRQ rings replaced by plain arrays that are used once (Ramalhete and Correia's
     * FAAArrayQueue). A producer claims an index of the tail segment with getAndAdd(enq, 1) and
     * stores its element there with a release write: one atomic per offer (ADR 0088). A consumer
     * claims only indices a producer has claimed already: one CAS of deq from d to d + k (k = 1
     * for poll(), up to the batch's room for poll(E[]), ADR 0087), where k counts the slots from d
     * on that already hold an element (a stored slot proves its index claimed), and only when
     * there are none, d + k <= enq; then it reads each claimed slot, waiting for its producer's
     * store if it has not landed yet (only an enq-counted claim can meet one). So a consumer
     * that keeps up with the producers reads their slots, as ForkJoinPool's workers do, and not
     * the line of the enq index every offer's getAndAdd needs (ADR 0133). An
     * index has one producer and one consumer, so the consumer takes the element with a plain
     * write of TAKEN, and no index is ever poisoned or burnt (the FAAArrayQueue's consumer instead
     * claims with getAndAdd, may reach a slot before any producer, and poisons it with a swap;
     * each producer then needs a CAS to store: two atomics per offer).
     * A producer whose index is past the segment links a new segment that already holds its
     * element in slot 0 (one CAS on `next`) and swings `tail`; a consumer that finds its head
     * segment drained (deq >= N) and a successor linked swings `head` to it.
     *
     * Empty check. A consumer sees the head segment empty when deq >= min(enq, N) and no successor
     * is linked: nothing to claim, and nothing is burnt. isEmpty() walks from head: a segment with
     * an index that a producer claimed and no consumer did (min(deq, N) < min(enq, N)) means an
     * element is there or about to be; a segment drained up to N with a successor sends it to the
     * successor (a successor exists only once enq passed N). An index claimed by a producer whose
     * store is not done yet counts as non-empty (it is an offer in progress; the caller's re-check
     * is then conservative). Careful: enq is read before next, so "k <= 0 and a successor exists"
     * does not by itself mean drained (the segment may have filled in between): only deq >= N
     * does.
     *
     * Memory ordering. The producer's getAndAdd and the consumer's CAS on the indices are
     * sequentially consistent; the slot's release store publishes the element to the consumer's
     * volatile read. The scheduler's Dekker check (a completed offer, then a read of the idle
     * flags, against a worker's idle flag write, then isEmpty) rests on the indices alone: once
     * the producer's getAndAdd is done, isEmpty counts the element, and a consumer that claims it
     * waits for the store (it is awake: it is inside poll()).
     *
     * Progress. Producers are wait-free but for segment links (lock-free). A consumer is blocked
     * only by the producer of the index it claimed, between that producer's getAndAdd and its
     * store (a few instructions, nothing that can throw): it spins storeWait hints, then yields
     * until the store lands; other consumers claim later indices meanwhile. tokio's injector and
     * ForkJoinPool's external submission queues hold a lock across the same window.
     *
     * Layout. A segment's enq and deq are two elements of an int[] of their own, 128 bytes apart
     * and past the array header's line (every access's bounds check reads the length there): the
     * producers' getAndAdd and a consumer's CAS never take each other's line (ForkJoinPool keeps
     * its queues' top and base apart the same way, with @Contended). ADR 0133.
     *
     * Allocation and retention. One segment (an array of SEGMENT references, the 336-byte index
     * array and a small header) per SEGMENT offers, about 7 B per element at 128 slots against a
     * ConcurrentLinkedQueue's 24 B node. Taken slots hold the shared TAKEN marker, so a finished task is not retained by its
     * slot; a drained segment is unreachable once head moves past it.
     *
     * Simulation. Plain VarHandles, as the ConcurrentLinkedQueue it replaced: the scheduler's
     * yield points around schedule and park are unchanged. The consumer's wait for a late store
     * goes through Rt.spinWait and Rt.yieldNow, yield points under the testkit (where an offer has
     * no yield point between its claim and its store, so a simulated consumer never waits).
     *
     * References. A. Morrison, Y. Afek, "Fast concurrent queues for x86 processors" (PPoPP 2013);
     * P. Ramalhete, A. Correia, FAAArrayQueue (Concurrency Freaks, 2016), the segment-per-array
     * form followed here; M. M. Michael, M. L. Scott (PODC 1996) for the linked list of segments.
     */

    /** Slots per segment. */
    static final int SEGMENT = 128;

    /** Spin-wait hints a consumer gives a late producer's store before it starts yielding. */
    static final int STORE_WAIT = 128;

    private static final Object TAKEN = new Object();
    private static final VarHandle HEAD;
    private static final VarHandle TAIL;
    private static final VarHandle NEXT;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);
    // a segment's two indices, elements of its int[] (ADR 0133): enq on the third line of the
    // array, deq on the fifth, so neither shares a line (nor an adjacent-line prefetch pair) with
    // the other or with the array's header, which every access's bounds check reads
    private static final VarHandle INDEX = MethodHandles.arrayElementVarHandle(int[].class);
    static final int ENQ = 32; // byte 16 + 4 * 32 = 144
    static final int DEQ = 64; // byte 272
    static final int INDICES = 80;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HEAD = l.findVarHandle(InjectorQueue.class, "head", Segment.class);
            TAIL = l.findVarHandle(InjectorQueue.class, "tail", Segment.class);
            NEXT = l.findVarHandle(Segment.class, "next", Segment.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** One array of slots with its two claim indices. */
    static final class Segment {
        final Object[] slots;

        /** {@code index[ENQ]} and {@code index[DEQ]}, each on a line of its own (ADR 0133). */
        final int[] index = new int[INDICES];

        @SuppressWarnings("unused") // through NEXT
        volatile Segment next;

        /** An empty segment, or one whose slot 0 already holds {@code first} (not null). */
        Segment(int size, Object first) {
            slots = new Object[size];
            if (first != null) {
                slots[0] = first;
                index[ENQ] = 1; // published with the segment by the CAS that links it
            }
        }

        int enq() {
            return (int) INDEX.getVolatile(index, ENQ);
        }

        int deq() {
            return (int) INDEX.getVolatile(index, DEQ);
        }

        /** The producer's claim: one getAndAdd of enq. */
        int claimEnq() {
            return (int) INDEX.getAndAdd(index, ENQ, 1);
        }

        /** A consumer's claim of indices d until d + k. */
        boolean claimDeq(int d, int k) {
            return INDEX.compareAndSet(index, DEQ, d, d + k);
        }

        /**
         * How many slots from {@code d} on (at most {@code max}) hold a stored element: indices a
         * producer claimed, read without the producer's enq line (ADR 0133).
         */
        int stored(int d, int max) {
            int k = 0;
            while (k < max && SLOT.getAcquire(slots, d + k) != null) {
                k++;
            }
            return k;
        }
    }

    private final int segmentSize;
    private final int storeWait;

    @SuppressWarnings("unused") // through HEAD
    private volatile Segment head;

    @SuppressWarnings("unused") // through TAIL
    private volatile Segment tail;

    /** An empty queue with {@link #SEGMENT} slots per segment. */
    InjectorQueue() {
        this(SEGMENT, STORE_WAIT);
    }

    /**
     * An empty queue with {@code segmentSize} slots per segment and a consumer's wait for a late
     * store of {@code storeWait} spin hints (tests use small ones: a model checker explores every
     * look of the wait).
     */
    InjectorQueue(int segmentSize, int storeWait) {
        if (segmentSize <= 0) {
            throw new IllegalArgumentException("segmentSize must be > 0, was " + segmentSize);
        }
        if (storeWait < 0) {
            throw new IllegalArgumentException("storeWait must be >= 0, was " + storeWait);
        }
        this.segmentSize = segmentSize;
        this.storeWait = storeWait;
        Segment s = new Segment(segmentSize, null);
        head = s;
        tail = s;
    }

    /** Appends {@code e} (not null) at the tail: one getAndAdd and one release store. */
    void offer(E e) {
        if (e == null) {
            throw new NullPointerException("e");
        }
        // the common case kept small (it is inlined into every outside spawn and wake): one
        // index, one store; a full segment goes to the loop
        Segment t = (Segment) TAIL.getVolatile(this);
        int i = t.claimEnq();
        if (i < segmentSize) {
            SLOT.setRelease(t.slots, i, e); // publishes e; the index is this producer's alone
        } else {
            offerSlow(e, t);
        }
    }

    /** The rest of {@link #offer} after the index it claimed in {@code t} was past the segment. */
    private void offerSlow(E e, Segment t) {
        int n = segmentSize;
        while (true) {
            Segment next = (Segment) NEXT.getVolatile(t);
            if (next == null) {
                Segment fresh = new Segment(n, e);
                if (NEXT.compareAndSet(t, null, fresh)) {
                    TAIL.compareAndSet(this, t, fresh);
                    return;
                }
                next = (Segment) NEXT.getVolatile(t);
            }
            TAIL.compareAndSet(this, t, next); // help one that linked but did not swing
            t = (Segment) TAIL.getVolatile(this);
            int i = t.claimEnq();
            if (i < n) {
                SLOT.setRelease(t.slots, i, e);
                return;
            }
        }
    }

    /** Takes the oldest element; null if the queue is empty. */
    @SuppressWarnings("unchecked")
    E poll() {
        int n = segmentSize;
        while (true) {
            Segment h = (Segment) HEAD.getVolatile(this);
            int d = h.deq();
            // a stored slot proves its index claimed; enq (the producers' line) only when not
            if (d < n && (h.stored(d, 1) == 1 || d < Math.min(h.enq(), n))) {
                if (h.claimDeq(d, 1)) {
                    return (E) take(h, d);
                }
                continue; // another consumer claimed it first
            }
            if (!nextSegment(h, d)) {
                return null;
            }
        }
    }

    /**
     * Takes up to {@code into.length} of the oldest elements at once (one claim of their indices),
     * stores them in {@code into} from index 0, oldest first, and returns how many; 0 if the queue
     * is empty. A batch comes from one segment; a segment boundary ends it early.
     */
    @SuppressWarnings("unchecked")
    int poll(E[] into) {
        if (into.length == 0) {
            throw new IllegalArgumentException("into must have room for an element");
        }
        int n = segmentSize;
        while (true) {
            Segment h = (Segment) HEAD.getVolatile(this);
            int d = h.deq();
            // the stored slots first (no read of the producers' enq line, ADR 0133); only when
            // there are none, enq, which also counts indices claimed but not stored yet
            int k = d < n ? h.stored(d, Math.min(n - d, into.length)) : 0;
            if (k == 0) {
                k = Math.min(Math.min(h.enq(), n) - d, into.length);
            }
            if (k <= 0) {
                if (!nextSegment(h, d)) {
                    return 0;
                }
                continue;
            }
            if (!h.claimDeq(d, k)) {
                continue; // another consumer took some first
            }
            for (int i = 0; i < k; i++) {
                into[i] = (E) take(h, d + i);
            }
            return k;
        }
    }

    /**
     * Head segment {@code h} offered nothing unclaimed when its deq was {@code d}: moves head to
     * the successor if {@code h} is drained; false if the queue is empty (no successor yet).
     */
    private boolean nextSegment(Segment h, int d) {
        Segment next = (Segment) NEXT.getVolatile(h);
        if (next == null) {
            return false; // empty (or the next offer is linking a successor right now)
        }
        if (d >= segmentSize) { // drained; else it filled up after we read enq: look again
            HEAD.compareAndSet(this, h, next);
        }
        return true;
    }

    /**
     * The element of slot {@code i} of {@code h}, an index this consumer claimed (so a producer
     * claimed it before): waits for the producer's store if it has not landed yet.
     */
    private Object take(Segment h, int i) {
        Object x = SLOT.getVolatile(h.slots, i);
        for (int k = 0; x == null; k++) {
            if (k < storeWait) {
                Rt.spinWait(); // its producer is a few instructions from its store
            } else {
                Rt.yieldNow(); // it was preempted there: let it run
            }
            x = SLOT.getVolatile(h.slots, i);
        }
        SLOT.setOpaque(h.slots, i, TAKEN); // no retention; nobody else touches this slot now
        return x;
    }

    /**
     * Offers the elements queued now to {@code sink}, oldest first, until it returns false: a racy
     * look for diagnostics (the live-task dump), which claims and writes nothing. It walks from the
     * head segment to the tail segment read at its start (or that one's successor, if the head had
     * moved past it), so offers made meanwhile into later segments are not waited for and the look
     * ends. An element being taken may be offered; one whose producer has claimed its index but not
     * stored it yet is not.
     */
    @SuppressWarnings("unchecked")
    void forEachQueued(java.util.function.Predicate<? super E> sink) {
        int n = segmentSize;
        Segment s = (Segment) HEAD.getVolatile(this);
        // read after head. A segment is linked only behind the one `tail` names, so `tail` lags
        // the last segment by one link at most: head, read first, is `last` or before it, or
        // (tail not swung yet) `last`'s successor, which is linked by the time it is read below
        Segment last = (Segment) TAIL.getVolatile(this);
        Segment afterLast = (Segment) NEXT.getVolatile(last);
        while (s != null) {
            for (int i = Math.min(s.deq(), n), e = Math.min(s.enq(), n); i < e; i++) {
                Object x = SLOT.getAcquire(s.slots, i);
                if (x != null && x != TAKEN && !sink.test((E) x)) {
                    return;
                }
            }
            if (s == last || s == afterLast) {
                return;
            }
            s = (Segment) NEXT.getVolatile(s);
        }
    }

    /**
     * Whether the oldest unclaimed slot holds an element, or a drained head segment has a
     * successor: a look that reads slots and no producer index (ADR 0133). A hint, not isEmpty()'s
     * negation: an offer between its claim and its store is not seen.
     */
    boolean looksNonEmpty() {
        Segment h = (Segment) HEAD.getVolatile(this);
        int d = h.deq();
        if (d < segmentSize) {
            return SLOT.getAcquire(h.slots, d) != null;
        }
        return NEXT.getVolatile(h) != null;
    }

    /**
     * Whether no element is queued or being offered; a snapshot, exact when nothing runs
     * concurrently (see the notes: an offer in progress counts as an element).
     */
    boolean isEmpty() {
        int n = segmentSize;
        Segment s = (Segment) HEAD.getVolatile(this);
        while (true) {
            int d = Math.min(s.deq(), n);
            int e = Math.min(s.enq(), n);
            if (d < e) {
                return false;
            }
            Segment next = (Segment) NEXT.getVolatile(s);
            if (next == null) {
                return true;
            }
            s = next; // a successor exists only once enq passed n: this segment is drained
        }
    }
}
