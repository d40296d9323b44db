package dev.braid.channel;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancellationRegistration;
import dev.braid.cancel.Deadline;
import dev.braid.internal.rt.Op;
import dev.braid.internal.rt.Rt;
import dev.braid.internal.rt.SimWait;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The one channel algorithm behind every flavor: a ring buffer and three wait lists under a short
 * spin lock, with hand-off through {@link Waiter} select words. Capacity 0 is a rendezvous, {@link
 * Integer#MAX_VALUE} is unbounded, anything between is bounded with an {@link Overflow} policy.
 */
final class ChannelCore<T> {
    /*
     * Implementation notes
     *
     * Algorithm. Every operation takes `lock` (a test-and-set word, Semaphore's queue-lock idiom),
     * runs a few dozen plain instructions and releases it; wake-ups, undelivered-element callbacks
     * and seam calls all happen after the release. Under the lock the channel is a sequential
     * object: a ring `ring[head .. head+size)` of buffered elements and three FIFO wait lists:
     *   senders   - entries that offer an element: blocked send()s, send clauses of blocked
     *               selects, and pending non-blocking send registrations (a waker, no thread);
     *   receivers - entries that want an element handed to them: blocked recv()s and receive
     *               clauses of blocked selects;
     *   readers   - one-shot readiness registrations of non-blocking receivers (wakers).
     * A send hands its element straight to the first receiver entry whose Waiter it can claim;
     * otherwise it appends to the ring if there is room (firing all readers), applies the overflow
     * policy, or reports full. A receive pops the ring and refills it from the first claimable
     * sender, or takes a claimable sender's element directly (rendezvous), or reports empty or
     * closed. This is the "select protocol" of crossbeam-channel (try / register / unregister /
     * accept / is-ready) with the per-flavor lock-free cores replaced by one locked core; see
     * docs/adr/0019-channel-core.md for why, what it costs, and the way to lock-free flavors.
     *
     * Fast path (ADR 0044). A bounded BLOCK channel of capacity 1..FAST_MAX keeps its buffer in
     * a lock-free SlotRing (Vyukov's bounded MPMC queue) instead of `ring`; trySend/tryRecv and
     * the first attempts of send/recv (with a short spin, Waiter.spinBudget) use it without the
     * lock. lock() closes the ring's gate (a bit in both of its counters, set by RMW) and
     * unlockAndWake reopens it only if the channel is open and all three lists are empty; so
     * under the lock the ring's size is exact and only the lock holder moves its counters, a
     * waiter is only ever queued with the gate closed, and a fast op that finds the gate closed
     * takes the lock like any other. Everything below then holds unchanged; SlotRing's notes
     * give the ordering argument. An unbounded channel does the same with a SegmentRing (a
     * linked list of array segments behind the same gated counters, ADR 0057); its fast send
     * never reports full.
     *
     * Select words. A Waiter is claimed by exactly one CAS (WAITING -> CLAIMING) by a counterpart
     * holding this channel's lock, which then writes the outcome and releases SELECTED; its owner
     * leaves by CAS WAITING -> ABORTED. So a select registered on many channels completes on
     * exactly one, and an aborted or already-selected entry found in a list is stale: it is
     * unlinked and skipped, never handed anything. A timed-out, interrupted or cancelled waiter
     * that wins its abort was never given anything; one that loses takes the outcome as if it had
     * not tried to leave (keeping its interrupt status set).
     *
     * State. closed (and cause) only go from open to closed. Once closed, no entry is ever added
     * to senders or receivers; closing completes every queued entry with CLOSED and fires every
     * reader. cancel additionally empties the ring through the undelivered-element hook; both are
     * idempotent and the hook sees each element at most once because removal is under the lock.
     *
     * Memory ordering. The lock's CAS (acquire) and release store order all buffer and list state.
     * An element handed to a waiter is published by Waiter.complete's release store of SELECTED,
     * which the owner reads with acquire: the sender's writes before send happen-before the
     * receiver's reads after recv, through either the lock or the select word.
     *
     * Liveness. Lock-free it is not: a preempted lock holder delays everyone for a time slice.
     * The critical sections are short and contain no seam call, so under the testkit a thread is
     * never switched out while holding the lock. Wait lists are FIFO; the lock itself is unfair.
     * Readers are all fired on every push (they are one-shot, and usually few).
     *
     * Tradeoffs. One allocation-free path for bounded send/recv (pending wake-ups are passed from
     * the critical section to the unlock through fields, not objects); unbounded grows its ring by
     * doubling. Contended throughput is that of a lock (ArrayBlockingQueue's shape), below a
     * Vyukov array queue's; measured in docs/perf/channels.md.
     *
     * References. crossbeam-channel (select protocol, Context select word, waker lists); D.
     * Vyukov, bounded MPMC queue (the lock-free core this file would become); N. Koval, D.
     * Alistarh, R. Elizarov, "Fast and Scalable Channels in Kotlin Coroutines", PPoPP 2023 (the
     * alternative recorded in the ADR); Go's runtime/chan.go (hand-off to a parked receiver).
     */

    static final Object SENT = marker("SENT");
    static final Object CLOSED = marker("CLOSED");
    static final Object EMPTY = marker("EMPTY");
    static final Object READY = marker("READY");

    static final int OK = 0;
    static final int FULL = 1;
    static final int CLOSED_CODE = 2;

    /** Why {@link #awaitSelection} returned. */
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
            LOCK = MethodHandles.lookup().findVarHandle(ChannelCore.class, "lock", int.class);
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
    private final GatedRing fast;

    // ---- guarded by lock ----
    private Object[] ring;
    private int head;
    private int size;
    private boolean closed;
    private Throwable cause;
    private final WaitList senders = new WaitList();
    private final WaitList receivers = new WaitList();
    private final WaitList readers = new WaitList();

    /** Set under the lock by an operation, taken and acted on right after the unlock. */
    private Waiter pendingWake;

    private Entry pendingReaders;
    private Object pendingDrop;

    /** Written once under the lock; read without it for {@link #isClosed()}. */
    private volatile boolean closedFlag;

    /** Blockers the testkit shows in its wait-for graph; their toString reads the state. */
    final Object sendBlocker;

    final Object recvBlocker;

    /** Simulation only: threads that sent on / received from this channel (see simNote). */
    private Set<Thread> simSenders;

    private Set<Thread> simReceivers;

    ChannelCore(String name, int capacity, Overflow overflow, Consumer<? super T> onUndelivered) {
        this.name = name;
        this.capacity = capacity;
        this.overflow = overflow;
        this.onUndelivered = onUndelivered;
        boolean unbounded = capacity == Integer.MAX_VALUE;
        boolean isFast =
                unbounded
                        ? FAST_UNBOUNDED
                        : overflow == Overflow.BLOCK && capacity >= 1 && capacity <= FAST_MAX;
        this.fast = !isFast ? null : unbounded ? new SegmentRing() : new SlotRing(capacity);
        this.ring = isFast ? null : new Object[Math.max(1, Math.min(capacity, INITIAL_RING))];
        this.sendBlocker = new Blocker(true);
        this.recvBlocker = new Blocker(false);
    }

    // ---- locked primitives ----

    /** Offers {@code x}: OK (handed, buffered or dropped by policy), FULL or CLOSED_CODE. */
    private int offerLocked(Object x, Waiter self) {
        if (closed) {
            return CLOSED_CODE;
        }
        for (Entry e = receivers.first(); e != null; ) {
            Entry next = e.next;
            Waiter w = e.waiter;
            if (w != self) {
                if (w.tryClaim()) {
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
    private Object pollLocked(Waiter self) {
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

    private Entry claimSenderLocked(Waiter self) {
        for (Entry e = senders.first(); e != null; ) {
            Entry next = e.next;
            Waiter w = e.waiter;
            if (w != self) {
                if (w.tryClaim()) {
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

    private boolean hasLive(WaitList list, Waiter self) {
        for (Entry e = list.first(); e != null; e = e.next) {
            if (e.waiter != self && e.waiter.isWaiting()) {
                return true;
            }
        }
        return false;
    }

    private boolean recvReadyLocked(Waiter self) {
        return bufSize() > 0 || closed || hasLive(senders, self);
    }

    private boolean sendReadyLocked(Waiter self) {
        return closed
                || bufSize() < capacity
                || overflow != Overflow.BLOCK
                || hasLive(receivers, self);
    }

    private void fireReadersLocked() {
        if (!readers.isEmpty() && pendingReaders == null) {
            pendingReaders = readers.detachAll();
        }
    }

    /** The number of buffered elements (exact: the caller holds the lock). */
    private int bufSize() {
        return fast != null ? fast.sizeLocked() : size;
    }

    /** The buffered element {@code k} places from the oldest. */
    private Object bufGet(int k) {
        if (fast != null) {
            return fast.getLocked(k);
        }
        int i = head + k;
        return ring[i >= ring.length ? i - ring.length : i];
    }

    private void push(Object x) {
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

    private Object pop() {
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

    private void lock() {
        int spins = 0;
        while (!LOCK.compareAndSet(this, 0, 1)) {
            if (++spins < LOCK_SPINS) {
                Rt.spinWait();
            } else {
                Rt.yieldNow();
            }
        }
        if (fast != null) {
            fast.enterSlow(); // the locked path owns the ring's counters until the release
        }
    }

    /** Releases the lock, then does what the critical section left pending. */
    private void unlockAndWake() {
        Waiter w = pendingWake;
        Entry chain = pendingReaders;
        Object drop = pendingDrop;
        pendingWake = null;
        pendingReaders = null;
        pendingDrop = null;
        if (fast != null
                && !closed
                && senders.isEmpty()
                && receivers.isEmpty()
                && readers.isEmpty()) {
            fast.exitSlow(); // nobody waits: the fast path may run again
        }
        LOCK.setRelease(this, 0); // release: publishes the buffer and list edits
        if (w != null) {
            w.wake();
        }
        RuntimeException failure = null;
        if (chain != null) {
            failure = fire(chain);
        }
        if (drop != null) {
            failure = undelivered(drop, failure);
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static RuntimeException fire(Entry chain) {
        RuntimeException failure = null;
        for (Entry e = chain; e != null; ) {
            Entry next = e.next;
            e.next = null;
            if (e.waiter.tryClaim()) {
                e.waiter.complete(e.clause, READY);
                try {
                    e.waiter.wake();
                } catch (RuntimeException ex) {
                    failure = merge(failure, ex);
                }
            }
            e = next;
        }
        return failure;
    }

    @SuppressWarnings("unchecked")
    private RuntimeException undelivered(Object x, RuntimeException failure) {
        if (onUndelivered == null) {
            return failure;
        }
        try {
            onUndelivered.accept((T) x);
        } catch (RuntimeException ex) {
            return merge(failure, ex);
        }
        return failure;
    }

    private static RuntimeException merge(RuntimeException first, RuntimeException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    // ---- operations ----

    /** A non-blocking send: OK, FULL or CLOSED_CODE. */
    int trySend(Object x) {
        Rt.yieldPoint(Op.OTHER, this);
        simNote(true);
        if (fast != null) {
            int r = fast.offer(x);
            if (r != GatedRing.GATED) {
                return r == GatedRing.OK ? OK : FULL;
            }
        }
        lock();
        int r = offerLocked(x, null);
        unlockAndWake();
        return r;
    }

    /** A non-blocking receive: the element, {@link #EMPTY} or {@link #CLOSED}. */
    Object tryRecv() {
        Rt.yieldPoint(Op.OTHER, this);
        simNote(false);
        if (fast != null) {
            Object x = fast.poll();
            if (x != GatedRing.GATED_MARK) {
                return x == null ? EMPTY : x;
            }
        }
        lock();
        Object x = pollLocked(null);
        unlockAndWake();
        return x;
    }

    /**
     * A blocking send bounded by {@code deadline}: OK, CLOSED_CODE, or TIMED_OUT as FULL.
     *
     * @throws InterruptedException if interrupted before the element was taken
     */
    int send(Object x, Deadline deadline) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        Rt.yieldPoint(Op.OTHER, this);
        simNote(true);
        ChannelBlockedEvent event = null; // the wait is timed from the first failed try: the
        if (fast != null) { // spin's yields can take the whole timeout on a loaded machine
            for (int left = Waiter.spinBudget(); ; left--) {
                int r = fast.offer(x);
                if (r == GatedRing.OK) {
                    ChannelBlockedEvent.finish(event, sendBlocker, "send", true);
                    return OK;
                }
                if (r == GatedRing.GATED || left <= 0 || deadline.isExpired()) {
                    break;
                }
                event = event == null ? ChannelBlockedEvent.start() : event;
                Waiter.backOff(left);
            }
        }
        lock();
        int r = offerLocked(x, null);
        if (r != FULL || deadline.isExpired()) {
            unlockAndWake();
            ChannelBlockedEvent.finish(event, sendBlocker, "send", r != FULL);
            return r;
        }
        Waiter w = new Waiter(Thread.currentThread(), null);
        Entry e = new Entry(w, 0, x);
        senders.append(e);
        fireReadersLocked(); // a rendezvous element is now on offer
        unlockAndWake();
        event = event == null ? ChannelBlockedEvent.start() : event;
        int why = awaitSelection(w, sendBlocker, deadline);
        event.finish(sendBlocker, "send", why == DONE);
        if (why == DONE) {
            return w.item == SENT ? OK : CLOSED_CODE;
        }
        unregister(e, true);
        return afterAbort(why);
    }

    /**
     * A blocking receive bounded by {@code deadline}: the element, {@link #CLOSED}, or {@link
     * #EMPTY} on timeout.
     *
     * @throws InterruptedException if interrupted before an element was taken
     */
    Object recv(Deadline deadline) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        Rt.yieldPoint(Op.OTHER, this);
        simNote(false);
        ChannelBlockedEvent event = null; // timed from the first failed try, as in send
        if (fast != null) {
            for (int left = Waiter.spinBudget(); ; left--) {
                Object x = fast.poll();
                if (x != null && x != GatedRing.GATED_MARK) {
                    ChannelBlockedEvent.finish(event, recvBlocker, "receive", true);
                    return x;
                }
                if (x == GatedRing.GATED_MARK || left <= 0 || deadline.isExpired()) {
                    break;
                }
                event = event == null ? ChannelBlockedEvent.start() : event;
                Waiter.backOff(left);
            }
        }
        lock();
        Object x = pollLocked(null);
        if (x != EMPTY || deadline.isExpired()) {
            unlockAndWake();
            ChannelBlockedEvent.finish(event, recvBlocker, "receive", x != EMPTY);
            return x;
        }
        Waiter w = new Waiter(Thread.currentThread(), null);
        Entry e = new Entry(w, 0, null);
        receivers.append(e);
        unlockAndWake();
        event = event == null ? ChannelBlockedEvent.start() : event;
        int why = awaitSelection(w, recvBlocker, deadline);
        event.finish(recvBlocker, "receive", why == DONE);
        if (why == DONE) {
            return w.item;
        }
        unregister(e, false);
        afterAbort(why);
        return EMPTY;
    }

    /** After a won abort: throws for an interrupt or a stopped scope; returns FULL on timeout. */
    private static int afterAbort(int why) throws InterruptedException {
        if (why == INTERRUPTED) {
            throw new InterruptedException();
        }
        if (why == STOPPED) {
            CancelScope.current().check(); // throws: tokens and expiry never revert
            throw new AssertionError("scope stopped but check() passed");
        }
        return FULL;
    }

    /**
     * Parks until {@code w} is selected, or until the deadline, an interrupt or the ambient scope's
     * cancellation makes its owner win the abort. Returns {@link #DONE} or the reason.
     */
    static int awaitSelection(Waiter w, Object blocker, Deadline deadline) {
        CancelScope scope = CancelScope.current();
        CancellationRegistration stop = scope.isActive() ? scope.wakeOnCancel(w.thread) : null;
        Deadline bound = stop == null ? deadline : scope.deadline().min(deadline);
        int spins =
                Waiter.spinBudget(); // a hand-off partner on another core answers within a few µs
        try {
            while (true) {
                int s = w.state();
                if (s == Waiter.SELECTED) {
                    Rt.receiveHandOffs();
                    return DONE;
                }
                if (s == Waiter.CLAIMING) {
                    Rt.spinWait();
                    continue;
                }
                int why = DONE;
                if (Thread.interrupted()) {
                    why = INTERRUPTED;
                } else if (stop != null && scope.isCancelled()) {
                    why = STOPPED;
                } else if (deadline.isExpired()) {
                    why = TIMED_OUT;
                }
                if (why != DONE) {
                    if (w.tryAbort()) {
                        return why;
                    }
                    if (why == INTERRUPTED) {
                        Thread.currentThread().interrupt(); // selected meanwhile: keep the status
                    }
                    w.awaitSelected();
                    Rt.receiveHandOffs();
                    return DONE;
                }
                if (spins > 0) {
                    Waiter.backOff(spins--);
                    continue;
                }
                if (bound.isNever()) {
                    Rt.park(blocker);
                } else {
                    Rt.parkUntil(blocker, bound.nanoTime());
                }
            }
        } finally {
            if (stop != null) {
                stop.deregister();
            }
        }
    }

    // ---- the registration protocol (select and wakers) ----

    /**
     * Registers {@code e} (a send entry if {@code send}) unless the operation could proceed now;
     * returns whether it could (then nothing was registered: the caller aborts and tries again).
     */
    boolean register(Entry e, boolean send) {
        Waiter self = e.waiter;
        lock();
        boolean ready = send ? sendReadyLocked(self) : recvReadyLocked(self);
        if (!ready) {
            if (send) {
                senders.append(e);
                fireReadersLocked();
            } else {
                receivers.append(e);
            }
        }
        unlockAndWake();
        return ready;
    }

    /** Takes {@code e} out of its list if it is still there. */
    void unregister(Entry e, boolean send) {
        lock();
        (send ? senders : receivers).remove(e);
        unlockAndWake();
    }

    /**
     * Registers a readiness callback for receivers; returns null (and registers nothing) if a
     * receive could proceed now.
     */
    Entry registerReader(ChannelWaker waker) {
        simNote(false);
        lock();
        Entry e = null;
        if (!recvReadyLocked(null)) {
            e = new Entry(new Waiter(null, waker), 0, null);
            readers.append(e);
        }
        unlockAndWake();
        if (e != null) {
            SimWait.note(waker, recvBlocker); // the testkit's wait-for graph names the wait
        }
        return e;
    }

    void unregisterReader(Entry e) {
        lock();
        readers.remove(e);
        unlockAndWake();
    }

    /**
     * Offers {@code x} now or, if the channel is full, leaves it on offer under a callback's
     * waiter: returns OK or CLOSED_CODE if done at once, FULL if {@code e} was queued.
     */
    int offerOrQueue(Object x, Entry e) {
        simNote(true);
        lock();
        int r = offerLocked(x, null);
        if (r == FULL) {
            senders.append(e);
            fireReadersLocked();
        }
        unlockAndWake();
        return r;
    }

    // ---- close ----

    /**
     * Closes the channel (if {@code purge}, also discards the buffer through the hook); returns
     * whether this call closed it.
     */
    boolean close(Throwable why, boolean purge) {
        Rt.yieldPoint(Op.OTHER, this);
        List<Waiter> wake = null;
        Object[] dropped = null;
        Entry chain = null;
        boolean first;
        lock();
        first = !closed;
        if (first) {
            closed = true;
            cause = why;
            closedFlag = true;
            wake = new ArrayList<>();
            claimAll(senders.detachAll(), wake);
            claimAll(receivers.detachAll(), wake);
            chain = readers.detachAll();
        }
        if (purge && bufSize() > 0) {
            dropped = new Object[bufSize()];
            for (int k = 0; k < dropped.length; k++) {
                dropped[k] = pop();
            }
        }
        unlockAndWake();
        if (first || dropped != null) {
            ChannelClosedEvent.emit(label(), purge, dropped == null ? 0 : dropped.length, why);
        }
        RuntimeException failure = null;
        if (wake != null) {
            for (Waiter w : wake) {
                try {
                    w.wake();
                } catch (RuntimeException ex) {
                    failure = merge(failure, ex);
                }
            }
        }
        if (chain != null) {
            RuntimeException f = fire(chain);
            if (f != null) {
                failure = merge(failure, f);
            }
        }
        if (dropped != null) {
            for (Object x : dropped) {
                failure = undelivered(x, failure);
            }
        }
        if (failure != null) {
            throw failure;
        }
        return first;
    }

    private static void claimAll(Entry chain, List<Waiter> wake) {
        for (Entry e = chain; e != null; ) {
            Entry next = e.next;
            e.next = null;
            if (e.waiter.tryClaim()) {
                e.waiter.complete(e.clause, CLOSED);
                wake.add(e.waiter);
            }
            e = next;
        }
    }

    // ---- observation ----

    boolean isClosed() {
        return closedFlag;
    }

    /** The close cause (null for a plain close); meaningful once closed. */
    Throwable cause() {
        lock();
        Throwable c = cause;
        unlockAndWake();
        return c;
    }

    int size() {
        int open = fast != null ? fast.sizeIfOpen() : -1;
        if (open >= 0) {
            return open; // lock-free: taking the lock would close the gate to the fast path
        }
        lock();
        int n = bufSize();
        unlockAndWake();
        return n;
    }

    int blockedSenders() {
        lock();
        int n = senders.countWaiting();
        unlockAndWake();
        return n;
    }

    int blockedReceivers() {
        lock();
        int n = receivers.countWaiting() + readers.countWaiting();
        unlockAndWake();
        return n;
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

    // ---- simulation ----

    /**
     * Under the testkit only: the first send (receive) of a thread on this channel records it as a
     * holder of the receive (send) side, so that a receiver (sender) blocked here points at the
     * threads that could feed (drain) it in the deadlock wait-for graph.
     */
    private void simNote(boolean send) {
        if (Rt.sim() == null) {
            return;
        }
        Thread me = Thread.currentThread();
        Set<Thread> seen;
        if (send) {
            if (simSenders == null) {
                simSenders = Collections.newSetFromMap(new IdentityHashMap<>());
            }
            seen = simSenders;
        } else {
            if (simReceivers == null) {
                simReceivers = Collections.newSetFromMap(new IdentityHashMap<>());
            }
            seen = simReceivers;
        }
        if (seen.add(me)) {
            Rt.acquired(send ? recvBlocker : sendBlocker);
        }
    }

    /** What a blocked sender or receiver parks on; its text is the wait-for graph's label. */
    private final class Blocker {
        private final boolean send;

        Blocker(boolean send) {
            this.send = send;
        }

        @Override
        public String toString() {
            return (send ? "to send on " : "to receive on ") + label() + " (" + describe() + ")";
        }
    }

    private static Object marker(String text) {
        return new Object() {
            @Override
            public String toString() {
                return text;
            }
        };
    }
}
