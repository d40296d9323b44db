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
     * enqueue index and a dequeue index that only grow, claimed with fetch-and-add, as in LCRQ
     * (Morrison, Afek, PPoPP 2013) with its CRQ rings replaced by plain arrays that are used once
     * (Ramalhete and Correia's FAAArrayQueue). A producer takes an index of the tail segment with
     * getAndAdd(enq, 1) and CASes its slot from null to the element; a consumer takes an index of
     * the head segment with getAndAdd(deq, 1) and takes its slot. A consumer that reaches a slot
     * before its producer poisons it (swaps TAKEN into the empty slot): the producer's CAS then
     * fails and it takes a new index, so the element is never lost and never returned twice. A
     * slot the consumer finds full needs no swap (ADR 0087): an index has one producer, which
     * stores once, and one consumer, so the consumer reads the element and writes TAKEN plainly;
     * only a take that finds the slot empty races the producer, and that one is a swap.
     * Batch take (the scheduler's drain, ADR 0087): a consumer claims k indices at once with one
     * CAS of deq from d to d + k, where k <= enq - d, so every index it claims was claimed by a
     * producer (a CAS and not a getAndAdd: no index nobody offered to is burnt), then takes each.
     * Before it poisons, a consumer waits up to STORE_WAIT spin hints for the store: when workers
     * drain the queue as fast as one thread fills it they often meet an index claimed a moment
     * ago, and poisoning each of those would use up several slots per element (seen as extra
     * bytes per task in -prof gc).
     * A producer whose index is past the segment links a new segment that already holds its
     * element in slot 0 (one CAS on `next`) and swings `tail`; a consumer whose index is past the
     * segment swings `head` to `next` (or reports empty if there is none).
     *
     * Empty check. poll() first looks whether the head segment has no unclaimed index (deq >= enq)
     * and no successor: then the queue is empty and nothing is burned. isEmpty() walks from head:
     * a segment with an index that a producer claimed and no consumer did (min(deq, N) < min(enq,
     * N)) means an element is there or about to be; a segment drained up to N with a successor
     * sends it to the successor (a successor exists only once enq passed N). An index claimed by a producer whose store is not done yet counts
     * as non-empty (it is an offer in progress; the caller's re-check is then conservative).
     *
     * Memory ordering. Every access is a volatile (sequentially consistent) VarHandle access: the
     * producer's slot CAS publishes the element to the consumer's volatile read (or swap); the
     * scheduler's Dekker
     * check (a completed offer, then a read of the idle flags, against a worker's idle flag write,
     * then isEmpty) needs the offer's CAS and isEmpty's reads to be SC. An offer is complete when
     * its slot CAS succeeded; then enq of that segment is above its index (the getAndAdd came
     * first) and the segment is linked (it was tail), so an isEmpty that starts after it sees
     * either the element's index unclaimed by consumers, a successor, or a consumer that claimed
     * the index and will take the element (it is awake: it is inside poll(), a batch's included).
     *
     * Allocation and retention. One segment (an array of SEGMENT references and a small header)
     * per SEGMENT offers, about 5 B per element at 32 slots against a ConcurrentLinkedQueue's 24 B
     * node. Taken slots hold the shared TAKEN marker, so a finished task is not retained by its
     * slot; a drained segment is unreachable once head moves past it.
     *
     * Progress. Lock-free: an offer retries only when a consumer poisoned its slot or another
     * producer linked the next segment first; a poll retries only past poisoned or drained slots.
     *
     * Simulation. Plain VarHandles, as the ConcurrentLinkedQueue it replaces: the scheduler's
     * yield points around schedule and park are unchanged. The one addition is the consumer's
     * wait for a late store, through Rt.spinWait, a yield point under the testkit (where the
     * scheduler waits one look only, so the producer gets a turn and schedules stay short).
     *
     * References. A. Morrison, Y. Afek, "Fast concurrent queues for x86 processors" (PPoPP 2013);
     * P. Ramalhete, A. Correia, FAAArrayQueue (Concurrency Freaks, 2016), the segment-per-array
     * form followed here; M. M. Michael, M. L. Scott (PODC 1996) for the linked list of segments.
     */

    /** Slots per segment. */
    static final int SEGMENT = 32;

    /** Spin-wait hints a consumer gives a producer that claimed a slot but has not stored yet. */
    static final int STORE_WAIT = 128;

    private static final Object TAKEN = new Object();
    private static final VarHandle HEAD;
    private static final VarHandle TAIL;
    private static final VarHandle ENQ;
    private static final VarHandle DEQ;
    private static final VarHandle NEXT;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HEAD = l.findVarHandle(InjectorQueue.class, "head", Segment.class);
            TAIL = l.findVarHandle(InjectorQueue.class, "tail", Segment.class);
            ENQ = l.findVarHandle(Segment.class, "enq", int.class);
            DEQ = l.findVarHandle(Segment.class, "deq", int.class);
            NEXT = l.findVarHandle(Segment.class, "next", Segment.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** One array of slots with its two claim indices. */
    static final class Segment {
        final Object[] slots;

        @SuppressWarnings("unused") // through ENQ
        volatile int enq;

        @SuppressWarnings("unused") // through DEQ
        volatile int deq;

        @SuppressWarnings("unused") // through NEXT
        volatile Segment next;

        /** An empty segment, or one whose slot 0 already holds {@code first} (not null). */
        Segment(int size, Object first) {
            slots = new Object[size];
            if (first != null) {
                slots[0] = first;
                enq = 1; // published with the segment by the CAS that links it
            }
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

    /** Appends {@code e} (not null) at the tail. Lock-free. */
    void offer(E e) {
        if (e == null) {
            throw new NullPointerException("e");
        }
        // the common case kept small (it is inlined into every outside spawn and wake): one
        // index, one store; a full segment or a poisoned slot goes to the loop
        Segment t = (Segment) TAIL.getVolatile(this);
        int i = (int) ENQ.getAndAdd(t, 1);
        if (i >= segmentSize || !SLOT.compareAndSet(t.slots, i, null, e)) {
            offerSlow(e, t, i);
        }
    }

    /**
     * The rest of {@link #offer} after index {@code i} of segment {@code t} did not take {@code e}:
     * it was past the segment, or a consumer had poisoned the slot.
     */
    private void offerSlow(E e, Segment t, int i) {
        int n = segmentSize;
        while (true) {
            if (i < n) {
                if (SLOT.compareAndSet(t.slots, i, null, e)) {
                    return;
                }
                // a consumer poisoned this slot before we stored: take another index
            } else {
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
            }
            t = (Segment) TAIL.getVolatile(this);
            i = (int) ENQ.getAndAdd(t, 1);
        }
    }

    /** Takes the oldest element; null if the queue is empty. Lock-free. */
    @SuppressWarnings("unchecked")
    E poll() {
        int n = segmentSize;
        while (true) {
            Segment h = (Segment) HEAD.getVolatile(this);
            if ((int) DEQ.getVolatile(h) >= (int) ENQ.getVolatile(h)
                    && NEXT.getVolatile(h) == null) {
                return null; // nothing claimed and not taken: empty, and no index is burned
            }
            int i = (int) DEQ.getAndAdd(h, 1);
            if (i < n) {
                Object x = take(h, i);
                if (x != null) {
                    return (E) x;
                }
                continue; // still not stored (its producer was preempted): it takes another index
            }
            Segment next = (Segment) NEXT.getVolatile(h);
            if (next == null) {
                return null; // drained, and no producer has linked a successor yet
            }
            HEAD.compareAndSet(this, h, next);
        }
    }

    /**
     * Takes up to {@code into.length} of the oldest elements at once (one claim of their indices),
     * stores them in {@code into} from index 0, oldest first, and returns how many; 0 if the queue
     * is empty. Lock-free. A batch comes from one segment; a segment boundary ends it early.
     */
    @SuppressWarnings("unchecked")
    int poll(E[] into) {
        if (into.length == 0) {
            throw new IllegalArgumentException("into must have room for an element");
        }
        int n = segmentSize;
        while (true) {
            Segment h = (Segment) HEAD.getVolatile(this);
            int d = (int) DEQ.getVolatile(h);
            int k = Math.min(Math.min((int) ENQ.getVolatile(h), n) - d, into.length);
            if (k <= 0) { // nothing offered here that no consumer claimed
                Segment next = (Segment) NEXT.getVolatile(h);
                if (next == null) {
                    return 0; // empty (or the next offer is linking a successor: as poll())
                }
                // a successor exists only once enq passed n, so k <= 0 means d >= n: drained
                HEAD.compareAndSet(this, h, next);
                continue;
            }
            // a CAS, not a getAndAdd: every index of [d, d + k) was claimed by a producer (enq only
            // grows), so a batch never burns an index nobody offered to
            if (!DEQ.compareAndSet(h, d, d + k)) {
                continue; // another consumer took some first
            }
            int got = 0;
            for (int i = d; i < d + k; i++) {
                Object x = take(h, i);
                if (x != null) {
                    into[got++] = (E) x;
                }
            }
            if (got > 0) {
                return got;
            }
            // every claimed slot was poisoned (producers preempted): they retry, so look again
        }
    }

    /**
     * Takes slot {@code i} of {@code h}, whose index this consumer claimed: its element, or null
     * after poisoning it when the producer has not stored within the wait. A claimed index has one
     * consumer and one producer (one CAS from null), so a slot seen full is this consumer's alone
     * and needs no atomic take: only the poison races the producer's store.
     */
    private Object take(Segment h, int i) {
        // its producer claimed the index before us and is a few instructions from its store: wait
        // for it a moment rather than poison the slot, which would send the producer to a new
        // index and use up segments faster
        Object x = SLOT.getVolatile(h.slots, i);
        for (int k = 0; k < storeWait && x == null; k++) {
            Rt.spinWait(); // a yield point under the testkit: lets the producer store
            x = SLOT.getVolatile(h.slots, i);
        }
        if (x != null) {
            SLOT.setOpaque(h.slots, i, TAKEN); // no retention; nobody else touches this slot now
            return x;
        }
        return SLOT.getAndSet(h.slots, i, TAKEN); // poison, unless the store came meanwhile
    }

    /**
     * Whether no element is queued or being offered; a snapshot, exact when nothing runs
     * concurrently (see the notes: an offer in progress counts as an element).
     */
    boolean isEmpty() {
        int n = segmentSize;
        Segment s = (Segment) HEAD.getVolatile(this);
        while (true) {
            int d = Math.min((int) DEQ.getVolatile(s), n);
            int e = Math.min((int) ENQ.getVolatile(s), n);
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
