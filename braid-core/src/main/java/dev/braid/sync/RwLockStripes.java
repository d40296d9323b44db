package dev.braid.sync;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancellationRegistration;
import dev.braid.internal.rt.Rt;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The striped reader indicator of an inflated {@link RwLock}: one padded counter per slot, so two
 * readers on different slots write different cache lines. A reader counts itself in its slot and
 * then checks the lock's state word; a writer claims the state word and then waits here until every
 * slot is zero ({@link #awaitDrained}). The state word it pairs with is described in RwLock's
 * implementation notes.
 */
final class RwLockStripes {
    /*
     * Implementation notes
     *
     * Algorithm (ADR 0015). Two readers counting in the lock's one state word bounce its cache
     * line (two RMWs per read). So a reader that finds another reader in, or loses a CAS to one,
     * inflates the lock: its `stripes` (this object, set once, never cleared) holds one counter per
     * slot, padded to 128 bytes, the slot chosen by thread id. A striped read increments its slot,
     * then reads the state word: if READ_BLOCKERS are clear it holds, else it decrements (waking a
     * draining writer) and takes the slow path, which counts in the state word as before. The
     * guard remembers its slot (or CENTRAL), and release decrements that slot, then unparks the
     * `drainer` if one is set. A writer claims WRITER in the state word exactly as before, then
     * reads `stripes` and waits until every slot is zero: spins briefly, then sets `drainer` and
     * parks. Readers arriving meanwhile see WRITER and back off, so the claim acts like WSPIN.
     * A claim that times out, is interrupted or is stopped by its scope is given back (the
     * sequence moves on by two) and dispatches, like a release. tryRead stays on the shared count,
     * and tryWrite fails without claiming while a slot is non-zero, so a failing try never makes
     * another fail (both stay linearizable). Queue hand-offs are unchanged: a granted writer
     * drains the stripes itself after it wakes; queued readers are granted on the shared count.
     *
     * Memory ordering. The reader's slot RMW then its volatile read of the state, and the writer's
     * claiming CAS then its volatile reads of `stripes` and the slots, are a Dekker pair: in the
     * total order of volatile accesses one of the two sees the other, so a reader never holds
     * while a writer that saw its slot at zero proceeds (jcstress RwLockStripedExclusion). The
     * same pair (slot decrement then read of `drainer`; write of `drainer` then scan) rules out
     * a lost wake-up of the draining writer. A slot decrement is a release and the writer's scan
     * volatile reads, so a striped read section happens-before the next write; a writer's release
     * (an RMW on the state) happens-before a striped reader's state read that sees it.
     *
     * Tradeoffs. Stripes cost memory once readers overlap: (slots + 1) x 128 bytes, slots a power
     * of two of at least twice the processors, at most 64 (656 B on 2 cores, 4.2 KiB on 16, 8.3
     * KiB at most); a writer scans every slot (one cache miss per slot a reader wrote), and
     * readHolds() becomes a sum. Threads whose ids collide share a slot, which is correct but
     * bounces that line.
     *
     * References. The Linux kernel's percpu-rwsem (per-CPU reader counts, a writer that blocks
     * new readers then waits for the sum to drain); D. Dice and A. Kogan, "BRAVO - Biased Locking
     * for Reader-Writer Locks" (USENIX ATC 2019: readers publish in a visible-readers table, a
     * writer revokes and scans); I. Calciu et al., "NUMA-Aware Reader-Writer Locks" (PPoPP 2013:
     * per-node reader indicators); Y. Lev, V. Luchangco and M. Olszewski, "Scalable Reader-Writer
     * Locks" (SPAA 2009: SNZI indicators); LongAdder's lazily inflated, padded cells.
     */

    /**
     * Longs per slot: 128 bytes, so two slots never share a 64-byte line or an adjacent-line
     * prefetch pair. Padding by array stride (not by fields) does not depend on the JVM's field
     * layout, so it needs no layout test.
     */
    static final int STRIDE = 16;

    /** The most slots a lock inflates to (8 KiB of counters). */
    static final int MAX_SLOTS = 64;

    /** Slots under the testkit: fixed, so a schedule replays on any machine. */
    private static final int SIM_SLOTS = 4;

    private static final VarHandle CELL = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle DRAINER;

    static {
        try {
            DRAINER =
                    MethodHandles.lookup()
                            .findVarHandle(RwLockStripes.class, "drainer", Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Slot {@code i}'s counter is {@code cells[(i + 1) * STRIDE]}: a stride of padding each side.
     */
    private final long[] cells;

    private final int mask;

    /** The writer parked until the slots drain, or null. Written only by the (one) writer. */
    @SuppressWarnings("unused") // accessed through DRAINER
    private volatile Thread drainer;

    private RwLockStripes(int slots) {
        this.cells = new long[(slots + 1) * STRIDE];
        this.mask = slots - 1;
    }

    /** Stripes for this machine: a power of two at least twice the processors, at most 64. */
    static RwLockStripes create() {
        if (Rt.sim() != null) {
            return new RwLockStripes(SIM_SLOTS);
        }
        int cpus = Math.max(1, Runtime.getRuntime().availableProcessors());
        int slots = Math.min(MAX_SLOTS, Integer.highestOneBit(2 * cpus - 1) << 1);
        return new RwLockStripes(Math.max(2, slots));
    }

    /** The number of slots. */
    int slots() {
        return mask + 1;
    }

    /**
     * The caller's slot: consecutive thread ids land on distinct slots (under the testkit, ids are
     * spawn order, so the choice replays).
     */
    int slotOfCurrentThread() {
        return slotOf(Rt.threadId(Thread.currentThread()));
    }

    /** The slot of a thread id: its low bits, so that any run of consecutive ids is spread. */
    int slotOf(long threadId) {
        return (int) threadId & mask;
    }

    /**
     * A read hold on {@code lock} through the caller's stripe: counts the caller in, then checks
     * the lock's state word (a Dekker pair with a writer's claim-then-scan, see the notes); backs
     * out if a writer holds, claimed, or waits, and waits a write in progress out here rather than
     * count in the state word the writer is hitting. Returns the slot, or {@link RwLock#NOT_HELD}
     * when waiters are queued or the wait ran out (the caller then queues).
     */
    int enterRead(RwLock<?> lock) {
        int slot = slotOfCurrentThread();
        enter(slot); // a full fence: the state read below cannot move above it
        if ((lock.stateVolatile() & RwLock.READ_BLOCKERS) == 0) {
            return slot;
        }
        leave(slot); // wakes the claiming writer if it already parked on our count
        for (int left = Waiter.spinBudget(RwLock.READER_SPINS); left > 0; left--) {
            Waiter.backOff(left, RwLock.READER_BACKOFF); // leaves the writer its lines meanwhile
            long s = lock.stateVolatile();
            if ((s & (RwLock.WWAIT | RwLock.HANDOFF)) != 0) {
                return RwLock.NOT_HELD; // queued waiters: go behind them
            }
            if ((s & RwLock.READ_BLOCKERS) == 0) {
                enter(slot);
                if ((lock.stateVolatile() & RwLock.READ_BLOCKERS) == 0) {
                    return slot;
                }
                leave(slot);
            }
        }
        return RwLock.NOT_HELD;
    }

    /** Counts a reader in {@code slot}. A full fence (an atomic RMW): the state read follows it. */
    void enter(int slot) {
        CELL.getAndAdd(cells, (slot + 1) * STRIDE, 1L);
    }

    /**
     * Uncounts a reader (release: its reads happen-before the writer that sees the slot drained),
     * then wakes a writer parked on the slots. The drainer is read after the RMW: with the writer's
     * write of {@code drainer} before its scan, one of the two sees the other (Dekker).
     */
    void leave(int slot) {
        CELL.getAndAdd(cells, (slot + 1) * STRIDE, -1L);
        Thread d = (Thread) DRAINER.getVolatile(this);
        if (d != null) {
            Rt.unpark(d);
        }
    }

    /**
     * The sum of the slots (volatile reads). For the writer that claimed the lock, zero means that
     * no striped reader holds: a reader that enters after the claim backs out again (it may be
     * counted briefly on its way), and a reader leaves the slot it entered.
     */
    long sum() {
        long n = 0;
        for (int i = STRIDE; i < cells.length; i += STRIDE) {
            n += (long) CELL.getVolatile(cells, i);
        }
        return n;
    }

    /**
     * The claiming writer's wait, after the inline check found a striped reader: refuses a writer
     * that would wait for its own striped read hold, waits ({@link #awaitDrained}, counted as a
     * contended wait when instrumented), and gives the claim back if the wait ends early. Returns
     * false on timeout; throws for an interrupt or a stopped scope.
     */
    boolean awaitDrainedAfterClaim(
            RwLock<?> lock, boolean timed, long deadline, boolean interruptible, boolean ambient)
            throws InterruptedException {
        if (lock.readHolds.get().striped != 0) {
            lock.abandonClaim();
            ReadHolds.refuseOwnReadHold(lock);
        }
        LockCounters counters = lock.counters;
        long start = counters == null ? 0L : Rt.nanoTime();
        int outcome = awaitDrained(lock, timed, deadline, interruptible, ambient);
        if (counters != null) { // a contended wait of its own (after a queue wait, a second one)
            counters.waited(Rt.nanoTime() - start, outcome == DRAINED);
        }
        if (outcome == DRAINED) {
            return true;
        }
        lock.abandonClaim();
        if (outcome == STOPPED) {
            Waiter.throwStopped(CancelScope.current());
        }
        if (outcome == INTERRUPTED) {
            throw new InterruptedException();
        }
        return false;
    }

    /** Outcomes of {@link #awaitDrained}. */
    static final int DRAINED = 0;

    static final int TIMED_OUT = 1;
    static final int INTERRUPTED = 2;
    static final int STOPPED = 3;

    /**
     * Called by the writer that claimed the state word: waits until every slot is zero (spins a
     * little, then parks with {@code drainer} set). Returns {@link #DRAINED}, or why it stopped
     * ({@link #STOPPED}: the caller's ambient scope); an interrupt that does not stop it ({@code
     * !interruptible}) is kept and restored.
     */
    int awaitDrained(
            Object blocker, boolean timed, long deadline, boolean interruptible, boolean ambient) {
        for (int left = Waiter.spinBudget(); left > 0; left--) {
            Waiter.backOff(left);
            if (sum() == 0) {
                return DRAINED;
            }
        }
        CancelScope scope = null;
        CancellationRegistration stop = null;
        boolean keepInterrupt = false;
        DRAINER.setVolatile(this, Thread.currentThread()); // before the scan below (Dekker)
        try {
            if (ambient) {
                scope = CancelScope.current();
                if (scope.isActive()) {
                    stop = scope.wakeOnCancel(Thread.currentThread());
                }
            }
            while (sum() != 0) {
                if (stop != null && scope.isCancelled()) {
                    return STOPPED;
                }
                if (timed) {
                    if (Rt.nanoTime() - deadline >= 0) {
                        return TIMED_OUT;
                    }
                    Rt.parkUntil(blocker, Waiter.parkDeadline(scope, stop, deadline));
                } else if (stop != null && !scope.deadline().isNever()) {
                    Rt.parkUntil(blocker, scope.deadline().nanoTime());
                } else {
                    Rt.park(blocker);
                }
                if (Thread.interrupted()) {
                    if (interruptible) {
                        return INTERRUPTED;
                    }
                    keepInterrupt = true;
                }
            }
            return DRAINED;
        } finally {
            DRAINER.setVolatile(this, null);
            if (stop != null) {
                stop.deregister();
            }
            if (keepInterrupt) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
