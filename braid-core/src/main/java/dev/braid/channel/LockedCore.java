package dev.braid.channel;

import dev.braid.internal.rt.Rt;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/**
 * The locked slow path of {@link ChannelCore}: the spin lock, the state it guards (the buffer, the
 * close state and the three wait lists), the primitives that run under it, and the actions an
 * operation leaves for right after the release. {@link ChannelCore} adds the operations, the
 * registration protocol and close on top.
 */
abstract class LockedCore<T> {
    /*
     * Implementation notes
     *
     * The algorithm, its invariants and its references are in ChannelCore's notes block; this
     * file holds the part of it that runs with the lock held. Every method whose name ends in
     * "Locked", and push/pop/bufSize/bufGet, requires the caller to hold the lock (taken by
     * lock(), released by unlockAndWake()); the collection views' scans (peek, snapshot,
     * removeBuffered) take it themselves, and describe() reads racily. A critical section
     * never calls the seam, a waker or the undelivered-element hook: it leaves wake-ups, fired
     * readers and dropped elements in the pending fields, which unlockAndWake acts on after the
     * release.
     */

    static final Object SENT = marker("SENT");
    static final Object CLOSED = marker("CLOSED");
    static final Object EMPTY = marker("EMPTY");
    static final Object READY = marker("READY");

    static final int OK = 0;
    static final int FULL = 1;
    static final int CLOSED_CODE = 2;

    /** Why {@link ChannelCore#awaitSelection} returned. */
    static final int DONE = 0;

    static final int TIMED_OUT = 1;
    static final int INTERRUPTED = 2;
    static final int STOPPED = 3;

    /**
     * The ring's first length (it doubles up to the capacity). Shrinkable with {@code
     * -Dbraid.channel.ring=1} so that stress and Lincheck runs exercise growth and wrap-around.
     */
    private static final int INITIAL_RING =
            Math.max(1, Integer.getInteger("braid.channel.ring", 16));

    private static final int LOCK_SPINS = 64;

    /**
     * The largest capacity whose bounded {@link Overflow#BLOCK} channels get the lock-free {@link
     * SlotRing} fast path; {@code -Dbraid.channel.fastMax=0} turns it off (every operation then
     * takes the lock), so that the suites can run over both paths.
     */
    static final int FAST_MAX = Integer.getInteger("braid.channel.fastMax", 65536);

    /**
     * Whether unbounded channels get the lock-free {@link SegmentRing} fast path (ADR 0057): on
     * unless {@code -Dbraid.channel.fastUnbounded=false} or {@code -Dbraid.channel.fastMax=0}.
     */
    static final boolean FAST_UNBOUNDED =
            FAST_MAX > 0
                    && Boolean.parseBoolean(
                            System.getProperty("braid.channel.fastUnbounded", "true"));

    private static final VarHandle LOCK;

    static {
        try {
            LOCK = MethodHandles.lookup().findVarHandle(LockedCore.class, "lock", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // accessed through LOCK
    private volatile int lock;

    final String name;
    final int capacity;
    final Overflow overflow;
    private final Consumer<? super T> onUndelivered;

    /**
     * The lock-free buffer of a fast channel (SlotRing if bounded, SegmentRing if unbounded), or
     * null: then {@code ring}.
     */
    final GatedRing fast;

    /**
     * The lock-free waiter slot of a rendezvous {@link Overflow#BLOCK} channel (ADR 0112), or null.
     * lock() shuts it and moves its waiter into a list; unlockAndWake() reopens it when nobody
     * waits.
     */
    final HandOffSlot slot;

    // ---- guarded by lock ----
    private Object[] ring;
    private int head;
    private int size;
    boolean closed;
    Throwable cause;
    final WaitList senders = new WaitList();
    final WaitList receivers = new WaitList();
    final WaitList readers = new WaitList();

    /**
     * Callbacks waiting for the end of the stream (closed, buffer empty), null until the first:
     * ChannelFlow's delivery thread while it waits for demand with elements buffered (probe15).
     * They take nothing and keep no gate closed; unlockAndWake fires them once the end holds, which
     * after the close every receive reaches, since every operation then takes the lock.
     */
    WaitList endWatchers;

    /** Set under the lock by an operation, taken and acted on right after the unlock. */
    private Waiter pendingWake;

    private Entry pendingReaders;
    private Object pendingDrop;

    /** Written once under the lock; read without it for {@link #isClosed()}. */
    volatile boolean closedFlag;

    /**
     * Whether recent queued waits on this channel ended during a long pre-park spin (ADR 0091): a
     * plain, racy hint, written only when it changes; nothing but the spin length depends on it.
     */
    boolean spinLong;

    /**
     * How many thread waiters claimed on this channel in a row had stopped spinning (yielding or
     * parked) when claimed, up to {@link #IDLE_CLAIMS} (ADR 0113); at that count the next waits
     * skip their spins. A plain, racy hint, written only when it changes; waits that skipped their
     * spins do not count either way.
     */
    int idleClaims;

    /** The run of idle claims after which waits skip their spins (ADR 0113). */
    static final int IDLE_CLAIMS = 4;

    LockedCore(String name, int capacity, Overflow overflow, Consumer<? super T> onUndelivered) {
        this.name = name;
        this.capacity = capacity;
        this.overflow = overflow;
        this.onUndelivered = onUndelivered;
        boolean unbounded = capacity == Integer.MAX_VALUE;
        boolean isFast =
                unbounded
                        ? FAST_UNBOUNDED
                        : overflow == Overflow.BLOCK && capacity >= 1 && capacity <= FAST_MAX;
        this.fast =
                !isFast ? null : unbounded ? new SegmentRing(this) : new SlotRing(capacity, this);
        this.slot =
                capacity == 0 && overflow == Overflow.BLOCK && HandOffSlot.ENABLED
                        ? new HandOffSlot(this)
                        : null;
        this.ring = isFast ? null : new Object[Math.max(1, Math.min(capacity, INITIAL_RING))];
    }

    // ---- locked primitives ----

    /** Offers {@code x}: OK (handed, buffered or dropped by policy), FULL or CLOSED_CODE. */
    int offerLocked(Object x, Waiter self) {
        if (closed) {
            return CLOSED_CODE;
        }
        for (Entry e = receivers.first(); e != null; ) {
            Entry next = e.next;
            Waiter w = e.waiter;
            if (w != self) {
                if (w.tryClaim()) {
                    noteClaimed(w);
                    receivers.remove(e);
                    w.complete(e.clause, x);
                    pendingWake = w;
                    return OK;
                }
                if (!w.isWaiting()) {
                    receivers.remove(e); // stale: aborted, or selected on another channel
                }
            }
            e = next;
        }
        if (bufSize() < capacity) {
            push(x);
            fireReadersLocked();
            return OK;
        }
        if (overflow == Overflow.DROP_NEWEST) {
            pendingDrop = x;
            return OK;
        }
        if (overflow == Overflow.DROP_OLDEST) {
            pendingDrop = pop();
            push(x);
            fireReadersLocked();
            return OK;
        }
        return FULL;
    }

    /** Takes an element: the element, or {@link #EMPTY} or {@link #CLOSED}. */
    Object pollLocked(Waiter self) {
        if (bufSize() > 0) {
            Object x = pop();
            Entry s = claimSenderLocked(self);
            if (s != null) {
                push(s.item);
                s.waiter.complete(s.clause, SENT);
                pendingWake = s.waiter;
            }
            return x;
        }
        Entry s = claimSenderLocked(self);
        if (s != null) {
            s.waiter.complete(s.clause, SENT);
            pendingWake = s.waiter;
            return s.item;
        }
        return closed ? CLOSED : EMPTY;
    }

    Entry claimSenderLocked(Waiter self) {
        for (Entry e = senders.first(); e != null; ) {
            Entry next = e.next;
            Waiter w = e.waiter;
            if (w != self) {
                if (w.tryClaim()) {
                    noteClaimed(w);
                    senders.remove(e);
                    return e;
                }
                if (!w.isWaiting()) {
                    senders.remove(e);
                }
            }
            e = next;
        }
        return null;
    }

    /** After a winning claim of a hand-off: records whether its owner was idle (ADR 0113). */
    final void noteClaimed(Waiter w) {
        if (w.thread == null || w.skippedSpins) {
            return; // a waker, or an owner that did not spin: nothing learned
        }
        int n = idleClaims;
        int next = w.claimFoundOwnerIdle() ? Math.min(n + 1, IDLE_CLAIMS) : 0;
        if (next != n) {
            idleClaims = next; // written only on a change: readers keep the line shared
        }
    }

    /** Whether recent claims on this channel found their owners idle (ADR 0113). */
    final boolean partnerIdle() {
        return idleClaims >= IDLE_CLAIMS;
    }

    boolean hasLive(WaitList list, Waiter self) {
        for (Entry e = list.first(); e != null; e = e.next) {
            if (e.waiter != self && e.waiter.isWaiting()) {
                return true;
            }
        }
        return false;
    }

    boolean recvReadyLocked(Waiter self) {
        return bufSize() > 0 || closed || hasLive(senders, self);
    }

    boolean sendReadyLocked(Waiter self) {
        return closed
                || bufSize() < capacity
                || overflow != Overflow.BLOCK
                || hasLive(receivers, self);
    }

    void fireReadersLocked() {
        if (!readers.isEmpty() && pendingReaders == null) {
            pendingReaders = readers.detachAll();
        }
    }

    /**
     * As {@link #fireReadersLocked()}, but the entries of {@code self} stay registered: a select's
     * own offer does not make its own receive clause ready (ADR 0175). {@code self} null: all.
     */
    void fireReadersLocked(Waiter self) {
        if (self == null) {
            fireReadersLocked();
        } else if (!readers.isEmpty() && pendingReaders == null) {
            pendingReaders = readers.detachAllBut(self);
        }
    }

    /** The number of buffered elements (exact: the caller holds the lock). */
    int bufSize() {
        return fast != null ? fast.sizeLocked() : size;
    }

    /** The buffered element {@code k} places from the oldest. */
    Object bufGet(int k) {
        if (fast != null) {
            return fast.getLocked(k);
        }
        int i = head + k;
        return ring[i >= ring.length ? i - ring.length : i];
    }

    void push(Object x) {
        if (fast != null) {
            if (!fast.pushLocked(x)) {
                throw new AssertionError("push into a full ring of " + label());
            }
            return;
        }
        if (size == ring.length) {
            grow();
        }
        int i = head + size;
        if (i >= ring.length) {
            i -= ring.length;
        }
        ring[i] = x;
        size++;
    }

    Object pop() {
        if (fast != null) {
            return fast.popLocked();
        }
        Object x = ring[head];
        ring[head] = null;
        if (++head == ring.length) {
            head = 0;
        }
        size--;
        return x;
    }

    private void grow() {
        int n = (int) Math.min((long) ring.length * 2, Math.min(capacity, Integer.MAX_VALUE - 8));
        if (n <= ring.length) {
            throw new OutOfMemoryError("channel " + label() + " cannot buffer more elements");
        }
        Object[] bigger = new Object[n];
        for (int k = 0; k < size; k++) {
            int i = head + k;
            bigger[k] = ring[i >= ring.length ? i - ring.length : i];
        }
        ring = bigger;
        head = 0;
    }

    // ---- the lock ----

    void lock() {
        int spins = 0;
        while (!LOCK.compareAndSet(this, 0, 1)) {
            if (++spins < LOCK_SPINS) {
                Rt.spinWait();
            } else {
                Rt.yieldNow();
            }
        }
        if (fast != null) {
            Waiter w = fast.enterSlow(); // the locked path owns the ring's counters until release
            if (w != null) { // it waited in the ring, the only waiter: FIFO kept (ADR 0144)
                receivers.append(new Entry(w, 0, null));
            }
        }
        if (slot != null) {
            Waiter w = slot.gate(); // the locked path owns the channel until the release
            if (w != null) { // the only waiter: FIFO kept; its entry is made now (ADR 0123)
                Object x = HandOffSlot.offered(w);
                (x != null ? senders : receivers).append(new Entry(w, 0, x));
            }
        }
    }

    /** Releases the lock, then does what the critical section left pending. */
    void unlockAndWake() {
        Waiter w = pendingWake;
        Entry chain = pendingReaders;
        Object drop = pendingDrop;
        pendingWake = null;
        pendingReaders = null;
        pendingDrop = null;
        Entry ended =
                endWatchers != null && closed && bufSize() == 0 ? endWatchers.detachAll() : null;
        if (fast != null
                && !closed
                && senders.isEmpty()
                && receivers.isEmpty()
                && readers.isEmpty()) {
            fast.exitSlow(); // nobody waits: the fast path may run again
        }
        if (slot != null
                && !closed
                && senders.isEmpty()
                && receivers.isEmpty()
                && readers.isEmpty()) {
            slot.open(); // nobody waits: the next waiter may use the slot
        }
        LOCK.setRelease(this, 0); // release: publishes the buffer and list edits
        if (w != null) {
            w.wake();
        }
        if (chain != null) {
            fire(chain);
        }
        if (drop != null) {
            undelivered(drop);
        }
        if (ended != null) {
            fire(ended);
        }
    }

    /**
     * Claims and wakes each waiter of {@code chain}. A waker that throws does not stop the others:
     * {@link Waiter#wake()} hands its exception to the caller's uncaught-exception handler (ADR
     * 0105).
     */
    static void fire(Entry chain) {
        for (Entry e = chain; e != null; ) {
            Entry next = e.next;
            e.next = null;
            if (e.waiter.tryClaim()) {
                e.waiter.complete(e.clause, READY);
                e.waiter.wake();
            }
            e = next;
        }
    }

    /**
     * Passes {@code x}, an element no receiver will get, to the undelivered-element hook, if any.
     * What the hook throws goes to the caller's uncaught-exception handler (ADR 0105): the
     * operation that dropped the element stands.
     */
    @SuppressWarnings("unchecked")
    void undelivered(Object x) {
        if (onUndelivered == null) {
            return;
        }
        try {
            onUndelivered.accept((T) x);
        } catch (RuntimeException ex) {
            Waiter.reportCallbackFailure(ex);
        }
    }

    // ---- collection views (ChannelQueue): short scans under the lock ----

    /**
     * The element a receive would take next (buffer head, else the first live sender's), or null.
     */
    Object peek() {
        lock();
        Object x = null;
        if (bufSize() > 0) {
            x = bufGet(0);
        } else {
            for (Entry e = senders.first(); e != null && x == null; e = e.next) {
                if (e.waiter.isWaiting()) {
                    x = e.item;
                }
            }
        }
        unlockAndWake();
        return x;
    }

    /** The buffered elements, oldest first (a snapshot). */
    Object[] snapshot() {
        lock();
        Object[] out = new Object[bufSize()];
        for (int k = 0; k < out.length; k++) {
            out[k] = bufGet(k);
        }
        unlockAndWake();
        return out;
    }

    /**
     * Removes the first buffered element equal to {@code o} (or identical, if {@code identity}),
     * closing the gap and refilling the freed slot from the first waiting sender, as a receive
     * would. Returns whether one was removed.
     */
    boolean removeBuffered(Object o, boolean identity) {
        lock();
        int found = -1;
        int n = bufSize();
        for (int k = 0; k < n && found < 0; k++) {
            Object x = bufGet(k);
            if (identity ? x == o : o.equals(x)) {
                found = k;
            }
        }
        if (found >= 0 && fast != null) {
            Object[] all = new Object[n]; // rotate: the gate keeps the counters ours
            for (int k = 0; k < n; k++) {
                all[k] = pop();
            }
            for (int k = 0; k < n; k++) {
                if (k != found) {
                    push(all[k]);
                }
            }
        } else if (found >= 0) {
            for (int k = found; k < size - 1; k++) {
                int i = head + k;
                int j = i + 1;
                ring[i >= ring.length ? i - ring.length : i] =
                        ring[j >= ring.length ? j - ring.length : j];
            }
            int last = head + size - 1;
            ring[last >= ring.length ? last - ring.length : last] = null;
            size--;
        }
        if (found >= 0) {
            Entry s = claimSenderLocked(null);
            if (s != null) {
                push(s.item);
                s.waiter.complete(s.clause, SENT);
                pendingWake = s.waiter;
            }
        }
        unlockAndWake();
        return found >= 0;
    }

    /** Whether {@code x} is in the buffer (diagnostics and tests only). */
    boolean bufferContains(Object x) {
        lock();
        boolean found = false;
        for (int k = 0, n = bufSize(); k < n && !found; k++) {
            found = bufGet(k) == x;
        }
        unlockAndWake();
        return found;
    }

    String label() {
        return name == null ? "channel" : "channel '" + name + "'";
    }

    @Override
    public String toString() { // the testkit's traces name the channel, not "ChannelCore#1"
        return label();
    }

    String capacityText() {
        return capacity == Integer.MAX_VALUE ? "unbounded" : String.valueOf(capacity);
    }

    /** A racy one-line summary of the state, for toString and the testkit's reports. */
    String describe() {
        int n = fast != null ? fast.approxSize() : size; // racy: a diagnostic snapshot
        String state = closedFlag ? "closed" : n == 0 ? "empty" : n >= capacity ? "full" : "ready";
        if (capacity == 0) {
            return state;
        }
        return state + ", " + n + " of " + capacityText();
    }

    static Object marker(String text) {
        return new Object() {
            @Override
            public String toString() {
                return text;
            }
        };
    }
}
