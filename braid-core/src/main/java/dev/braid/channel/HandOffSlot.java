package dev.braid.channel;

import dev.braid.internal.rt.Op;
import dev.braid.internal.rt.Rt;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The lock-free waiter slot of a rendezvous channel (ADR 0112): one blocked {@code send} or {@code
 * recv} may wait here instead of in the channel's locked wait lists, and its counterpart meets it
 * with one CAS on the slot and the usual claim of its {@link Waiter}, without the lock.
 */
final class HandOffSlot {
    /*
     * Implementation notes
     *
     * Algorithm. An Exchanger-like single slot in front of ChannelCore's locked rendezvous. The
     * word holds null (open, nobody waits), one Entry (a blocked plain send or recv waits in it),
     * or GATE (the locked path owns the channel). A blocking send or recv of a capacity-0
     * channel first reads the word: an Entry of the opposite direction is taken out by CAS
     * Entry -> null and then claimed like any queued entry (Waiter.tryClaim, complete, wake); a
     * null is replaced by the caller's own Entry by CAS null -> Entry, and the caller waits on
     * its Waiter as a queued waiter does. An Entry of the same direction or GATE sends the caller
     * to the locked path.
     *
     * The gate (the same idea as GatedRing's, ADR 0044). LockedCore.lock() swaps in GATE right
     * after taking the lock and appends a displaced Entry to its list; unlockAndWake() reopens
     * the slot (GATE -> null) just before releasing the lock only if the channel is open and all
     * three lists are empty. So an Entry is in the slot only while every list is empty: the slot's
     * waiter is the channel's only waiter, FIFO order is kept, and everything under the lock
     * (select registration, readers, close, counts, the collection views) sees exactly the state
     * it saw before this class existed. After close the gate stays shut.
     *
     * Ownership. An Entry is in exactly one place: the slot, a list, or in the hands of the one
     * thread whose CAS took it out of the slot. A taker whose claim fails (the owner aborted)
     * drops it; an owner that wins its abort withdraws it (CAS Entry -> null), and if that CAS
     * fails it unregisters under the lock as any queued waiter does (remove is a no-op for an
     * entry that is in no list). Entries in the slot are never linked (queued stays false).
     *
     * Memory ordering. The CAS that installs an Entry publishes its final fields (waiter, item);
     * the taker's volatile read acquires them. The element and SENT are published by the
     * Waiter's release of SELECTED as on the locked path. GATE is swapped in by a volatile RMW
     * under the lock, so a fast CAS either precedes it (its Entry is displaced into a list) or
     * fails.
     *
     * Liveness. Lock-free on the slot: a failed CAS means another operation made progress. A
     * waiter waits exactly as a queued one does (spin, yield, announce, park; ADR 0083/0090/0091).
     *
     * Tradeoffs. Only plain blocking send/recv use the slot; select clauses, wakers and the try
     * forms take the lock, which gates the slot. Every lock() of a rendezvous pays one more RMW.
     * With several waiters in one direction the channel is the locked one it was.
     *
     * References. W. N. Scherer III, D. Lea, M. L. Scott, "A Scalable Elimination-based Exchange
     * Channel" (SCOOL 2005; the slot of java.util.concurrent.Exchanger); W. N. Scherer III,
     * M. L. Scott, "Nonblocking Concurrent Data Structures with Condition Synchronization"
     * (DISC 2004; dual data structures, a waiting request as a data item).
     */

    /**
     * Whether rendezvous channels use the slot; {@code -Dbraid.channel.handOffSlot=false} restores
     * the locked-only rendezvous, for an A/B in one benchmark run.
     */
    static final boolean ENABLED =
            Boolean.parseBoolean(System.getProperty("braid.channel.handOffSlot", "true"));

    /** The word's value while the locked path owns the channel. */
    private static final Entry GATE = new Entry(null, 0, null);

    private static final VarHandle WORD;

    static {
        try {
            WORD = MethodHandles.lookup().findVarHandle(HandOffSlot.class, "word", Entry.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // accessed through WORD
    private volatile Entry word;

    /** The channel: its partner hint, and the testkit's trace at the yield point after a take. */
    private final LockedCore<?> owner;

    /** Starts open (null): a new channel has no waiter and nothing in its lists. */
    HandOffSlot(LockedCore<?> owner) {
        this.owner = owner;
    }

    /** What {@link #meet} returns when the caller must take the lock. */
    static final Object LOCKED = LockedCore.marker("LOCKED");

    /** What {@link #meet} returns when the slot is open and the caller passed no Entry. */
    static final Object VACANT = LockedCore.marker("VACANT");

    /**
     * One fast attempt of a blocking operation: hands {@code x} to a waiting receiver (a send,
     * {@code x} non-null) or takes a waiting sender's element (a receive, {@code x} null), or
     * installs {@code mine} to wait. Returns {@link LockedCore#SENT} for a completed send, the
     * element for a completed receive, {@code mine} once installed (the caller waits on it), {@link
     * #VACANT} if the slot is open and {@code mine} is null (the caller allocates its Entry only
     * now and calls again), or {@link #LOCKED}: the caller takes the locked path.
     */
    Object meet(Object x, Entry mine) {
        boolean send = x != null;
        while (true) {
            Entry e = (Entry) WORD.getVolatile(this); // acquire: the installer's Entry fields
            if (e == null) {
                if (mine == null) {
                    return VACANT;
                }
                if (WORD.compareAndSet(this, null, mine)) {
                    return mine; // release: publishes mine's fields to the taker
                }
                continue;
            }
            if (e == GATE || (e.item != null) == send) {
                return LOCKED; // the lock owns the channel, or a same-direction waiter is first
            }
            if (!WORD.compareAndSet(this, e, null)) {
                continue;
            }
            Rt.yieldPoint(Op.OTHER, this); // the testkit explores the taken, unclaimed entry
            Waiter w = e.waiter;
            if (w.tryClaim()) {
                owner.noteClaimed(w);
                w.complete(e.clause, send ? x : LockedCore.SENT);
                w.wake();
                return send ? LockedCore.SENT : e.item;
            }
            // the owner aborted (timeout, interrupt, cancelled scope): the entry is dropped
        }
    }

    /** The owner, after winning its abort: takes {@code mine} out if it is still here. */
    boolean withdraw(Entry mine) {
        return WORD.compareAndSet(this, mine, null);
    }

    /** Under the lock: shuts the slot; returns the Entry that waited in it, or null. */
    Entry gate() {
        Entry e = (Entry) WORD.getVolatile(this);
        if (e == GATE) {
            return null; // only the lock holder reopens, so it stays shut
        }
        e = (Entry) WORD.getAndSet(this, GATE); // an RMW: a racing fast CAS lands before or fails
        return e;
    }

    /** Under the lock, just before its release: reopens the slot (nobody waits, channel open). */
    void open() {
        WORD.setRelease(this, null); // release: the lock holder's edits precede any fast meet
    }

    /** Whether an Entry waits in the slot now (racy; diagnostics). */
    boolean occupied() {
        Entry e = (Entry) WORD.getVolatile(this);
        return e != null && e != GATE;
    }

    @Override
    public String toString() {
        return owner + " (hand-off in flight)";
    }
}
