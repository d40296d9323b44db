package dev.braid.channel;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancellationRegistration;
import dev.braid.cancel.Deadline;
import dev.braid.internal.rt.Op;
import dev.braid.internal.rt.Rt;
import dev.braid.internal.rt.SimWait;
import dev.braid.internal.util.InsidePoll;
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
final class ChannelCore<T> extends LockedCore<T> {
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
     * The async select (ADR 0175, SharedWord) registers like a blocking select: one Waiter, with
     * a waker instead of a thread, for a readiness entry in readers per receive clause and an
     * offer in senders per send clause; a send entry's registration fires the readers except its
     * own word's, so a select's offer never wakes its own receive clause.
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
     * Ring waiter (ADR 0144). A lone blocked recv that finds the lock-free ring empty waits in
     * the ring instead of the list: its Waiter goes into a field beside tail and bit PARKED into
     * tail, by a CAS that succeeds only while tail == head with the gate open (so the ring is
     * empty and no list entry exists). A fast offer that sees the bit answers RESUME: the
     * producer clears it by CAS, takes the Waiter, claims and completes it with the element and
     * wakes it, without the lock; lock() clears it (enterSlow) and appends the Waiter's entry to
     * receivers, after which everything below holds unchanged. Races: a receiver about to wait
     * and a producer CAS the same tail value, so one sees the other (no lost wake-up); a leaving
     * owner and a resuming producer meet on the select word (claim or abort wins; a lost claim
     * drops the Waiter and the producer offers again; the owner then takes the lock, which
     * displaces it if it is still in the ring, and removes its entry: as if it never came);
     * close takes the lock, so it either displaces the Waiter and completes it with CLOSED or
     * comes after a producer's clearing CAS, whose send then linearizes before the close; a
     * select clause never waits in the ring (registration takes the lock), and a select's
     * trySend resumes a ring waiter by the same one claim. The owner never clears the bit
     * itself: after an ABA on tail its CAS could clear a later waiter's bit. GatedRing's notes
     * give the bit and field invariant.
     *
     * Rendezvous slot (ADR 0112). A capacity-0 BLOCK channel has a HandOffSlot in front of its
     * lists: a lone blocked send/recv waits there and its counterpart meets it by CAS, without
     * the lock. lock() shuts the slot and appends its entry to the list (the only waiter, so
     * FIFO holds); unlockAndWake reopens it under the same rule as the ring's gate. So under the
     * lock the slot is empty and everything below holds unchanged; HandOffSlot's notes give the
     * ownership argument.
     *
     * Select words. A Waiter is claimed by exactly one CAS (WAITING or PARKED -> CLAIMING) by a
     * counterpart holding this channel's lock (or holding the entry it took out of the slot), which then writes the outcome and releases SELECTED;
     * its owner leaves by CAS WAITING (or PARKED) -> ABORTED. So a select registered on many
     * channels completes on exactly one, and an aborted or already-selected entry found in a list
     * is stale: it is unlinked and skipped, never handed anything. A timed-out, interrupted or
     * cancelled waiter that wins its abort was never given anything; one that loses takes the
     * outcome as if it had not tried to leave (keeping its interrupt status set). An owner about to
     * park first moves its word WAITING -> PARKED by CAS (ADR 0090); a claim from PARKED unparks
     * it, a claim from WAITING does not (the owner is still spinning and sees SELECTED by itself),
     * and an owner whose announcement fails was claimed and does not park. Claims and aborts accept
     * both states. The announcement and the claims are RMWs on one word, so one of them sees the
     * other: no wake-up is lost and a spinning partner costs no unpark.
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
     * Waiting (ADR 0083, 0090, 0091, 0113). A queued waiter spins (platform threads on several
     * CPUs only), yields, announces its park on its select word, then parks; it spins long only
     * while recent long spins on this channel were answered (the racy hint spinLong), and probes a
     * long spin on one wait in 16 otherwise. It skips the spins while the last four claims on this
     * channel found their owners already yielding or parked (the racy hint idleClaims: the
     * partners were not running), except on one wait in 16, which spins long.
     * A virtual thread, which only yields (a spin would hold its carrier), follows the same hint
     * (ADR 0122): it counts as idle from its second yield, and while the hint is set it parks at
     * once, its fast-path retries included, except on one wait in 16, which yields as before; in
     * a chain of many virtual threads a yield costs about what a park and unpark do. The budget is
     * one per operation (ADR 0156): a virtual thread whose lock-free retries already yielded
     * PARK_YIELDS times unanswered enters its queued wait marked yielding (idle, if claimed) and
     * parks at once; jox parks at once on a buffered channel, with no yield at all.
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
     *
     * Files. The algorithm spans two classes, split by responsibility: LockedCore holds the
     * lock, the state it guards (ring, close state, wait lists), the locked primitives
     * (offerLocked, pollLocked, the buffer moves), the after-release actions (unlockAndWake)
     * and the collection views' scans under the lock; this class holds the operations (fast
     * path first, then the locked path and the wait), awaitSelection, the registration
     * protocol used by Select and the wakers, close-and-drain, observation and the testkit's
     * bookkeeping. The lock-free buffers are GatedRing's subclasses SlotRing (bounded) and
     * SegmentRing (unbounded).
     */

    /** Blockers the testkit shows in its wait-for graph; their toString reads the state. */
    final Object sendBlocker;

    final Object recvBlocker;

    /** Simulation only: threads that sent on / received from this channel (see simNote). */
    private Set<Thread> simSenders;

    private Set<Thread> simReceivers;

    ChannelCore(String name, int capacity, Overflow overflow, Consumer<? super T> onUndelivered) {
        super(name, capacity, overflow, onUndelivered);
        this.sendBlocker = new Blocker(true);
        this.recvBlocker = new Blocker(false);
    }

    // ---- operations ----

    /** A non-blocking send: OK, FULL or CLOSED_CODE. */
    int trySend(Object x) {
        Rt.yieldPoint(Op.OTHER, this);
        simNote(true);
        if (fast != null) {
            int r = fast.offer(x);
            if (r == GatedRing.RESUME) {
                r = resume(x);
            }
            if (r != GatedRing.GATED) {
                return r == GatedRing.OK ? OK : FULL;
            }
        }
        return trySendLocked(x);
    }

    /**
     * After a fast offer of {@code x} answered {@link GatedRing#RESUME}: takes the receiver that
     * waits in the ring out of it and hands it {@code x}, without the lock (ADR 0144); if it left
     * (it won its abort) or another producer took it first, offers again. Returns the ring's
     * answer: {@link GatedRing#OK}, {@link GatedRing#FULL} or {@link GatedRing#GATED}.
     */
    private int resume(Object x) {
        int r = GatedRing.RESUME;
        while (r == GatedRing.RESUME) {
            Waiter w = fast.takeWaiter();
            if (w != null) {
                Rt.yieldPoint(Op.OTHER, this); // the testkit explores the taken, unclaimed waiter
                if (w.tryClaim()) {
                    noteClaimed(w);
                    w.complete(0, x);
                    w.wake();
                    return GatedRing.OK;
                }
                // its owner aborted (timeout, interrupt, cancelled scope): dropped; it takes the
                // lock to look for an entry, finds none, and leaves as if it never came
            }
            r = fast.offer(x);
        }
        return r;
    }

    /** trySend under the lock (out of line, so that the lock-free attempt inlines small). */
    private int trySendLocked(Object x) {
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
        return tryRecvLocked();
    }

    /** tryRecv under the lock (out of line, so that the lock-free attempt inlines small). */
    private Object tryRecvLocked() {
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
        boolean spent = false; // ADR 0156: the retries below spent a virtual thread's yields
        if (fast != null) { // spin's yields can take the whole timeout on a loaded machine
            int budget = fastBudget();
            for (int left = budget; ; left--) {
                int r = fast.offer(x);
                if (r == GatedRing.RESUME) {
                    r = resume(x);
                }
                if (r == GatedRing.OK) {
                    ChannelBlockedEvent.finish(event, sendBlocker, "send", true);
                    return OK;
                }
                if (r == GatedRing.GATED || left <= 0 || deadline.isExpired()) {
                    spent = left <= 0 && Waiter.yieldsSpent(budget);
                    break;
                }
                event = event == null ? ChannelBlockedEvent.start() : event;
                Waiter.backOff(left);
            }
        }
        if (slot != null) {
            Object m = slot.meet(x, null);
            if (m == HandOffSlot.VACANT && !deadline.isExpired()) {
                refuseInsidePoll("send", "send(tx, element)");
                Waiter mine = HandOffSlot.waiterFor(x); // ADR 0123: the waiter is the entry
                m = slot.meet(x, mine);
                if (m == mine) {
                    Object out = awaitInSlot(mine, true, deadline); // SENT, CLOSED or EMPTY
                    return out == SENT ? OK : out == CLOSED ? CLOSED_CODE : FULL;
                }
            }
            if (m == SENT) {
                return OK;
            }
        }
        lock();
        int r = offerLocked(x, null);
        if (r != FULL || deadline.isExpired()) {
            unlockAndWake();
            ChannelBlockedEvent.finish(event, sendBlocker, "send", r != FULL);
            return r;
        }
        if (InsidePoll.task() != null) {
            unlockAndWake(); // nothing queued: the channel is as before the call
            refuseInsidePoll("send", "send(tx, element)");
        }
        Waiter w = new Waiter(Thread.currentThread(), null);
        w.yielding = spent; // ADR 0156: it parks at once, and counts as idle if claimed first
        Entry e = new Entry(w, 0, x);
        senders.append(e);
        fireReadersLocked(); // a rendezvous element is now on offer
        unlockAndWake();
        event = event == null ? ChannelBlockedEvent.start() : event;
        long since = Rt.nanoTime(); // for the message of a stop by the scope
        int why = awaitSelection(w, sendBlocker, deadline, this);
        event.finish(sendBlocker, "send", why == DONE);
        if (why == DONE) {
            return w.item == SENT ? OK : CLOSED_CODE;
        }
        unregister(e, true);
        return afterAbort(why, "send", since);
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
        boolean spent = false; // ADR 0156: the retries below spent a virtual thread's yields
        if (fast != null) {
            Waiter mine = null;
            int budget = fastBudget();
            for (int left = budget; ; left--) {
                Object x = fast.poll();
                if (x != null && x != GatedRing.GATED_MARK) {
                    ChannelBlockedEvent.finish(event, recvBlocker, "receive", true);
                    return x;
                }
                if (x == GatedRing.GATED_MARK || deadline.isExpired()) {
                    break;
                }
                if (left <= 0) {
                    spent = Waiter.yieldsSpent(budget);
                    if (!GatedRing.RING_WAITER) {
                        break;
                    }
                    if (mine == null) {
                        refuseInsidePoll("recv", "recv(rx)");
                        mine = new Waiter(Thread.currentThread(), null);
                        mine.yielding = spent; // ADR 0156: parks at once; idle if claimed first
                    }
                    int r = fast.install(mine); // ADR 0144: wait in the empty ring, no lock
                    if (r == GatedRing.OK) {
                        return awaitInRing(mine, event, deadline);
                    }
                    if (r == GatedRing.GATED) {
                        break;
                    }
                    continue; // RETRY: an element came meanwhile
                }
                event = event == null ? ChannelBlockedEvent.start() : event;
                Waiter.backOff(left);
            }
        }
        if (slot != null) {
            Object m = slot.meet(null, null);
            if (m == HandOffSlot.VACANT && !deadline.isExpired()) {
                refuseInsidePoll("recv", "recv(rx)");
                Waiter mine = HandOffSlot.waiterFor(null);
                m = slot.meet(null, mine);
                if (m == mine) {
                    return awaitInSlot(mine, false, deadline);
                }
            }
            if (m != HandOffSlot.VACANT && m != HandOffSlot.LOCKED) {
                return m; // a waiting sender's element
            }
        }
        lock();
        Object x = pollLocked(null);
        if (x != EMPTY || deadline.isExpired()) {
            unlockAndWake();
            ChannelBlockedEvent.finish(event, recvBlocker, "receive", x != EMPTY);
            return x;
        }
        if (InsidePoll.task() != null) {
            unlockAndWake(); // nothing queued: the channel is as before the call
            refuseInsidePoll("recv", "recv(rx)");
        }
        Waiter w = new Waiter(Thread.currentThread(), null);
        w.yielding = spent; // ADR 0156: it parks at once, and counts as idle if claimed first
        Entry e = new Entry(w, 0, null);
        receivers.append(e);
        unlockAndWake();
        event = event == null ? ChannelBlockedEvent.start() : event;
        long since = Rt.nanoTime(); // for the message of a stop by the scope
        int why = awaitSelection(w, recvBlocker, deadline, this);
        event.finish(recvBlocker, "receive", why == DONE);
        if (why == DONE) {
            return w.item;
        }
        unregister(e, false);
        afterAbort(why, "receive", since);
        return EMPTY;
    }

    /**
     * Throws if the calling thread is inside an async task's poll: a wait there would hold the
     * executor thread that polls the task, and on a one-thread executor wait for ever when the
     * other end is a task of it (probe17, ADR 0189). Asked only where the operation is about to
     * wait (nothing queued yet), so a blocking operation that completes at once still works there.
     */
    void refuseInsidePoll(String op, String asyncForm) {
        String task = InsidePoll.task();
        if (task != null) {
            throw new IllegalStateException(
                    "blocking "
                            + op
                            + " on "
                            + label()
                            + " inside a poll of "
                            + task
                            + " would block the executor thread polling it (on a one-thread"
                            + " executor for ever, if a task of it is the other end): await"
                            + " AsyncChannels."
                            + asyncForm
                            + " there instead, or use a try or zero-timeout form");
        }
    }

    /**
     * The retries of a blocking operation's fast path: {@link Waiter#spinBudget()}, but none for a
     * virtual thread while the partner hint says the yields are not answered here (ADR 0122; its
     * queued wait probes them again on one wait in {@link Waiter#PROBE_EVERY}).
     */
    int fastBudget() {
        int budget = Waiter.spinBudget();
        if (Waiter.VIRTUAL_HINT
                && budget > 0
                && partnerIdle()
                && Thread.currentThread().isVirtual()) {
            return 0;
        }
        return budget;
    }

    /**
     * Waits for {@code w}, installed in the hand-off slot (ADR 0112, 0123), as a queued waiter
     * waits: returns its outcome ({@link #SENT} or {@link #CLOSED} for a send, the element or
     * {@link #CLOSED} for a receive), or {@link #EMPTY} on timeout. An owner that wins its abort
     * takes its waiter out of the slot, or its entry out of the list the lock moved it to.
     *
     * @throws InterruptedException if interrupted before the hand-off
     */
    private Object awaitInSlot(Waiter w, boolean send, Deadline deadline)
            throws InterruptedException {
        Object blocker = send ? sendBlocker : recvBlocker;
        String op = send ? "send" : "receive";
        ChannelBlockedEvent event = ChannelBlockedEvent.start();
        long since = Rt.nanoTime(); // for the message of a stop by the scope
        int why = awaitSelection(w, blocker, deadline, this);
        event.finish(blocker, op, why == DONE);
        if (why == DONE) {
            return w.item;
        }
        if (!slot.withdraw(w)) {
            unregisterDisplaced(w, send); // moved into a list by a lock holder (or taken, dropped)
        }
        afterAbort(why, op, since);
        return EMPTY;
    }

    /**
     * Waits for {@code w}, installed in the empty ring (ADR 0144), as a queued waiter waits:
     * returns the element, {@link #CLOSED}, or {@link #EMPTY} on timeout. An owner that wins its
     * abort takes the lock, which moves {@code w} into the receivers list if it still waits in the
     * ring, and takes its entry out (none found: a producer took it and dropped it).
     *
     * @throws InterruptedException if interrupted before an element was handed over
     */
    private Object awaitInRing(Waiter w, ChannelBlockedEvent started, Deadline deadline)
            throws InterruptedException {
        ChannelBlockedEvent event = started == null ? ChannelBlockedEvent.start() : started;
        long since = Rt.nanoTime(); // for the message of a stop by the scope
        int why = awaitSelection(w, recvBlocker, deadline, this);
        event.finish(recvBlocker, "receive", why == DONE);
        if (why == DONE) {
            return w.item;
        }
        unregisterDisplaced(w, false);
        afterAbort(why, "receive", since);
        return EMPTY;
    }

    /**
     * After a won abort: throws for an interrupt or a stopped scope (naming the operation, the
     * channel and how long it waited since {@code since}); returns FULL on timeout.
     */
    private int afterAbort(int why, String op, long since) throws InterruptedException {
        if (why == INTERRUPTED) {
            throw new InterruptedException();
        }
        if (why == STOPPED) {
            CancelScope.current().checkWaiting(op, label(), since); // throws: never reverts
            throw new AssertionError("scope stopped but check() passed");
        }
        return FULL;
    }

    /**
     * Parks until {@code w} is selected, or until the deadline, an interrupt or the ambient scope's
     * cancellation makes its owner win the abort. Returns {@link #DONE} or the reason.
     */
    static int awaitSelection(Waiter w, Object blocker, Deadline deadline, LockedCore<?> hint) {
        CancelScope scope = CancelScope.current();
        CancellationRegistration stop = scope.isActive() ? scope.wakeOnCancel(w.thread) : null;
        Deadline bound = stop == null ? deadline : scope.deadline().min(deadline);
        int spins = Waiter.spinBudget(); // a partner on another core answers within a few µs
        boolean canSpin = hint != null && spins > Waiter.PARK_YIELDS; // never under the testkit
        boolean probe = false;
        if (canSpin && Waiter.PARTNER_HINT && hint.partnerIdle()) {
            if (Waiter.skipSpins(true)) {
                spins = Waiter.PARK_YIELDS; // ADR 0113: recent partners claimed were not running
                canSpin = false;
                w.skippedSpins = true;
            } else {
                probe = Waiter.LONG_SPINS > Waiter.PARK_SPINS; // long: a running partner meets it
            }
        }
        boolean yieldsOnly = !canSpin && spins > 0 && Thread.currentThread().isVirtual();
        int idleAt = Waiter.idleAt(yieldsOnly); // ADR 0122: a virtual owner, after one yield
        if (yieldsOnly && w.yielding) {
            spins = 0; // ADR 0156: its lock-free retries spent the yields: park at once
        } else if (yieldsOnly && hint != null && Waiter.skipYields(hint.partnerIdle())) {
            spins = 0; // ADR 0122: recent owners claimed here were idle: park at once
            w.skippedSpins = true;
        }
        boolean longSpin = canSpin && (probe || Waiter.spinLongNow(hint.spinLong));
        if (longSpin) {
            spins = Waiter.LONG_SPINS + Waiter.PARK_YIELDS;
        }
        try {
            while (true) {
                int s = w.state();
                if (s == Waiter.SELECTED) {
                    if (longSpin && hint.spinLong != spins > Waiter.PARK_YIELDS) {
                        hint.spinLong = !hint.spinLong; // ADR 0091: did the long spin pay?
                    }
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
                    if (spins <= idleAt) {
                        w.yielding = true; // a claimer now finds this owner idle (ADR 0113)
                    }
                    Waiter.backOff(spins--);
                    continue;
                }
                if (!w.announcePark()) {
                    continue; // claimed meanwhile: the outcome is a few stores away, no unpark
                    // comes
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
                fireReadersLocked(self); // not the registrant's own receive clauses (ADR 0175)
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
     * Takes the entry that {@link #lock()} made for {@code w}, displaced from the hand-off slot,
     * out of its list if it is still there (ADR 0123: the slot holds the waiter, the lock gives it
     * an entry; a short scan, on an aborted slot wait only).
     */
    private void unregisterDisplaced(Waiter w, boolean send) {
        lock();
        WaitList list = send ? senders : receivers;
        for (Entry e = list.first(); e != null; e = e.next) {
            if (e.waiter == w) {
                list.remove(e);
                break;
            }
        }
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

    /**
     * Registers {@code e}, a receive clause's readiness entry under a shared select word (ADR
     * 0175), unless a receive could proceed now without pairing with that word's own offers;
     * returns whether it could (then nothing was registered: the caller aborts and tries again).
     */
    boolean registerWatcher(Entry e) {
        simNote(false);
        lock();
        boolean ready = recvReadyLocked(e.waiter);
        if (!ready) {
            readers.append(e);
        }
        unlockAndWake();
        return ready;
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

    /**
     * Registers {@code waker} to run once the channel is closed and its buffer empty (right after
     * this call if it already is): for {@link ChannelFlow}'s delivery thread, which waits for
     * demand while elements are buffered and must still hear the end when others take them. Takes
     * no element and does not count as a waiting receiver.
     */
    Entry registerEndWatcher(ChannelWaker waker) {
        Entry e = new Entry(new Waiter(null, waker), 0, null);
        lock();
        if (endWatchers == null) {
            endWatchers = new WaitList();
        }
        endWatchers.append(e);
        unlockAndWake(); // fires it if the end already holds
        return e;
    }

    void unregisterEndWatcher(Entry e) {
        lock();
        endWatchers.remove(e);
        unlockAndWake();
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
        if (wake != null) {
            for (Waiter w : wake) {
                w.wake(); // a throwing waker is reported, not rethrown (ADR 0105)
            }
        }
        if (chain != null) {
            fire(chain);
        }
        if (dropped != null) {
            for (Object x : dropped) {
                undelivered(x);
            }
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
        if (!closedFlag) {
            return false;
        }
        // the testkit: close() announced its release on this core at its yield point; "closing
        // happens-before every operation that reports the channel closed" holds for a poll too
        Rt.acquireFrom(this);
        return true;
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

    /**
     * What a blocked sender or receiver parks on; its text is the wait-for graph's label. Open: any
     * thread that can reach the channel may end the wait (the testkit's deadlock report, ADR 0135).
     */
    private final class Blocker implements SimWait.Open {
        private final boolean send;

        Blocker(boolean send) {
            this.send = send;
        }

        @Override
        public String toString() {
            return (send ? "to send on " : "to receive on ") + label() + " (" + describe() + ")";
        }
    }
}
