package dev.braid.sync;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.Deadline;
import dev.braid.internal.rt.Op;
import dev.braid.internal.rt.Rt;
import dev.braid.internal.util.Args;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A reader-writer lock that owns the value it protects: any number of readers, or one writer.
 *
 * <pre>{@code
 * RwLock<Map<String, Integer>> prices = new RwLock<>(new HashMap<>());
 * try (var r = prices.read()) { use(r.get().get("tea")); }
 * try (var w = prices.write()) { w.get().put("tea", 3); }
 * int n = prices.withRead(Map::size);
 * }</pre>
 *
 * <p><b>Happens-before.</b> A write-lock release happens-before every later acquisition (read or
 * write); a read-lock release happens-before the next write acquisition.
 *
 * <p><b>Fairness contract.</b> The default lock is <em>eventually phase-fair</em>: arriving threads
 * may take the lock ahead of queued ones (barging keeps throughput high), but never at a waiter's
 * lasting expense:
 *
 * <ul>
 *   <li>Writers do not starve: while a writer waits (spinning or queued), arriving readers do not
 *       join the current readers; they wait behind it.
 *   <li>Waiters are served in FIFO order of arrival: a queued writer, or all queued readers
 *       together, are woken when the lock becomes available to them, and a woken waiter that loses
 *       the race keeps its place at the front.
 *   <li>When the waiter at the front has waited longer than {@value Mutex#FAIR_BOUND_NANOS} ns at
 *       its turn, the lock is <em>handed</em> to it instead (phase-fair: after a write, all queued
 *       readers enter together), and nobody may barge until it holds. So no reader waits for more
 *       than about the bound plus one write phase, and no writer for more than about the bound plus
 *       the phases of the waiters ahead of it.
 * </ul>
 *
 * <p>A {@linkplain Builder#fair(boolean) fair} lock is strictly phase-fair (Brandenburg and
 * Anderson): once anyone is queued nobody barges, a writer's release admits every queued reader
 * together before the next queued writer, and every contended release hands the lock over directly.
 * It trades throughput (each phase change is a park/unpark hand-off) for exact bounds. {@link
 * #tryRead()} never waits and fails while a writer holds or waits, or a hand-off is pending; {@link
 * #tryWrite()} never waits and fails while anyone holds or a hand-off is pending. In a fair lock
 * both fail while anyone is queued.
 *
 * <p><b>Scalable reads.</b> Once readers overlap, the lock gives each thread its own reader counter
 * (a padded slot chosen by thread id, up to 64 slots, about 0.6 KiB on 2 cores and 8 KiB at most),
 * so concurrent read holds no longer write a shared cache line. A writer then claims the lock,
 * which stops new readers, and waits for the slots to drain ({@link #isWriteLocked()} is already
 * true while it waits). {@link #readHolds()} is a sum over the slots. See ADR 0015.
 *
 * <p><b>Poisoning.</b> A failing writer poisons: {@link #withWrite} / {@link #update} that throw,
 * or {@link RwLockWriteGuard#poison}. A failing reader ({@link #withRead}) does not. While
 * poisoned, {@link #read()} and {@link #write()} throw {@link PoisonedException} without holding
 * the lock; recover with {@link #writeIgnoringPoison()} and {@link RwLockWriteGuard#clearPoison()},
 * {@link #clearPoison()}, or {@link #intoInner()}.
 *
 * <p><b>Blocking.</b> {@link #read()} and {@link #write()} ignore interrupts (status kept); the
 * {@code Interruptibly} and timed variants throw {@link InterruptedException} (ADR 0002).
 *
 * <p><b>Ambient cancellation.</b> Inside a {@link CancelScope}, an acquisition (read or write) that
 * has to park stops waiting when the scope's token is cancelled or its deadline passes, and throws
 * {@link dev.braid.cancel.CancelledException} (or {@link
 * dev.braid.cancel.DeadlineExceededException}) without holding the lock. A lock that is available
 * is taken without looking at the scope.
 *
 * <p><b>Reentrancy: no silent self-deadlock.</b> A thread holding the write lock that asks for it
 * again, or for a read lock, gets {@link IllegalStateException}. A thread holding a read hold that
 * asks for the write lock gets {@link IllegalStateException} at once (it would wait for its own
 * hold forever): close the read guard first, or read with {@link #upgradableRead()} and {@link
 * RwLockUpgradableReadGuard#upgrade() upgrade}. A thread holding a read hold may read again: it
 * joins its own hold instead of queueing behind a waiting writer (which waits for that hold), so
 * nested reads never deadlock; a writer then waits until the outer hold is released. Each thread's
 * read holds are counted per lock (a {@code ThreadLocal}, as in {@code ReentrantReadWriteLock}),
 * see ADR 0037. Use {@link RwLockWriteGuard#downgrade()} to turn a write hold into a read hold
 * atomically.
 *
 * <p><b>Upgradable reads.</b> {@link #upgradableRead()} reads alongside plain readers; at most one
 * thread holds an upgradable read at a time, and it can {@linkplain
 * RwLockUpgradableReadGuard#upgrade() upgrade} to the write lock with no writer in between, and
 * {@linkplain RwLockWriteGuard#downgradeToUpgradable() go back} (ADR 0038).
 *
 * <p><b>Guards belong to their thread.</b> Using or closing a guard from a thread other than the
 * one that acquired it throws {@link IllegalStateException} and leaves the lock held.
 *
 * @param <T> the protected value's type
 */
public final class RwLock<T> {
    /*
     * Implementation notes
     *
     * Algorithm. One 64-bit state word; reads and writes take it with one CAS when uncontended and
     * release it with one fetch-and-add. A thread that finds the lock unavailable spins briefly
     * (a writer first announces itself in WSPIN, so that arriving readers hold back and the read
     * phase drains while it spins), then queues in a FIFO of Waiter nodes and parks. A releaser
     * that sees QUEUED takes QLOCK and dispatches: it wakes the head to compete with arrivals or,
     * once the head has waited FAIR_BOUND_NANOS (in a fair lock: always), grants it the lock
     * (phase-fair hand-off). The queue, wake-ups, grants, HANDOFF, lost wake-ups, timeouts and
     * ambient cancellation are RwLockQueue's, described in its notes.
     *
     * Striped readers (ADR 0015). Once readers overlap, each counts itself in a padded per-thread
     * slot (`stripes`, RwLockStripes, set once, never cleared) and then checks the state word; a
     * writer claims WRITER here as before, then waits for the slots to drain. The protocol, its
     * Dekker argument and its costs are in RwLockStripes' notes.
     *
     * State (the `state` long):
     *   bit  0       QLOCK   - a thread is editing the waiter queue (and the fields it guards).
     *   bit  1       QUEUED  - the queue is non-empty: releasers dispatch.
     *   bit  2       WWAIT   - a writer is queued: arriving readers hold back, so a reader flood
     *                          cannot starve a writer.
     *   bit  3       HANDOFF - the queue's head is being handed the lock: nobody may barge.
     *   bits 4..7    WSPIN   - writers spinning before they queue (saturates at 15; a writer that
     *                          finds it full spins unannounced): arriving readers hold back.
     *   bits 8..30   readers - number of read holds counted here, not in stripes (at most
     *                2^23 - 1).
     *   bit  31      UPGRADING - an upgradable reader waits in upgrade() for the other readers
     *                          to leave: arriving readers hold back, and the central release
     *                          that leaves it alone unparks it (RwLockUpgrades).
     *   bits 32..63  write sequence; odd = a writer holds the lock (WRITER is its unit). Every
     *                write acquisition and release adds WRITER, so an optimistic reader validates
     *                by comparing the sequence before and after (StampedLock's idea).
     * Reads need no WRITER, WWAIT, WSPIN or HANDOFF (a woken reader ignores WWAIT and WSPIN: it is
     * the phase being admitted); writes need no WRITER, readers or HANDOFF. WWAIT and HANDOFF change
     * only under QLOCK (or with the enqueuing CAS that takes it); a spinning writer's WSPIN unit
     * leaves with the CAS that gives it the lock or queues it, or is withdrawn. A waiter enqueues
     * only with a CAS that sets QLOCK|QUEUED on a state that blocks it, so whatever blocks it is
     * resolved by someone who then dispatches: a holder sees QUEUED in its releasing fetch-and-add;
     * a queued writer (WWAIT) is eventually woken or granted, or cancels and dispatches; a spinning
     * writer (WSPIN) holds and releases, withdraws and dispatches, or queues and dispatches (in a
     * fair lock the readers it held back set HANDOFF, which now blocks it in turn);
     * HANDOFF is only set while holders exist, whose release grants. Node fates (WOKEN, GRANTED,
     * CANCELLED) are written under QLOCK. Grants and barging acquisitions race, so every state
     * change is an atomic RMW.
     *
     * Memory ordering. Acquiring CAS = acquire, releasing getAndAdd = release (both volatile).
     * A grant's state RMW and the volatile GRANTED write happen-after the releaser's release, so
     * the grantee sees the previous critical section. The optimistic read's validation and the
     * striped readers' Dekker pair with a draining writer are argued in RwLockOptimistic's and
     * RwLockStripes' notes.
     *
     * Read holds per thread (ADR 0037). Every read hold is counted in the holder's ReadHolds
     * record (this lock's ThreadLocal `readHolds`), consulted only where a thread would otherwise
     * wait; the self-deadlock checks and the rejoining read live in ReadHolds (see its notes).
     *
     * Upgradable reads (ADR 0038). One upgradable reader at a time holds a central read hold and
     * can turn it into WRITER in one CAS (UPGRADING holds arriving readers back meanwhile); the
     * gate, the upgrade and its orderings are in RwLockUpgrades, created on first use.
     *
     * Split. This file keeps the state word, the public API, and what read() and write() run
     * when the lock is available plus every release (the hot paths, so they gain no call). The
     * rest is by concern: RwLockAcquisitions (non-blocking attempts, interruptible, timed and
     * scope-bounded acquisitions, the shared slow path, the Condvar re-acquisition),
     * RwLockOptimistic (readOptimistic), RwLockDescription (toString), RwLockQueue (waiters),
     * RwLockStripes (striped readers), RwLockUpgrades and ReadHolds (above).
     *
     * Tradeoffs. Per-thread read holds cost a ThreadLocal lookup per read (ADR 0037). A reader
     * that meets a write in progress (optimistic, or striped) looks again only after
     * READER_BACKOFF spin-waits, up to READER_SPINS times: polling sooner pulls the state and value
     * lines away from the writer mid-section; the price is up to one backoff of extra latency for
     * that reader (ADR 0018). Wake-and-compete and the stripes have their own costs (RwLockQueue's
     * and RwLockStripes' notes).
     *
     * Simulation. Every acquisition announces Op.LOCK and every release Op.UNLOCK and reports to
     * LockHooks; parks use `this` as blocker. QLOCK sections contain no yield point.
     *
     * References. B. Brandenburg and J. Anderson, "Spin-Based Reader-Writer Synchronization for
     * Multiprocessor Real-Time Systems" (Real-Time Systems 46(1), 2010) - phase-fair RW locks;
     * the JDK's StampedLock implementation notes (sequence-validated optimistic reads); Drepper,
     * "Futexes Are Tricky" (parking without lost wake-ups). More in the helpers' notes.
     */

    static final long QLOCK = 1L;
    static final long QUEUED = 2L;
    static final long WWAIT = 4L;
    static final long HANDOFF = 8L;
    static final long WSPIN = 16L;
    static final long WSPINS = 0xF0L;
    static final long READER = 256L;
    static final long READERS = 0x7FFF_FF00L;

    /** An upgradable reader waits for the other readers to leave (see the notes). */
    static final long UPGRADING = 1L << 31;

    static final long WRITER = 1L << 32;
    static final long SEQUENCE = 0xFFFF_FFFF_0000_0000L;

    /** What stops an arriving reader, and an arriving or woken writer. */
    static final long READ_BLOCKERS = WRITER | WWAIT | HANDOFF | WSPINS | UPGRADING;

    static final long WRITE_BLOCKERS = WRITER | READERS | HANDOFF;

    /** What stops a woken reader: it is the phase being admitted, so WWAIT and WSPIN do not. */
    static final long WOKEN_READ_BLOCKERS = WRITER | HANDOFF;

    /**
     * How many {@link Rt#spinWait()}s a reader that found a write in progress waits before it looks
     * at the state word again (ADR 0018): long enough for the writer to finish without the reader
     * pulling its cache lines back in the middle (about 2.4 us on the reference box, where a
     * spin-wait takes 19 ns), still well under a park and unpark.
     */
    static final int READER_BACKOFF = 128;

    /** How many such waits a reader spends on one write before it queues or takes a read hold. */
    static final int READER_SPINS = 8;

    /** A read hold counted in the state word (not in a stripe); stripes are 0..63. */
    static final int CENTRAL = -1;

    /** No read hold was taken. */
    static final int NOT_HELD = -2;

    private static final VarHandle STATE;
    private static final VarHandle STRIPES;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(RwLock.class, "state", long.class);
            STRIPES = l.findVarHandle(RwLock.class, "stripes", RwLockStripes.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // accessed through STATE (and RwLockOptimistic's STATE)
    volatile long state;

    /** The striped reader indicator; null until readers overlap (then never again null). */
    volatile RwLockStripes stripes;

    Thread writer; // written only by the write holder; compared only with the caller

    /**
     * The upgradable-read gate and paths; null until the first upgradable read (RwLockUpgrades.of).
     */
    volatile RwLockUpgrades<T> upgrades;

    /** Each thread's read holds on this lock (see ReadHolds); consulted only on slow paths. */
    final ThreadLocal<ReadHolds> readHolds = ThreadLocal.withInitial(ReadHolds::new);

    final RwLockQueue waiters; // the contended half; its fields are guarded by QLOCK
    private final String name;
    final LockCounters counters; // null unless instrumented

    T value; // guarded by the lock
    volatile Throwable poison; // written under the write lock

    /**
     * An eventually phase-fair, unnamed lock protecting {@code value} (which may be null).
     *
     * @param value the value the lock protects (may be null)
     */
    public RwLock(T value) {
        this(null, false, false, false, value);
    }

    private RwLock(String name, boolean fair, boolean instrumented, boolean striped, T value) {
        this.name = name;
        this.waiters = new RwLockQueue(this, fair);
        this.counters = instrumented ? new LockCounters() : null;
        this.stripes = striped ? RwLockStripes.create() : null;
        this.value = value;
    }

    /**
     * A lock with a name, used in error messages, deadlock reports and {@link #toString()}.
     *
     * @param <T> the type of the protected value
     * @param name the name, shown in messages, deadlock reports and {@code toString()}
     * @param value the value the lock protects (may be null)
     * @return the new lock
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public static <T> RwLock<T> named(String name, T value) {
        return new RwLock<>(Args.notBlank(name, "name"), false, false, false, value);
    }

    /** {@return a builder for a lock with a name, a fairness mode or statistics} */
    public static Builder builder() {
        return new Builder();
    }

    // ---- read side ----

    /**
     * Acquires a read hold, blocking while a writer holds or waits. Ignores interrupts.
     *
     * @return the read guard; close it to release the hold
     * @throws PoisonedException if poisoned (no hold is then kept)
     * @throws IllegalStateException if the caller holds the write lock, or the lock was retired
     */
    public RwLockReadGuard<T> read() {
        return enterRead(acquireReadUninterruptibly(), true);
    }

    /**
     * Like {@link #read()}, but ignores poison (to look at a poisoned value).
     *
     * @return the read guard; close it to release the hold
     */
    public RwLockReadGuard<T> readIgnoringPoison() {
        return enterRead(acquireReadUninterruptibly(), false);
    }

    /**
     * Like {@link #read()}, but an interrupt ends the wait.
     *
     * @return the read guard; close it to release the hold
     * @throws InterruptedException if interrupted before acquiring (status cleared, no hold)
     */
    public RwLockReadGuard<T> readInterruptibly() throws InterruptedException {
        int slot = RwLockAcquisitions.acquireRead(this, Deadline.never());
        if (slot == NOT_HELD) {
            throw new AssertionError("an untimed acquisition timed out");
        }
        return enterRead(slot, true);
    }

    /**
     * A read hold if one is available right now: no writer holds or waits and no hand-off is
     * pending (in a fair lock: nobody waits); else empty.
     *
     * @return the read guard, or empty if a hold is not available now
     */
    public Optional<RwLockReadGuard<T>> tryRead() {
        Rt.yieldPoint(Op.LOCK, this);
        return RwLockAcquisitions.tryReadHold(this) == CENTRAL
                ? Optional.of(enterRead(CENTRAL, true))
                : Optional.empty();
    }

    /**
     * A read hold, waiting at most {@code timeout}.
     *
     * @param timeout how long to wait at most
     * @return the read guard, or empty if the deadline passed first
     * @throws NullPointerException if {@code timeout} is null
     * @throws InterruptedException if interrupted while waiting (status cleared, no hold)
     */
    public Optional<RwLockReadGuard<T>> tryRead(Duration timeout) throws InterruptedException {
        Args.notNull(timeout, "timeout");
        return tryRead(Deadline.after(timeout));
    }

    /**
     * A read hold, waiting until {@code deadline} at the latest.
     *
     * @param deadline the latest time to wait until
     * @return the read guard, or empty if the deadline passed first
     * @throws NullPointerException if {@code deadline} is null
     * @throws InterruptedException if interrupted while waiting (status cleared, no hold)
     */
    public Optional<RwLockReadGuard<T>> tryRead(Deadline deadline) throws InterruptedException {
        Args.notNull(deadline, "deadline");
        int slot = RwLockAcquisitions.acquireRead(this, deadline);
        return slot == NOT_HELD ? Optional.empty() : Optional.of(enterRead(slot, true));
    }

    /**
     * Runs {@code action} on the value under a read hold. A failing reader does not poison.
     *
     * @param <R> the type of the function's result
     * @param action runs on the value under the read hold
     * @return {@code action}'s result
     * @throws NullPointerException if {@code action} is null
     * @throws PoisonedException if poisoned
     */
    public <R> R withRead(Function<? super T, ? extends R> action) {
        Args.notNull(action, "action");
        try (RwLockReadGuard<T> _ = read()) {
            return action.apply(value);
        }
    }

    /**
     * Runs {@code reader} without taking the lock if no writer interferes, else under a read hold
     * (StampedLock's optimistic read). {@code reader} may therefore see the value mid-update and
     * may run twice: it must only read, tolerate inconsistent views (its result is discarded when a
     * writer interfered, exceptions included), and must not let references escape.
     *
     * @param <R> the type of the function's result
     * @param reader reads from the value; must tolerate a value mid-update
     * @return {@code reader}'s result
     * @throws NullPointerException if {@code reader} is null
     * @throws PoisonedException if poisoned
     */
    public <R> R readOptimistic(Function<? super T, ? extends R> reader) {
        Args.notNull(reader, "reader");
        Rt.yieldPoint(Op.LOAD, this);
        return RwLockOptimistic.read(this, reader);
    }

    // ---- upgradable read ----

    /**
     * An upgradable read hold (parking_lot's {@code upgradable_read}): it reads alongside plain
     * readers, at most one thread holds one at a time, and {@link
     * RwLockUpgradableReadGuard#upgrade()} turns it into the write lock atomically, so no writer
     * comes in between and what it read still holds when it writes. Waits while a writer holds or
     * waits or another thread holds an upgradable read. Ignores interrupts; inside a {@link
     * CancelScope}, a wait stops as {@link #read()}'s does.
     *
     * <pre>{@code
     * try (var u = cache.upgradableRead()) {
     *     if (u.get().containsKey(key)) return;       // plain readers run meanwhile
     *     try (var w = u.upgrade()) { w.get().put(key, load(key)); }
     * }
     * }</pre>
     *
     * @return the upgradable read guard
     * @throws PoisonedException if poisoned (no hold is then kept)
     * @throws IllegalStateException if the caller holds this lock already (write, upgradable, or a
     *     read hold, which upgrade() would wait for forever), or the lock was retired
     */
    public RwLockUpgradableReadGuard<T> upgradableRead() {
        RwLockUpgrades.refuseReentry(this, upgrades);
        return RwLockUpgrades.of(this).read();
    }

    /**
     * An upgradable read hold if one is available right now: no writer holds or waits, no hand-off
     * is pending and no other thread holds an upgradable read; else empty.
     *
     * @return the upgradable read guard, or empty
     * @throws PoisonedException if poisoned (no hold is then kept)
     * @throws IllegalStateException if the caller holds this lock already, or it was retired
     */
    public Optional<RwLockUpgradableReadGuard<T>> tryUpgradableRead() {
        RwLockUpgrades.refuseReentry(this, upgrades);
        return RwLockUpgrades.of(this).tryRead();
    }

    // ---- write side ----

    /**
     * Acquires the write lock, blocking until no other thread holds the lock. Ignores interrupts.
     *
     * @return the write guard
     * @throws PoisonedException if poisoned (the lock is then not held)
     * @throws IllegalStateException if the caller already holds the lock (write, or a read hold,
     *     which the write would wait for forever), or it was retired
     */
    public RwLockWriteGuard<T> write() {
        acquireWriteUninterruptibly();
        return enterWrite(true);
    }

    /**
     * Like {@link #write()}, but ignores poison (to repair a poisoned value).
     *
     * @return the write guard; close it to release the lock
     */
    public RwLockWriteGuard<T> writeIgnoringPoison() {
        acquireWriteUninterruptibly();
        return enterWrite(false);
    }

    /**
     * Like {@link #write()}, but an interrupt ends the wait.
     *
     * @return the write guard; close it to release the lock
     * @throws InterruptedException if interrupted before acquiring (status cleared, lock not held)
     */
    public RwLockWriteGuard<T> writeInterruptibly() throws InterruptedException {
        if (!RwLockAcquisitions.acquireWrite(this, Deadline.never())) {
            throw new AssertionError("an untimed acquisition timed out");
        }
        return enterWrite(true);
    }

    /**
     * The write lock if nobody holds the lock right now and no hand-off is pending (in a fair lock:
     * and nobody waits); else empty.
     *
     * @return the write guard, or empty
     * @throws IllegalStateException if the caller already holds the lock (write, or a read hold:
     *     the attempt could never succeed), or it was retired
     */
    public Optional<RwLockWriteGuard<T>> tryWrite() {
        Rt.yieldPoint(Op.LOCK, this);
        return RwLockAcquisitions.tryWriteNow(this)
                ? Optional.of(enterWrite(true))
                : Optional.empty();
    }

    /**
     * The write lock, waiting at most {@code timeout}.
     *
     * @param timeout how long to wait at most
     * @return the write guard, or empty if the deadline passed first
     * @throws NullPointerException if {@code timeout} is null
     * @throws InterruptedException if interrupted while waiting (status cleared, lock not held)
     */
    public Optional<RwLockWriteGuard<T>> tryWrite(Duration timeout) throws InterruptedException {
        Args.notNull(timeout, "timeout");
        return tryWrite(Deadline.after(timeout));
    }

    /**
     * The write lock, waiting until {@code deadline} at the latest.
     *
     * @param deadline the latest time to wait until
     * @return the write guard, or empty if the deadline passed first
     * @throws NullPointerException if {@code deadline} is null
     * @throws InterruptedException if interrupted while waiting (status cleared, lock not held)
     */
    public Optional<RwLockWriteGuard<T>> tryWrite(Deadline deadline) throws InterruptedException {
        Args.notNull(deadline, "deadline");
        return RwLockAcquisitions.acquireWrite(this, deadline)
                ? Optional.of(enterWrite(true))
                : Optional.empty();
    }

    /**
     * Runs {@code action} on the value under the write lock. If it throws, the lock is poisoned.
     *
     * @param <R> the type of the function's result
     * @param action runs on the value under the write lock
     * @return {@code action}'s result
     * @throws NullPointerException if {@code action} is null
     * @throws PoisonedException if already poisoned
     */
    public <R> R withWrite(Function<? super T, ? extends R> action) {
        Args.notNull(action, "action");
        RwLockWriteGuard<T> g = write();
        try {
            return action.apply(value);
        } catch (Throwable t) {
            poison = t;
            Rt.releaseTo(t); // the testkit: isPoisoned() acquires from the poisoner
            throw t;
        } finally {
            g.close();
        }
    }

    /**
     * Replaces the value with {@code update.apply(value)} under the write lock and returns it. If
     * {@code update} throws, the lock is poisoned and the value unchanged.
     *
     * @param update computes the new value from the current one
     * @return the new value
     * @throws NullPointerException if {@code update} is null
     * @throws PoisonedException if already poisoned
     */
    public T update(UnaryOperator<T> update) {
        Args.notNull(update, "update");
        RwLockWriteGuard<T> g = write();
        try {
            T next = update.apply(value);
            value = next;
            return next;
        } catch (Throwable t) {
            poison = t;
            Rt.releaseTo(t); // the testkit: isPoisoned() acquires from the poisoner
            throw t;
        } finally {
            g.close();
        }
    }

    // ---- state ----

    /**
     * {@return whether a failed writer has poisoned the lock} A {@code true} answer is an acquire:
     * what the failing writer did before it poisoned happens-before what the caller does next.
     */
    public boolean isPoisoned() {
        Throwable p = poison;
        if (p == null || p == Poison.RETIRED) {
            return false;
        }
        Rt.acquireFrom(p); // the testkit: a volatile read of what the poisoner released
        return true;
    }

    /** Clears the poison (taking the write lock briefly). */
    public void clearPoison() {
        try (RwLockWriteGuard<T> g = writeIgnoringPoison()) {
            g.clearPoison();
        }
    }

    /**
     * Takes the value out, poisoned or not, and retires the lock: later acquisitions throw {@link
     * IllegalStateException}.
     *
     * @return the value the lock protected
     * @throws IllegalStateException if the caller holds the write lock, or it was already retired
     */
    public T intoInner() {
        try (RwLockWriteGuard<T> _ = writeIgnoringPoison()) {
            T v = value;
            value = null;
            poison = Poison.RETIRED;
            return v;
        }
    }

    /**
     * {@return whether a writer holds the lock right now, or has claimed it and waits for the last
     * readers to leave (a snapshot)} A {@code false} answer is an acquire: what the last writer did
     * (and every reader that left before the read) happens-before what the caller does next.
     */
    public boolean isWriteLocked() {
        if (((long) STATE.getVolatile(this) & WRITER) != 0) {
            return true;
        }
        Rt.acquireFrom(this); // the testkit: the last unlock released into the lock
        return false;
    }

    /**
     * The number of read holds right now: a snapshot, and a sum (of the shared count and of the
     * per-thread stripes readers use once they overlap), so not atomic: while readers come and go
     * it may be a value that was never exact at one instant, and it may count a reader that is
     * backing away from a writer.
     *
     * @return the number of read holds right now (a snapshot and a sum, as described above)
     */
    public int readHolds() {
        long n = ((long) STATE.getVolatile(this) & READERS) / READER;
        RwLockStripes st = stripes;
        if (st != null) {
            n += st.sum();
        }
        return (int) Math.min(n, Integer.MAX_VALUE);
    }

    /** Whether readers count themselves in stripes (after they first overlapped). For tests. */
    boolean isStriped() {
        return stripes != null;
    }

    /**
     * {@return whether this lock is strictly phase-fair (never lets arrivals barge past waiters)}
     */
    public boolean isFair() {
        return waiters.fair;
    }

    /** {@return whether the calling thread holds the write lock} */
    public boolean isWriteHeldByCurrentThread() {
        return writer == Thread.currentThread();
    }

    /** {@return contention statistics, if built {@linkplain Builder#instrumented instrumented}} */
    public Optional<LockStats> stats() {
        return counters == null ? Optional.empty() : Optional.of(counters.snapshot());
    }

    /**
     * A {@link ReadWriteLock} view for code written against {@code java.util.concurrent}. The lock
     * keeps braid's semantics (fairness, poisoning, no reentrancy: a thread that read-locks twice
     * through the view gets {@link IllegalStateException}). {@code unlock()} without a hold throws
     * {@link IllegalMonitorStateException}. The write lock's {@code newCondition()} is backed by a
     * {@link Condvar}; the read lock has none ({@link UnsupportedOperationException}, as in {@code
     * ReentrantReadWriteLock}). Each call returns a new view; use one view per lock.
     *
     * @return a {@link ReadWriteLock} view for code written against {@code java.util.concurrent}
     */
    public ReadWriteLock asReadWriteLock() {
        return new RwLockView(this);
    }

    /**
     * Its kind and name without state: {@code RwLock(name)}, or {@code RwLock} if unnamed. Error
     * messages, deadlock reports, lock-order reports and JFR events name it this way.
     *
     * @return the label
     */
    public String label() {
        return name == null ? "RwLock" : "RwLock(" + name + ")";
    }

    /**
     * The label and a snapshot of the state, like the JDK's locks: for example {@code
     * RwLock(cache)[2 read holds, writer waiting]}, {@code RwLock(cache)[write-locked by "worker-1"
     * (#31)]} or {@code RwLock(cache)[unlocked]}. Read without synchronization: a hint for logs and
     * debuggers.
     *
     * @return a description of this lock and its state
     */
    @Override
    public String toString() {
        return RwLockDescription.of(this, stateVolatile());
    }

    /** Builds an {@link RwLock}. Not thread-safe; reusable. */
    public static final class Builder {
        private String name;
        private boolean fair;
        private boolean instrumented;
        private boolean striped;

        private Builder() {}

        /**
         * Names the lock.
         *
         * @param name the name, shown in messages, deadlock reports and {@code toString()}
         * @return this builder
         * @throws NullPointerException if {@code name} is null
         * @throws IllegalArgumentException if {@code name} is blank
         */
        public Builder name(String name) {
            this.name = Args.notBlank(name, "name");
            return this;
        }

        /**
         * Strict phase-fair hand-off: no barging past waiters, every contended release hands the
         * lock over (default: eventually phase-fair, see the class documentation).
         *
         * @param fair whether to hand off strictly phase-fair
         * @return this builder
         */
        public Builder fair(boolean fair) {
            this.fair = fair;
            return this;
        }

        /**
         * Keeps {@linkplain RwLock#stats() contention statistics} (default: off).
         *
         * @param instrumented whether to keep contention statistics
         * @return this builder
         */
        public Builder instrumented(boolean instrumented) {
            this.instrumented = instrumented;
            return this;
        }

        /**
         * Stripes readers from the start instead of after the first overlap (tests use it to cover
         * the striped paths deterministically; jcstress reaches it reflectively).
         */
        Builder striped(boolean striped) {
            this.striped = striped;
            return this;
        }

        /**
         * A new lock protecting {@code value} (which may be null).
         *
         * @param <T> the type of the protected value
         * @param value the value the lock protects (may be null)
         * @return a new lock protecting {@code value} (which may be null)
         */
        public <T> RwLock<T> build(T value) {
            return new RwLock<>(name, fair, instrumented, striped, value);
        }
    }

    // ---- internals: entry and exit ----

    private RwLockReadGuard<T> enterRead(int slot, boolean checkPoison) {
        enterReadHold(slot, checkPoison);
        return readGuard(slot);
    }

    /** A guard for a read hold the caller has just taken in {@code slot}, counted as its own. */
    RwLockReadGuard<T> readGuard(int slot) {
        ReadHolds holds = readHolds.get();
        holds.add(slot);
        return new RwLockReadGuard<>(this, slot, holds);
    }

    void enterReadHold(int slot, boolean checkPoison) {
        LockHooks.acquired(this);
        if (counters != null) {
            counters.acquired();
        }
        Throwable p = poison;
        if (p != null && (checkPoison || p == Poison.RETIRED)) {
            unlockRead(slot);
            throw Poison.failure(p, this);
        }
    }

    private RwLockWriteGuard<T> enterWrite(boolean checkPoison) {
        writer = Thread.currentThread();
        LockHooks.acquired(this);
        if (counters != null) {
            counters.acquired();
        }
        Throwable p = poison;
        if (p != null && (checkPoison || p == Poison.RETIRED)) {
            unlockWrite();
            throw Poison.failure(p, this);
        }
        return new RwLockWriteGuard<>(this);
    }

    /** Releases a read hold taken in {@code slot} (a stripe, or {@link #CENTRAL}). */
    void unlockRead(int slot) {
        Rt.yieldPoint(Op.UNLOCK, this);
        // the testkit: a read unlock continues the release sequence of the ones before it (its RMW
        // read their word), so a writer is ordered after every reader that left, not the last only
        Rt.passOn(this, this);
        LockHooks.released(this);
        if (slot != CENTRAL) {
            stripes.leave(slot); // release; wakes a writer waiting for the stripes to drain
            return;
        }
        long n = (long) STATE.getAndAdd(this, -READER) - READER; // release
        if ((n & (READERS | QUEUED)) == QUEUED) {
            waiters.dispatch(false);
        } else if ((n & (READERS | UPGRADING)) == (READER | UPGRADING)) {
            RwLockUpgrades<T> u = upgrades; // set before UPGRADING was
            if (u != null) {
                u.wakeUpgrader(); // it is the one reader left: let it upgrade
            }
        }
    }

    void unlockWrite() {
        Rt.yieldPoint(Op.UNLOCK, this);
        LockHooks.released(this);
        writer = null;
        long n = (long) STATE.getAndAdd(this, WRITER) + WRITER; // release
        if ((n & QUEUED) != 0) {
            waiters.dispatch(true);
        }
    }

    /** Turns the caller's write hold into a read hold in one step. */
    void downgrade() {
        Rt.yieldPoint(Op.UNLOCK, this);
        Rt.releaseTo(this); // the testkit: readers admitted now acquire the write hold's writes
        writer = null;
        long n = (long) STATE.getAndAdd(this, WRITER + READER) + WRITER + READER; // release
        if ((n & QUEUED) != 0) {
            waiters.dispatch(true); // admits (or wakes) queued readers to join us
        }
    }

    void releaseWriteForWait() {
        unlockWrite();
    }

    /** After a Condvar wait: takes the write lock back, ignoring interrupts and the scope. */
    void reacquireWriteAfterWait() {
        RwLockAcquisitions.reacquireWriteAfterWait(this);
    }

    /**
     * The write fast path: claims the state word if nothing blocks an arrival; retries only when
     * the state changed under a CAS without blocking it (a reader came or went). Striped readers
     * may still hold: the caller waits for them ({@link #awaitStripesDrained}).
     */
    boolean tryClaimWrite() {
        long s;
        while (((s = (long) STATE.getVolatile(this)) & WRITE_BLOCKERS) == 0) {
            if (STATE.compareAndSet(this, s, s + WRITER)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The read fast path: a stripe once the lock is inflated, else the state word's count. A reader
     * that finds another one in (or loses a CAS to one) inflates the lock and takes a stripe:
     * readers overlap here, and sharing one counter would bounce its cache line between them.
     * Returns the hold's slot, or NOT_HELD if a writer holds or waits.
     */
    int tryReadNow() {
        RwLockStripes st = stripes;
        if (st != null) {
            return st.enterRead(this);
        }
        long s;
        boolean contended = false;
        while (((s = (long) STATE.getVolatile(this)) & READ_BLOCKERS) == 0) {
            if (contended || (s & READERS) != 0) {
                return inflate().enterRead(this);
            }
            if (STATE.compareAndSet(this, s, s + READER)) {
                return CENTRAL;
            }
            contended = true;
        }
        return NOT_HELD;
    }

    private RwLockStripes inflate() {
        RwLockStripes st = RwLockStripes.create();
        RwLockStripes won = (RwLockStripes) STRIPES.compareAndExchange(this, null, st);
        return won == null ? st : won;
    }

    int acquireReadUninterruptibly() {
        Rt.yieldPoint(Op.LOCK, this);
        LockHooks.beforeBlocking(this);
        int slot = tryReadNow();
        if (slot == NOT_HELD && (slot = ReadHolds.rejoinRead(this)) == NOT_HELD) {
            try {
                RwLockAcquisitions.acquireSlow(this, false, false, 0L, false);
            } catch (InterruptedException e) {
                throw new AssertionError("uninterruptible wait was interrupted", e);
            }
            slot = CENTRAL; // the slow path counts its readers in the state word
        }
        return slot;
    }

    private void acquireWriteUninterruptibly() {
        Rt.yieldPoint(Op.LOCK, this);
        LockHooks.beforeBlocking(this);
        try {
            if (!tryClaimWrite()) {
                RwLockAcquisitions.acquireSlow(this, true, false, 0L, false);
            }
            awaitStripesDrained(false, 0L, false, true);
        } catch (InterruptedException e) {
            throw new AssertionError("uninterruptible wait was interrupted", e);
        }
    }

    /**
     * After claiming WRITER: waits until no striped reader holds. The stripes are read after the
     * claim, so a reader inflating the lock concurrently either is seen here or sees the claim. If
     * the wait ends early (timeout, interrupt, scope) the claim is given back; returns false on
     * timeout and throws for an interrupt or a stopped scope.
     */
    boolean awaitStripesDrained(
            boolean timed, long deadline, boolean interruptible, boolean ambient)
            throws InterruptedException {
        RwLockStripes st = stripes;
        if (st == null || st.sum() == 0) { // the common case stays inline; the wait does not
            return true;
        }
        return st.awaitDrainedAfterClaim(this, timed, deadline, interruptible, ambient);
    }

    /**
     * Gives back a claim of WRITER that never became a hold (the write sequence moves on by two: an
     * optimistic read across it fails validation once, harmlessly); dispatches like a release,
     * since readers may have queued behind the claim.
     */
    void abandonClaim() {
        long n = (long) STATE.getAndAdd(this, WRITER) + WRITER; // release
        if ((n & QUEUED) != 0) {
            waiters.dispatch(true);
        }
    }

    // ---- internals: the state word, for RwLockQueue ----

    long stateVolatile() {
        return (long) STATE.getVolatile(this);
    }

    boolean casState(long expected, long next) {
        return STATE.compareAndSet(this, expected, next);
    }

    long addState(long delta) {
        return (long) STATE.getAndAdd(this, delta) + delta;
    }

    void orState(long bits) {
        STATE.getAndBitwiseOr(this, bits);
    }

    void dispatch(boolean afterWrite) {
        waiters.dispatch(afterWrite);
    }
}
