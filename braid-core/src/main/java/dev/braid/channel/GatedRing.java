package dev.braid.channel;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A lock-free channel buffer whose two position counters carry a "slow" gate bit that {@link
 * ChannelCore} sets while it holds its lock and while anyone waits, so that the fast path and the
 * locked path never both move the same counter: {@link SlotRing} (bounded) and {@link SegmentRing}
 * (unbounded).
 */
abstract sealed class GatedRing extends RingHead permits SlotRing, SegmentRing {
    /*
     * Implementation notes
     *
     * The gate (ADR 0044, shared by both rings). Bit 62 (SLOW) of tail and of head says "the
     * locked path owns this counter". A fast operation CASes the whole word expecting the bit
     * clear, so one CAS both checks the gate and commits its reservation. ChannelCore sets the
     * bit on both counters (enterSlow) right after taking its lock and clears it (exitSlow) just
     * before releasing the lock unless the channel is closed or an entry waits in one of its
     * lists; while it is set only the lock holder moves the counters. SlotRing's notes give the
     * ordering argument; it does not depend on how a position maps to a slot, which is all the
     * two subclasses differ in.
     *
     * Padding. tail and head live in classes of a padded hierarchy (JCTools' layout trick) so
     * that a producer and a consumer do not share a cache line on the counters. Each counter's
     * line also holds the other side's cached position (headCache beside tail, tailCache beside
     * head), a plain hint that SlotRing uses to fail an offer or a poll with one read of the
     * other side's line instead of two.
     */

    /** The gate bit of both counters. */
    static final long SLOW = 1L << 62;

    static final int OK = 0;
    static final int FULL = 1;
    static final int GATED = 2;

    /** What {@link #poll()} returns when the gate is closed. */
    static final Object GATED_MARK = new Object();

    /**
     * The channel this ring buffers for: the testkit's traces name it at the yield point between a
     * reservation and its publication (see {@link #toString()}).
     */
    private final Object owner;

    GatedRing(Object owner) {
        this.owner = owner;
    }

    /**
     * Names the owning channel and the in-flight state, for the testkit's trace of the yield point
     * between a reservation and its publication (for example {@code step channel 'jobs' (slot in
     * flight)}).
     */
    @Override
    public final String toString() {
        return owner + " (slot in flight)";
    }

    // ---- fast path (no lock) ----

    /** Offers {@code x}: {@link #OK}, {@link #FULL}, or {@link #GATED} (take the lock). */
    abstract int offer(Object x);

    /** Takes the oldest element: it, null if empty, or {@link #GATED_MARK} (take the lock). */
    abstract Object poll();

    /** A racy size, for diagnostics. */
    abstract int approxSize();

    // ---- the gate ----

    /** Closes the gate on both counters (the caller holds the channel's lock). */
    final void enterSlow() {
        if (((long) TAIL.getVolatile(this) & SLOW) == 0) {
            TAIL.getAndBitwiseOr(this, SLOW);
        }
        if (((long) HEAD.getVolatile(this) & SLOW) == 0) {
            HEAD.getAndBitwiseOr(this, SLOW);
        }
    }

    /** Opens the gate again (the caller holds the lock and is about to release it). */
    final void exitSlow() {
        TAIL.getAndBitwiseAnd(this, ~SLOW);
        HEAD.getAndBitwiseAnd(this, ~SLOW);
    }

    /** The producers' position without the gate bit (exact under the lock, racy otherwise). */
    final long tailPos() {
        return (long) TAIL.getVolatile(this) & ~SLOW;
    }

    /** The consumers' position without the gate bit (exact under the lock, racy otherwise). */
    final long headPos() {
        return (long) HEAD.getVolatile(this) & ~SLOW;
    }

    /**
     * The exact size at one instant without the lock, or -1 if the gate is closed (then a locked
     * operation may be halfway through several moves, and the caller takes the lock). Reads head,
     * tail, head again: both counters only grow, so an unchanged head means the size was {@code
     * tail - head} when tail was read; an open gate on both reads means no locked operation was in
     * progress then (lock() closes the gate before its first move, unlock opens it after its last).
     */
    final int sizeIfOpen() {
        while (true) {
            long h = (long) HEAD.getVolatile(this);
            long t = (long) TAIL.getVolatile(this);
            if (((h | t) & SLOW) != 0) {
                return -1;
            }
            if ((long) HEAD.getVolatile(this) == h) {
                return (int) Math.min(Integer.MAX_VALUE, t - h);
            }
        }
    }

    // ---- locked primitives: the caller holds the lock with the gate closed ----

    /** The exact number of elements, counting reserved slots not yet published. */
    final int sizeLocked() {
        return (int) Math.min(Integer.MAX_VALUE, tailPos() - headPos());
    }

    /** Appends {@code x} if there is room; returns whether it did. */
    abstract boolean pushLocked(Object x);

    /** Removes and returns the oldest element, or null if there is none. */
    abstract Object popLocked();

    /** The element {@code k} places from the oldest ({@code k < sizeLocked()}), not removed. */
    abstract Object getLocked(int k);
}

/** Padding before the tail counter (see GatedRing's notes). */
abstract class RingPad0 {
    long p00, p01, p02, p03, p04, p05, p06, p07;
    long p08, p09, p10, p11, p12, p13, p14, p15;
}

/** The producers' counter. */
abstract class RingTail extends RingPad0 {
    static final VarHandle TAIL;

    static {
        try {
            TAIL = MethodHandles.lookup().findVarHandle(RingTail.class, "tail", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // accessed through TAIL
    private volatile long tail;

    /**
     * Producers' hint (plain, racy, on the tail's cache line): a consumers' position some producer
     * read; never above the real one, since head only grows. See SlotRing's notes.
     */
    long headCache;
}

/** Padding between the counters. */
abstract class RingPad1 extends RingTail {
    long p20, p21, p22, p23, p24, p25, p26, p27;
    long p28, p29, p30, p31, p32, p33, p34, p35;
}

/** The consumers' counter, then padding after it. */
abstract class RingHead extends RingPad1 {
    static final VarHandle HEAD;

    static {
        try {
            HEAD = MethodHandles.lookup().findVarHandle(RingHead.class, "head", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // accessed through HEAD
    private volatile long head;

    /**
     * Consumers' hint (plain, racy, on the head's cache line): a producers' position some consumer
     * read; never above the real one, since tail only grows. See SlotRing's notes.
     */
    long tailCache;

    long p40, p41, p42, p43, p44, p45, p46, p47;
    long p48, p49, p50, p51, p52, p53, p54, p55;
}
