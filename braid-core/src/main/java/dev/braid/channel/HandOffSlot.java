package dev.braid.channel;

import dev.braid.internal.rt.Op;
import dev.braid.internal.rt.Rt;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The lock-free waiter slot of a rendezvous channel (ADR 0112): one blocked {@code send} or {@code
 * recv} may wait here instead of in the channel's locked wait lists, and its counterpart meets it
 * with one CAS on the slot and the usual claim of its {@link Waiter}, without the lock. The slot
 * holds the waiter itself, with the element a sender offers in its {@link Waiter#item} (ADR 0123).
 */
final class HandOffSlot {
    /*
     * Implementation notes
     *
     * Algorithm. An Exchanger-like single slot in front of ChannelCore's locked rendezvous. The
     * word holds null (open, nobody waits), one Waiter (a blocked plain send or recv waits in
     * it; a sender's element is in its item until the claimer overwrites it with SENT), or GATE
     * (the locked path owns the channel). A blocking send or recv of a capacity-0 channel first
     * reads the word: a Waiter of the opposite direction is taken out by CAS Waiter -> null and
     * then claimed like any queued waiter (tryClaim, complete, wake); a null is replaced by the
     * caller's own Waiter by CAS null -> Waiter, and the caller waits on it as a queued waiter
     * does. A Waiter of the same direction or GATE sends the caller to the locked path. The slot
     * holds no Entry (ADR 0123): the claimer reads one object, the owner allocates one.
     *
     * The gate (the same idea as GatedRing's, ADR 0044). LockedCore.lock() swaps in GATE right
     * after taking the lock and appends an Entry for a displaced Waiter to its list (made then,
     * with the offered element); unlockAndWake() reopens the slot (GATE -> null) just before
     * releasing the lock only if the channel is open and all three lists are empty. So a Waiter
     * is in the slot only while every list is empty: the slot's
     * waiter is the channel's only waiter, FIFO order is kept, and everything under the lock
     * (select registration, readers, close, counts, the collection views) sees exactly the state
     * it saw before this class existed. After close the gate stays shut.
     *
     * Ownership. A slot Waiter is in exactly one place: the slot, a list (through the Entry the
     * lock made for it), or in the hands of the one thread whose CAS took it out of the slot. A
     * taker whose claim fails (the owner aborted) drops it; an owner that wins its abort
     * withdraws it (CAS Waiter -> null), and if that CAS fails it takes its Entry out of the list
     * under the lock (found by a scan for its waiter; none found: it was taken and dropped). Its
     * direction (item non-null: a sender) is read before the taker's CAS: a stale read can only
     * send a caller to the locked path or fail that CAS, since a Waiter is installed once.
     *
     * Memory ordering. The CAS that installs a Waiter publishes its fields (thread, the offered
     * item); the taker's volatile read acquires them. The element and SENT are published by the
     * Waiter's release of SELECTED as on the locked path. GATE is swapped in by a volatile RMW
     * under the lock, so a fast CAS either precedes it (its Waiter is displaced into a list) or
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
    private static final Waiter GATE = new Waiter(null, null);

    private static final VarHandle WORD;

    static {
        try {
            WORD = MethodHandles.lookup().findVarHandle(HandOffSlot.class, "word", Waiter.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // accessed through WORD
    private volatile Waiter word;

    /** The channel: its partner hint, and the testkit's trace at the yield point after a take. */
    private final LockedCore<?> owner;

    /** Starts open (null): a new channel has no waiter and nothing in its lists. */
    HandOffSlot(LockedCore<?> owner) {
        this.owner = owner;
    }

    /** What {@link #meet} returns when the caller must take the lock. */
    static final Object LOCKED = LockedCore.marker("LOCKED");

    /** What {@link #meet} returns when the slot is open and the caller passed no Waiter. */
    static final Object VACANT = LockedCore.marker("VACANT");

    /**
     * The waiter of a blocking {@code send} of {@code x} (non-null) or of a {@code recv} ({@code x}
     * null) by the calling thread, to install with {@link #meet}: the element rides in its {@link
     * Waiter#item} until a claimer completes it (ADR 0123).
     */
    static Waiter waiterFor(Object x) {
        Waiter w = new Waiter(Thread.currentThread(), null);
        w.item = x; // published by the installing CAS
        return w;
    }

    /**
     * The element a slot waiter offers (null for a receiver); meaningful while it is unclaimed, in
     * the slot or just displaced by {@link #gate()}.
     */
    static Object offered(Waiter w) {
        return w.item;
    }

    /**
     * One fast attempt of a blocking operation: hands {@code x} to a waiting receiver (a send,
     * {@code x} non-null) or takes a waiting sender's element (a receive, {@code x} null), or
     * installs {@code mine} (from {@link #waiterFor}) to wait. Returns {@link LockedCore#SENT} for
     * a completed send, the element for a completed receive, {@code mine} once installed (the
     * caller waits on it), {@link #VACANT} if the slot is open and {@code mine} is null (the caller
     * allocates its waiter only now and calls again), or {@link #LOCKED}: the caller takes the
     * locked path.
     */
    Object meet(Object x, Waiter mine) {
        boolean send = x != null;
        while (true) {
            Waiter w = (Waiter) WORD.getVolatile(this); // acquire: the installer's fields
            if (w == null) {
                if (mine == null) {
                    return VACANT;
                }
                if (WORD.compareAndSet(this, null, mine)) {
                    return mine; // release: publishes mine's fields to the taker
                }
                continue;
            }
            Object offered = offered(w); // stale only if w left the slot: the CAS below fails
            if (w == GATE || (offered != null) == send) {
                return LOCKED; // the lock owns the channel, or a same-direction waiter is first
            }
            if (!WORD.compareAndSet(this, w, null)) {
                continue;
            }
            Rt.yieldPoint(Op.OTHER, this); // the testkit explores the taken, unclaimed waiter
            if (w.tryClaim()) {
                owner.noteClaimed(w);
                w.complete(0, send ? x : LockedCore.SENT);
                w.wake();
                return send ? LockedCore.SENT : offered;
            }
            // the owner aborted (timeout, interrupt, cancelled scope): the waiter is dropped
        }
    }

    /** The owner, after winning its abort: takes {@code mine} out if it is still here. */
    boolean withdraw(Waiter mine) {
        return WORD.compareAndSet(this, mine, null);
    }

    /** Under the lock: shuts the slot; returns the Waiter that waited in it, or null. */
    Waiter gate() {
        Waiter w = (Waiter) WORD.getVolatile(this);
        if (w == GATE) {
            return null; // only the lock holder reopens, so it stays shut
        }
        return (Waiter)
                WORD.getAndSet(this, GATE); // an RMW: a racing fast CAS lands first or fails
    }

    /** Under the lock, just before its release: reopens the slot (nobody waits, channel open). */
    void open() {
        WORD.setRelease(this, null); // release: the lock holder's edits precede any fast meet
    }

    /** Whether a Waiter waits in the slot now (racy; diagnostics). */
    boolean occupied() {
        Waiter w = (Waiter) WORD.getVolatile(this);
        return w != null && w != GATE;
    }

    @Override
    public String toString() {
        return owner + " (hand-off in flight)";
    }
}
