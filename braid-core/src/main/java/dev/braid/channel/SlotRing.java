package dev.braid.channel;

import dev.braid.internal.rt.Op;
import dev.braid.internal.rt.Rt;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The lock-free buffer of a bounded {@link Overflow#BLOCK} channel: a bounded MPMC array queue with
 * per-slot sequence numbers, whose two counters carry a "slow" gate bit that {@link ChannelCore}
 * sets while it holds its lock and while anyone waits, so that the fast path and the locked path
 * never both move the same counter.
 */
final class SlotRing extends GatedRing {
    /*
     * Implementation notes
     *
     * Algorithm. D. Vyukov's bounded MPMC queue (1024cores, "Bounded MPMC queue"): slot i has a
     * sequence number seq[i]; position p (a 62-bit counter) lives in slot p mod len. A producer
     * at tail t may write slot t mod len when seq == t: it reserves the position by CAS tail
     * t -> t+1, writes the element, then publishes seq = t+1 (release). A consumer at head h may
     * take the slot when seq == h+1: CAS head h -> h+1, read and clear the element, then free the
     * slot for the next lap with seq = h+len (release), len being the number of slots. The
     * capacity need not be a power of two (the index is then a remainder, not a mask). The
     * algorithm needs len >= 2 (with one slot, "published for position p" and "freed for
     * position p+1" are the same number, and a second producer would overwrite an element not
     * yet taken), so capacity 1 gets two slots and its producers also check head.
     *
     * The gate. Bit 62 (SLOW) of tail and of head says "the locked path owns this counter". A
     * fast operation CASes the whole word expecting the bit clear, so one CAS both checks the
     * gate and commits the reservation: a fast op either reserved before the bit was set (and
     * the counter value the lock holder reads counts it) or fails and sees the bit (GATED: the
     * caller takes the lock). While the bit is set only the lock holder moves the counter, with
     * plain volatile stores that keep the bit. ChannelCore sets the bit on both counters
     * (enterSlow) after taking its lock, and clears it (exitSlow) before releasing the lock
     * unless the channel is closed or an entry waits in one of its lists. So every locked
     * decision ("empty: queue a receiver", "full: queue a sender", "closed and drained") is made
     * on exact counters, and a fast op can never run past a queued waiter: the lost wake-up of
     * a lock-free push racing a receiver about to park cannot happen, because the receiver
     * queues itself only with the producers' counter closed to them. This is the Dekker
     * handshake (waiter writes "present", then re-reads the buffer; producer writes the buffer,
     * then reads "present") folded into one word: the CAS on tail is both the producer's buffer
     * write and its read of the flag, and the lock holder's getAndBitwiseOr is both its flag
     * write and its read of tail, so one of them sees the other in the total order of RMWs on
     * that word.
     *
     * In flight. A fast op that reserved before the gate closed may not have published its slot
     * yet (between its CAS and its release store, a few plain instructions). The locked
     * primitives wait for it (spin on seq), so the size tail - head is exact under the lock; a
     * fast consumer that finds a reserved but unpublished slot also waits rather than report
     * empty (returning empty there would not be linearizable once a later producer returned).
     * Under the testkit, a yield point sits between reservation and publication so that
     * exploration covers these states.
     *
     * Cached counters. A failed fast op used to read two lines the other side writes: the
     * slot's seq, then the other counter. In a 1P1C run most calls fail (on two cores the
     * queue swings between full and empty), and each of those reads pulls a line away from the
     * side that is making progress. So a producer keeps headCache and a consumer keeps
     * tailCache (FastFlow's and JCTools' SPSC "limit" idea, here in an MPMC queue): while
     * t - headCache < cap (h < tailCache) the op goes straight to the slot as before; otherwise
     * it reads the other counter once and, if that confirms full (empty), fails without reading
     * the slot, else refreshes the hint. The hints are plain fields, racy and written by any
     * producer (consumer); nothing depends on them being fresh or even exact. A full (empty)
     * answer is only ever given on a fresh volatile read of the other counter, by the original
     * path's argument: both counters only grow, so a producer that read t and then h saw a size
     * of at least t - h at the moment it read h (a consumer that read h and then t, at most
     * t - h at the moment it read t). A hint that lets an op through sends it down the
     * original path, which re-checks everything on the slot's seq.
     *
     * Which line a poll reads first (ADR 0082). A consumer that trails its producer closely (a
     * burst to a spinning consumer: the queue holds 0-2 elements) uses up its tail hint on every
     * element; reading tail first then costs a miss on the line the producer CASes for every
     * element, and the producer's next CAS a miss back. So a poll whose hint is used up reads the
     * slot's seq first when the previous poll found an element (the slot is then usually
     * published, and the poll never touches tail: the order of Vyukov's and JCTools' poll), and
     * reads tail first when the previous poll missed (a consumer spinning on an empty ring keeps
     * ADR 0074's one-line miss). The mode is tailCache's sign: a missing poll stores -1 ("the
     * last poll missed", still never above the real tail), a read of tail that finds elements
     * stores it as usual. Answers do not depend on the mode: empty is still only answered on a
     * fresh read of tail. -Dbraid.channel.pollTrail=false restores the tail-first poll.
     *
     * First try (ADR 0100). offer and poll begin with one small attempt of the common case (gate
     * open, the hint says there is room or an element, the slot's seq is the expected one: CAS,
     * then the slot) and otherwise call the loop, which starts over with a fresh read of its
     * counter. The attempt is a prefix of one loop iteration (same reads, same CAS), so answers
     * and ordering are the loop's; it exists so that the code C2 inlines into a caller is a few
     * dozen instructions and the loop stays out of line. -Dbraid.channel.ringFirstTry=false
     * goes straight to the loop.
     *
     * Miss pause (ADR 0092, an experiment, off by default). With -Dbraid.channel.missPause=N a
     * fast op that answers full (empty) after its fresh read of head (tail) first pauses N
     * spin-waits, so that a caller spinning on trySend/tryRecv does not pull the other side's
     * counter line away after every element that side moves; answers are unchanged (the pause
     * comes after the read that justifies them), only their latency grows.
     *
     * Memory ordering. Element writes happen-before the release store of seq, which the
     * consumer reads with acquire before reading the element: send happens-before the recv
     * that returns the element. The locked primitives publish the same way; clearing the gate
     * (a volatile RMW) orders them before any later fast op.
     *
     * Padding. tail and head live in classes of a padded hierarchy (JCTools' layout trick, in
     * GatedRing.java, shared with the unbounded SegmentRing) so that a producer and a consumer
     * do not share a cache line on the counters.
     *
     * References. D. Vyukov, "Bounded MPMC queue", 1024cores.net; the gate bit in the counter
     * follows the "closed bit in the tail" of crossbeam-channel's array flavor (its mark_bit).
     */

    private static final VarHandle SEQ = MethodHandles.arrayElementVarHandle(long[].class);

    /**
     * Whether offer and poll consult the cached counters first (see the notes); {@code
     * -Dbraid.channel.ringCache=false} turns it off, for an A/B in one benchmark run.
     */
    static final boolean CACHE =
            Boolean.parseBoolean(System.getProperty("braid.channel.ringCache", "true"));

    /**
     * Whether a poll whose tail hint is used up looks at its slot before the producers' counter
     * when the previous poll found an element (ADR 0082); {@code -Dbraid.channel.pollTrail=false}
     * restores ADR 0074's tail-first poll, for an A/B in one benchmark run.
     */
    static final boolean TRAIL =
            Boolean.parseBoolean(System.getProperty("braid.channel.pollTrail", "true"));

    /**
     * Pauses ({@code Thread.onSpinWait()}) before a fast offer answers full or a fast poll answers
     * empty after a fresh read of the other side's counter (ADR 0092, an experiment): a caller
     * spinning on trySend/tryRecv then reads the other side's line less often, so that side can
     * move a cache line's worth of slots before the two meet again ({@code Rt.spinWait()}). {@code
     * -Dbraid.channel.missPause=N}; 0 (the default) pauses never. No pause under the testkit.
     */
    static final int MISS_PAUSE = Math.max(0, Integer.getInteger("braid.channel.missPause", 0));

    /**
     * Whether offer and poll make one small first attempt before Vyukov's loop (ADR 0100); {@code
     * -Dbraid.channel.ringFirstTry=false} goes straight to the loop, for an A/B in one benchmark
     * run. Answers do not depend on it: the first attempt is a prefix of one loop iteration.
     */
    static final boolean FIRST_TRY =
            Boolean.parseBoolean(System.getProperty("braid.channel.ringFirstTry", "true"));

    private final Object[] items;
    private final long[] seqs;
    private final int cap;
    private final int len;
    private final int mask;

    SlotRing(int capacity, Object owner) {
        super(owner);
        this.cap = capacity;
        this.len = Math.max(2, capacity);
        this.items = new Object[len];
        this.seqs = new long[len];
        for (int i = 0; i < len; i++) {
            seqs[i] = i;
        }
        this.mask = Integer.bitCount(len) == 1 ? len - 1 : -1;
        VarHandle.releaseFence(); // the seqs are published with the channel
    }

    private int index(long p) {
        return mask >= 0 ? (int) (p & mask) : (int) (p % len);
    }

    // ---- fast path (no lock) ----

    /**
     * Offers {@code x}: {@link #OK}, {@link #FULL}, or {@link #GATED}. The first attempt of the
     * common case (gate open, room known from the hint, slot free) is kept small so that C2 inlines
     * it into the caller; every other case goes to {@link #offerLoop}, which starts over.
     */
    @Override
    int offer(Object x) {
        long t = (long) TAIL.getVolatile(this);
        if (FIRST_TRY && (t & FLAGS) == 0 && (!CACHE || t - headCache < cap) && cap == len) {
            int i = index(t);
            if ((long) SEQ.getAcquire(seqs, i) == t && TAIL.compareAndSet(this, t, t + 1)) {
                fill(i, t, x);
                return OK;
            }
        }
        return offerLoop(x);
    }

    /** Vyukov's offer loop with the gate and the cached head (see the notes). */
    private int offerLoop(Object x) {
        long t = (long) TAIL.getVolatile(this);
        while (true) {
            if ((t & FLAGS) != 0) {
                return (t & SLOW) != 0 ? GATED : RESUME; // RESUME: a receiver waits (ADR 0144)
            }
            if (CACHE && t - headCache >= cap) { // full as far as we know: look at head once
                long h = (long) HEAD.getVolatile(this) & ~SLOW;
                if (t - h >= cap) {
                    missPause();
                    return FULL; // without touching the slot's line
                }
                headCache = h;
            }
            int i = index(t);
            long d = (long) SEQ.getAcquire(seqs, i) - t;
            if (d == 0 && cap < len && t - ((long) HEAD.getVolatile(this) & ~SLOW) >= cap) {
                return FULL; // capacity 1: the other slot is free, but the element is not taken
            }
            if (d == 0) {
                if (TAIL.compareAndSet(this, t, t + 1)) {
                    fill(i, t, x);
                    return OK;
                }
            } else if (d < 0) {
                long h = (long) HEAD.getVolatile(this) & ~SLOW;
                if (t - h >= cap) {
                    return FULL;
                }
                Rt.spinWait(); // a consumer reserved the slot and is about to free it
            }
            t = (long) TAIL.getVolatile(this);
        }
    }

    /**
     * Takes the oldest element: it, null if empty, or {@link #GATED_MARK} (take the lock). The
     * first attempt of the common case (gate open, an element known from the hint or, in trailing
     * mode, seen in its slot) is kept small so that C2 inlines it into the caller; every other case
     * goes to {@link #pollLoop}, which starts over.
     */
    @Override
    Object poll() {
        long h = (long) HEAD.getVolatile(this);
        if (FIRST_TRY && (h & SLOW) == 0 && (!CACHE || h < tailCache || TRAIL && tailCache >= 0)) {
            int i = index(h);
            if ((long) SEQ.getAcquire(seqs, i) == h + 1 && HEAD.compareAndSet(this, h, h + 1)) {
                return take(i, h);
            }
        }
        return pollLoop();
    }

    /** Vyukov's poll loop with the gate, the cached tail and the trailing mode (see the notes). */
    private Object pollLoop() {
        long h = (long) HEAD.getVolatile(this);
        while (true) {
            if ((h & SLOW) != 0) {
                return GATED_MARK;
            }
            int i = index(h);
            if (CACHE
                    && h >= tailCache // no element known to be there: tail or the slot first?
                    && (!TRAIL || tailCache < 0 || (long) SEQ.getAcquire(seqs, i) != h + 1)) {
                long t = (long) TAIL.getVolatile(this) & ~FLAGS;
                if (t <= h) {
                    if (TRAIL && tailCache >= 0) {
                        tailCache = -1; // "the last poll missed": read only tail while empty
                    }
                    missPause();
                    return null; // after one read of the producers' line
                }
                tailCache = t;
            }
            long d = (long) SEQ.getAcquire(seqs, i) - (h + 1);
            if (d == 0) {
                if (HEAD.compareAndSet(this, h, h + 1)) {
                    return take(i, h);
                }
            } else if (d < 0) {
                long t = (long) TAIL.getVolatile(this) & ~FLAGS;
                if (t <= h) {
                    return null;
                }
                Rt.spinWait(); // a producer reserved the slot and is about to publish it
            }
            h = (long) HEAD.getVolatile(this);
        }
    }

    /** Writes {@code x} into slot {@code i}, reserved for position {@code t}, and publishes it. */
    private void fill(int i, long t, Object x) {
        Rt.yieldPoint(Op.OTHER, this); // the testkit explores the in-flight slot
        items[i] = x;
        SEQ.setRelease(seqs, i, t + 1); // release: publishes the element
    }

    /**
     * Empties slot {@code i}, reserved for position {@code h}, frees it and returns its element.
     */
    private Object take(int i, long h) {
        Rt.yieldPoint(Op.OTHER, this); // the testkit explores the in-flight slot
        Object x = items[i];
        items[i] = null;
        SEQ.setRelease(seqs, i, h + len); // release: frees the slot for the next lap
        return x;
    }

    /** The pause of {@link #MISS_PAUSE}, outside the testkit; folds away when it is 0. */
    private static void missPause() {
        if (MISS_PAUSE > 0 && Rt.sim() == null) {
            for (int k = 0; k < MISS_PAUSE; k++) {
                Rt.spinWait();
            }
        }
    }

    @Override
    int approxSize() {
        return (int) Math.max(0, Math.min(cap, tailPos() - headPos()));
    }

    // ---- locked primitives: the caller holds the lock with the gate closed ----

    /** Appends {@code x} if there is room; returns whether it did. */
    @Override
    boolean pushLocked(Object x) {
        long t = tailPos();
        if (t - headPos() >= cap) {
            return false;
        }
        int i = index(t);
        while ((long) SEQ.getAcquire(seqs, i) != t) {
            Rt.spinWait(); // a fast consumer that reserved this slot has not freed it yet
        }
        items[i] = x;
        SEQ.setRelease(seqs, i, t + 1);
        TAIL.setVolatile(this, (t + 1) | SLOW);
        return true;
    }

    /** Removes and returns the oldest element, or null if there is none. */
    @Override
    Object popLocked() {
        long h = headPos();
        if (tailPos() == h) {
            return null;
        }
        int i = awaitPublished(h);
        Object x = items[i];
        items[i] = null;
        SEQ.setRelease(seqs, i, h + len);
        HEAD.setVolatile(this, (h + 1) | SLOW);
        return x;
    }

    /** The element {@code k} places from the oldest ({@code k < sizeLocked()}), not removed. */
    @Override
    Object getLocked(int k) {
        return items[awaitPublished(headPos() + k)];
    }

    private int awaitPublished(long p) {
        int i = index(p);
        while ((long) SEQ.getAcquire(seqs, i) != p + 1) {
            Rt.spinWait(); // a fast producer that reserved this slot has not published it yet
        }
        return i;
    }
}
