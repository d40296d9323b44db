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
     * The ring waiter (ADR 0144). Bit 61 (PARKED) of tail says "one blocked plain recv waits in
     * this ring, its Waiter in the field waiter". A receiver that found the ring empty puts its
     * Waiter in the field (CAS null -> Waiter), then sets the bit by CAS t -> t|PARKED with t the
     * head it read: the CAS succeeds only while tail == head with the gate open, so the ring is
     * empty and nobody waits in the lists at that instant. Whoever clears the bit owns the Waiter
     * and then empties the field (getAndSet null): a fast producer, whose offer sees the bit and
     * answers RESUME (ChannelCore then clears it by CAS, claims the Waiter and hands it the
     * element: no lock, no buffer slot), or the lock holder, whose enterSlow sees the bit in the
     * value its RMW replaced and moves the Waiter into the receivers list (the only waiter, so
     * FIFO holds; after that the channel is the locked one it was). The waiter itself never
     * clears the bit: an owner that wins its abort takes the lock, which displaces it if it is
     * still here, and removes its entry. While the bit is set the field does not change, and the
     * field is non-null from before the bit is set until after it is cleared, so the clearer
     * always finds the Waiter the bit belongs to. The Dekker handshake of a receiver about to
     * park against a producer is the bit in the tail word: the receiver's CAS and the producer's
     * reservation CAS expect the same tail value and only one succeeds.
     *
     * Padding. tail and head live in classes of a padded hierarchy (JCTools' layout trick) so
     * that a producer and a consumer do not share a cache line on the counters. Each counter's
     * line also holds the other side's cached position (headCache beside tail, tailCache beside
     * head), a plain hint that SlotRing uses to fail an offer or a poll with one read of the
     * other side's line instead of two.
     */

    /** The gate bit of both counters. */
    static final long SLOW = 1L << 62;

    /** The ring-waiter bit of tail (ADR 0144): a receiver waits in {@code waiter}. */
    static final long PARKED = 1L << 61;

    /** Both flag bits: a counter's position is its value without them. */
    static final long FLAGS = SLOW | PARKED;

    /**
     * Whether a lone blocked receiver of an empty ring waits in it, for producers to resume without
     * the lock (ADR 0144); {@code -Dbraid.channel.ringWaiter=false} queues it under the lock as
     * before, for an A/B in one benchmark run.
     */
    static final boolean RING_WAITER =
            Boolean.parseBoolean(System.getProperty("braid.channel.ringWaiter", "true"));

    static final int OK = 0;
    static final int FULL = 1;
    static final int GATED = 2;

    /** What {@link #offer} returns when a receiver waits in the ring: see {@link #takeWaiter}. */
    static final int RESUME = 3;

    /** What {@link #install} returns when the ring is not empty now: poll again. */
    static final int RETRY = 4;

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

    /**
     * Offers {@code x}: {@link #OK}, {@link #FULL}, {@link #GATED} (take the lock), or {@link
     * #RESUME} (a receiver waits in the ring: {@link #takeWaiter}, then offer again if it left).
     */
    abstract int offer(Object x);

    /** Takes the oldest element: it, null if empty, or {@link #GATED_MARK} (take the lock). */
    abstract Object poll();

    /** A racy size, for diagnostics. */
    abstract int approxSize();

    // ---- the ring waiter (ADR 0144) ----

    /**
     * A blocked receiver that found the ring empty: installs {@code w} to wait in the ring. Returns
     * {@link #OK} (installed: wait on {@code w}; a producer or the lock holder takes it out),
     * {@link #RETRY} (the ring is not empty now: poll again) or {@link #GATED} (take the lock).
     */
    final int install(Waiter w) {
        if (!WAITER.compareAndSet(this, null, w)) {
            return GATED; // a waiter is here or being taken out: the locked path queues behind it
        }
        long h = (long) HEAD.getVolatile(this);
        long t = (long) TAIL.getVolatile(this);
        if (((h | t) & FLAGS) == 0 && t == h && TAIL.compareAndSet(this, t, t | PARKED)) {
            return OK; // tail == head at the CAS: empty, and the open gate: no list entry
        }
        WAITER.setRelease(this, null); // the bit was never set: nobody else reads the field
        return ((h | t) & SLOW) != 0 ? GATED : RETRY;
    }

    /**
     * A producer whose offer answered {@link #RESUME}: clears the bit and returns the Waiter that
     * waited in the ring, now the caller's to claim (or to drop, if its owner aborted); null if the
     * bit is gone (the caller offers again).
     */
    final Waiter takeWaiter() {
        long t = (long) TAIL.getVolatile(this);
        if ((t & FLAGS) != PARKED || !TAIL.compareAndSet(this, t, t & ~PARKED)) {
            return null;
        }
        return (Waiter) WAITER.getAndSet(this, null); // set before the bit: the bit's owner
    }

    /** Whether a receiver waits in the ring now (racy; diagnostics and tests). */
    final boolean hasWaiter() {
        return ((long) TAIL.getVolatile(this) & FLAGS) == PARKED;
    }

    // ---- the gate ----

    /**
     * Closes the gate on both counters (the caller holds the channel's lock) and returns the
     * receiver that waited in the ring, now the caller's to queue, or null.
     */
    final Waiter enterSlow() {
        long t = (long) TAIL.getVolatile(this);
        if ((t & SLOW) == 0) {
            t = (long) TAIL.getAndBitwiseOr(this, SLOW); // the RMW sees a bit set before it
        }
        if (((long) HEAD.getVolatile(this) & SLOW) == 0) {
            HEAD.getAndBitwiseOr(this, SLOW);
        }
        if ((t & PARKED) == 0) {
            return null; // set only with the gate open, cleared when it closes: not set now
        }
        TAIL.getAndBitwiseAnd(this, ~PARKED); // ours: every other clearing CAS expects SLOW clear
        return (Waiter) WAITER.getAndSet(this, null);
    }

    /** Opens the gate again (the caller holds the lock and is about to release it). */
    final void exitSlow() {
        TAIL.getAndBitwiseAnd(this, ~SLOW);
        HEAD.getAndBitwiseAnd(this, ~SLOW);
    }

    /** The producers' position without the flag bits (exact under the lock, racy otherwise). */
    final long tailPos() {
        return (long) TAIL.getVolatile(this) & ~FLAGS;
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
            t &= ~PARKED; // a receiver waiting in the ring: empty
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

    static final VarHandle WAITER;

    static {
        try {
            TAIL = MethodHandles.lookup().findVarHandle(RingTail.class, "tail", long.class);
            WAITER = MethodHandles.lookup().findVarHandle(RingTail.class, "waiter", Waiter.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // accessed through TAIL
    private volatile long tail;

    /**
     * The receiver that waits in the ring while tail's PARKED bit is set (ADR 0144; GatedRing's
     * notes): set by CAS before the bit, emptied by whoever clears it. On the tail's line, which
     * both the receiver's CAS and every producer's touch anyway.
     */
    @SuppressWarnings("unused") // accessed through WAITER
    private volatile Waiter waiter;

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
