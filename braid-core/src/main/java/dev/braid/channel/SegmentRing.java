package dev.braid.channel;

import dev.braid.internal.rt.Op;
import dev.braid.internal.rt.Rt;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The lock-free buffer of an unbounded channel: a linked list of fixed-size array segments
 * addressed by two position counters, with the same gate bit as {@link SlotRing} (see {@link
 * GatedRing}), so that {@link ChannelCore}'s locked path and the fast path never both move a
 * counter.
 */
final class SegmentRing extends GatedRing {
    /*
     * Implementation notes
     *
     * Algorithm. The segment-and-counters idea of N. Koval, D. Alistarh and R. Elizarov, "Fast and
     * Scalable Channels in Kotlin Coroutines" (PPoPP 2023), reduced to a buffer (no waiters in
     * the cells: waiting stays in ChannelCore's locked lists): position p (a 62-bit counter)
     * lives in cell p mod S of segment p / S, S being a power of two. Segments form a singly
     * linked list in position order; a segment is created on demand by whoever first needs it
     * (producer or consumer) and linked by one CAS on its predecessor's `next`, the loser of the
     * CAS adopting the winner's segment. A cell is null (not yet published) or the element
     * (elements are never null: the channel rejects them). Segments are never reused, so no
     * cell ever needs a sequence number: every cell is written once and read once.
     *
     *   send: t = tail (gate bit clear, else GATED); s = tailSeg; CAS tail t -> t+1 (this both
     *         checks the gate and reserves position t); find segment t / S from s; store the
     *         element with release. An unbounded ring is never full.
     *   recv: h = head (gate bit clear, else GATED_MARK); if tail <= h: empty. s = headSeg;
     *         CAS head h -> h+1; find segment h / S from s; wait until the cell is non-null
     *         (acquire: a producer reserved it, it is about to publish); clear the cell.
     *
     * Finding a segment. tailSeg and headSeg are hints that only move forward, each to the
     * segment of a position some producer (consumer) had reserved. A producer reads tailSeg
     * before its CAS on tail: every position reserved before that CAS is < t, so the hint is at
     * or before segment t / S and the walk forward along `next` reaches it (the reads are
     * volatile, so the hint cannot come from a producer whose CAS follows ours). The same holds
     * for consumers with headSeg. After the walk the walker moves its hint forward by CAS.
     *
     * Garbage. Nothing points back: a segment behind both hints is unreachable and collected
     * (no recycling; one Object[S] per S elements, no per-element allocation). A consumer
     * clears its cell, so a long-lived segment does not retain taken elements. A lagging
     * tailSeg (a producer preempted before moving it) retains a few segments for a while.
     *
     * The gate and in-flight cells are exactly SlotRing's: the locked primitives (push, pop,
     * get by the lock holder with the gate closed) wait for a cell reserved before the gate
     * closed to be published, and a fast consumer that has reserved a position waits for its
     * producer rather than report empty. Under the testkit a yield point sits between the
     * reservation and the publication.
     *
     * Memory ordering. The element and everything written before send happen-before the
     * release store of the cell, which the consumer reads with acquire before returning it.
     * A segment's array is published by the CAS that links it (a volatile write) and read
     * through volatile reads of `next` and of the hints.
     *
     * Size. -Dbraid.channel.segment=2 shrinks segments (rounded up to a power of two, at least
     * 2) so that stress and Lincheck runs cross segment boundaries all the time.
     *
     * References. N. Koval, D. Alistarh, R. Elizarov, PPoPP 2023 (segments addressed by global
     * counters, created on demand and found from a forward-moving pointer); D. Vyukov's
     * bounded MPMC queue (reserve by CAS, then publish per cell); ADR 0044 (the gate), ADR 0057.
     */

    /** Cells per segment, a power of two; {@code -Dbraid.channel.segment} shrinks it. */
    static final int SEGMENT = segmentSize(Integer.getInteger("braid.channel.segment", 256));

    private static final int SHIFT = Integer.numberOfTrailingZeros(SEGMENT);
    private static final int MASK = SEGMENT - 1;

    private static final VarHandle CELL = MethodHandles.arrayElementVarHandle(Object[].class);
    private static final VarHandle NEXT;
    private static final VarHandle TAIL_SEG;
    private static final VarHandle HEAD_SEG;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            NEXT = l.findVarHandle(Segment.class, "next", Segment.class);
            TAIL_SEG = l.findVarHandle(SegmentRing.class, "tailSeg", Segment.class);
            HEAD_SEG = l.findVarHandle(SegmentRing.class, "headSeg", Segment.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A hint: the segment of a position some producer reserved; only moves forward. */
    @SuppressWarnings("unused") // accessed through TAIL_SEG
    private volatile Segment tailSeg;

    /** A hint: the segment of a position some consumer reserved; only moves forward. */
    @SuppressWarnings("unused") // accessed through HEAD_SEG
    private volatile Segment headSeg;

    SegmentRing(Object owner) {
        super(owner);
        Segment first = new Segment(0);
        tailSeg = first;
        headSeg = first;
    }

    static int segmentSize(int requested) {
        if (requested < 2) {
            return 2;
        }
        if (requested > 1 << 20) {
            return 1 << 20;
        }
        return Integer.bitCount(requested) == 1 ? requested : Integer.highestOneBit(requested) << 1;
    }

    // ---- fast path (no lock) ----

    @Override
    int offer(Object x) {
        while (true) {
            long t = (long) TAIL.getVolatile(this);
            if ((t & FLAGS) != 0) {
                return (t & SLOW) != 0 ? GATED : RESUME; // RESUME: a receiver waits (ADR 0144)
            }
            Segment s = (Segment) TAIL_SEG.getVolatile(this); // read before the CAS: see notes
            if (TAIL.compareAndSet(this, t, t + 1)) {
                Rt.yieldPoint(Op.OTHER, this); // the testkit explores the in-flight cell
                publish(s, t, x);
                return OK;
            }
        }
    }

    @Override
    Object poll() {
        while (true) {
            long h = (long) HEAD.getVolatile(this);
            if ((h & SLOW) != 0) {
                return GATED_MARK;
            }
            if (tailPos() <= h) {
                return null;
            }
            Segment s = (Segment) HEAD_SEG.getVolatile(this); // read before the CAS: see notes
            if (HEAD.compareAndSet(this, h, h + 1)) {
                Rt.yieldPoint(Op.OTHER, this); // the testkit explores the in-flight cell
                return take(s, h);
            }
        }
    }

    @Override
    int approxSize() {
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, tailPos() - headPos()));
    }

    // ---- locked primitives: the caller holds the lock with the gate closed ----

    @Override
    boolean pushLocked(Object x) {
        long t = tailPos();
        publish((Segment) TAIL_SEG.getVolatile(this), t, x);
        TAIL.setVolatile(this, (t + 1) | SLOW);
        return true;
    }

    @Override
    Object popLocked() {
        long h = headPos();
        if (tailPos() == h) {
            return null;
        }
        Object x = take((Segment) HEAD_SEG.getVolatile(this), h);
        HEAD.setVolatile(this, (h + 1) | SLOW);
        return x;
    }

    @Override
    Object getLocked(int k) {
        long p = headPos() + k;
        Segment s = find((Segment) HEAD_SEG.getVolatile(this), p >>> SHIFT);
        return awaitPublished(s, (int) (p & MASK));
    }

    // ---- cells and segments ----

    /** Stores {@code x} at reserved position {@code t}, searching from hint {@code s}. */
    private void publish(Segment s, long t, Object x) {
        Segment seg = find(s, t >>> SHIFT);
        CELL.setRelease(seg.cells, (int) (t & MASK), x); // release: publishes the element
        advance(TAIL_SEG, s, seg);
    }

    /** Takes the element at reserved position {@code h}, searching from hint {@code s}. */
    private Object take(Segment s, long h) {
        Segment seg = find(s, h >>> SHIFT);
        int i = (int) (h & MASK);
        Object x = awaitPublished(seg, i);
        seg.cells[i] = null; // only this consumer reads the cell: a plain store for the GC
        advance(HEAD_SEG, s, seg);
        return x;
    }

    private static Object awaitPublished(Segment seg, int i) {
        Object x;
        while ((x = CELL.getAcquire(seg.cells, i)) == null) {
            Rt.spinWait(); // a producer reserved this cell and is about to publish it
        }
        return x;
    }

    /** The segment with {@code id}, walking (and creating) forward from {@code s}. */
    private static Segment find(Segment s, long id) {
        while (s.id < id) {
            Segment n = (Segment) NEXT.getVolatile(s);
            if (n == null) {
                Segment made = new Segment(s.id + 1);
                n = (Segment) NEXT.compareAndExchange(s, null, made);
                if (n == null) {
                    n = made;
                }
            }
            s = n;
        }
        return s;
    }

    /** Moves the hint from {@code from} forward to {@code to} unless someone moved it already. */
    private void advance(VarHandle hint, Segment from, Segment to) {
        if (to != from) {
            Segment cur = from;
            while (cur.id < to.id) {
                Segment seen = (Segment) hint.compareAndExchange(this, cur, to);
                if (seen == cur) {
                    return;
                }
                cur = seen;
            }
        }
    }

    /** {@code SEGMENT} cells for positions {@code id * SEGMENT ..}, and the link to the next. */
    static final class Segment {
        final long id;
        final Object[] cells = new Object[SEGMENT];

        @SuppressWarnings("unused") // accessed through NEXT
        private volatile Segment next;

        Segment(long id) {
            this.id = id;
        }
    }
}
