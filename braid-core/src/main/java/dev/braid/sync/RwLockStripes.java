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
 * slot is zero ({@link #awaitDrained}). The protocol and its Dekker argument are in RwLock's
 * implementation notes.
 */
final class RwLockStripes {
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
     * the lock's state word (a Dekker pair with a writer's claim-then-scan, see RwLock's notes);
     * backs out if a writer holds, claimed, or waits, and waits a write in progress out here rather
     * than count in the state word the writer is hitting. Returns the slot, or {@link
     * RwLock#NOT_HELD} when waiters are queued or the wait ran out (the caller then queues).
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
