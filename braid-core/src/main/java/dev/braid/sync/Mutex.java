package dev.braid.sync;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancellationRegistration;
import dev.braid.cancel.Deadline;
import dev.braid.internal.rt.Op;
import dev.braid.internal.rt.Rt;
import dev.braid.internal.util.Args;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A mutual-exclusion lock that owns the value it protects: the value is reachable only through a
 * {@link MutexGuard} while the lock is held.
 *
 * <pre>{@code
 * Mutex<List<String>> names = new Mutex<>(new ArrayList<>());
 * try (var g = names.lock()) {
 *     g.get().add("ada");
 * }
 * int n = names.withLock(List::size);
 * }</pre>
 *
 * <p><b>Happens-before.</b> Everything a thread did while holding the lock happens-before
 * everything the next holder does after acquiring it.
 *
 * <p><b>Poisoning.</b> If the function passed to {@link #withLock} or {@link #update} throws, the
 * mutex is poisoned: later {@link #lock()} calls throw {@link PoisonedException} (without holding
 * the lock) until the poison is cleared. A guard can poison explicitly with {@link
 * MutexGuard#poison}. Recover by repairing the value through {@link #lockIgnoringPoison()} and
 * {@link MutexGuard#clearPoison()}, by {@link #clearPoison()}, or by taking the value out with
 * {@link #intoInner()}.
 *
 * <p><b>Blocking.</b> {@link #lock()} blocks without bound and ignores interrupts (the interrupt
 * status is kept), like {@code ReentrantLock.lock()} (ADR 0002). {@link #lockInterruptibly()} and
 * the timed {@link #tryLock(Duration)} / {@link #tryLock(Deadline)} throw {@link
 * InterruptedException}; timed variants return an empty {@code Optional} on timeout. A thread that
 * finds the mutex held while nobody is queued spins for up to about {@value #SPIN_NANOS} ns
 * (reading, not writing, the lock word) before it queues and parks; so does a queued waiter that an
 * unlock wakes and that loses the lock to another thread (ADR 0016).
 *
 * <p><b>Fairness contract.</b> The default mutex is <em>eventually fair</em>: a thread arriving
 * while others wait may take the lock ahead of them (barging keeps throughput high), but waiters
 * are served in FIFO order, a woken waiter that loses the race keeps its place at the front, and a
 * waiter that has waited longer than {@value #FAIR_BOUND_NANOS} ns when its turn comes is handed
 * the lock directly, so no waiter starves. A {@linkplain Builder#fair(boolean) fair} mutex hands
 * the lock to the longest waiter at every contended unlock and never lets arrivals barge (strict
 * FIFO, lower throughput). {@link #tryLock()} never waits and may succeed ahead of waiters in
 * either mode only while the lock is free. A {@link Condvar} waiter notified while the mutex is
 * held joins the back of the queue at that moment, as a thread arriving then would.
 *
 * <p><b>Not reentrant.</b> A thread that tries to lock a mutex it already holds gets an {@link
 * IllegalStateException} instead of deadlocking (see ADR 0010).
 *
 * <p><b>Ambient cancellation.</b> Inside a {@link CancelScope}, an acquisition that has to park
 * stops waiting when the scope's token is cancelled or its deadline passes, and throws {@link
 * dev.braid.cancel.CancelledException} (or {@link dev.braid.cancel.DeadlineExceededException})
 * without holding the lock. A lock that is free is taken without looking at the scope.
 *
 * @param <T> the protected value's type
 */
public final class Mutex<T> {
    /*
     * Implementation notes
     *
     * Algorithm. A word lock in the style of parking_lot's WordLock and Drepper's futex mutex, with
     * the waiter queue inside the mutex instead of a global parking table: lock = one CAS
     * 0 -> LOCKED; unlock = one CAS LOCKED -> 0. Only when those fail do the slow paths touch the
     * queue. Eventual fairness follows parking_lot's "fair unlock": an unlock normally wakes the
     * head waiter and frees the lock (the woken thread competes; a loser is requeued at the front),
     * but if that waiter has been waiting longer than FAIR_BOUND_NANOS, the unlocker hands it the
     * lock directly (LOCKED is never cleared), which bounds starvation. A fair mutex always hands
     * off. Timed and interruptible waiters remove themselves from the queue under QLOCK.
     *
     * Spinning (ADR 0016). Before it queues, an arrival spins test-and-test-and-set: it reads the
     * state and CASes only when the lock looks free, waiting 1, 2, 4 ... MAX_BACKOFF spinWait()s
     * between reads (Anderson's exponential backoff), so the holder keeps the state's cache line
     * while others wait. It gives up after SPIN_NANOS, about what a park and unpark would cost
     * (competitive spinning: at most twice the better choice), and at once if waiters are queued
     * (they are owed the lock first; a crowd of spinners would steal it and the cores). A woken
     * waiter spins the same way before it requeues at the front, whether or not others are
     * queued: it is the one thread the unlock meant to run. Measured on MutexContended: most woken
     * waiters used to lose to the re-barging holder, park again, and cost the holder another
     * futex wake; with the spin they take the lock within a few microseconds.
     *
     * State (the `state` int):
     *   LOCKED (1) - a thread holds the mutex.
     *   QUEUED (2) - the waiter queue is non-empty; unlock must take the slow path.
     *   QLOCK  (4) - a thread is editing the waiter queue; others spin briefly.
     *   WOKEN  (8) - a waiter of this mutex that an unlock woke is on its way while others still
     *                wait; an unlock that sees it only frees the lock and wakes nobody (Go's
     *                mutexWoken). Set by unlockSlow with the wake, and only if the queue is not
     *                empty; cleared by a woken waiter when it takes the lock, requeues, or leaves.
     * A waiter enqueues only by CASing QLOCK|QUEUED onto a state with LOCKED set, so the owner's
     * fast unlock CAS fails and the owner will find the waiter; a waiter's fate (WOKEN, GRANTED,
     * CANCELLED) is written into Waiter.status while QLOCK is held, so a cancelling waiter that
     * takes QLOCK sees either itself still queued or its final status, never something between.
     * While a thread holds QLOCK, only LOCKED may change (0 -> 1, by an acquirer, which may clear
     * WOKEN in the same CAS); every QLOCK release is therefore an atomic read-modify-write, except
     * in unlockSlow, which also holds LOCKED, so nobody else can write the word. A woken waiter
     * that clears WOKEN without taking the lock therefore waits for QLOCK to be free.
     *
     * Lost wake-ups. A woken (not granted) waiter that then times out or is interrupted makes one
     * more attempt to take the lock; if it succeeds it either keeps it (timeout) or releases it
     * through the normal unlock (interrupt), which wakes the next waiter. If it fails, the holder
     * sees QUEUED at its unlock. So the queue never stalls with the lock free. WOKEN keeps that
     * true: a woken waiter clears it only in a CAS whose expected state has LOCKED set (requeue,
     * leave) or that sets LOCKED (acquire), so the unlock that follows sees QUEUED without WOKEN
     * and wakes the next waiter. A requeued condvar waiter (below) never gets WOKEN set for it, as
     * it re-acquires through the arrival path. A woken waiter may clear a bit set for another
     * (one woken with an empty queue behind it does not know); that costs an extra wake-up only.
     *
     * Memory ordering. The acquiring CAS is volatile (acquire); the releasing CAS, the release store
     * in unlockSlow, and the volatile write of GRANTED publish the critical section to the next
     * holder. `value` is guarded by the lock; `poison` is volatile so isPoisoned() needs no lock.
     * `owner` is plain: only the holder writes it, and a thread compares it only with itself, which
     * is exact because a thread always sees its own last write (see ADR 0010 for its cost).
     *
     * Ambient cancellation. Only a waiter that has queued reads CancelScope.current(). In an active
     * scope it registers a wake-up on the scope's tokens and parks no later than the scope's
     * deadline; when the scope stops it, it leaves exactly like a timed-out or interrupted waiter
     * (cancel(), then the lost-wake-up rule below: a consumed wake-up or hand-off is passed on
     * through the normal unlock) and throws the scope's exception. A condvar waiter taking the
     * lock back (reacquireAfterWait, reacquireRequeued) ignores the scope: its wait's outcome is
     * decided, and its guard must hold the lock again whatever happens.
     *
     * Condvar requeue (wait morphing). Condvar.notify, holding the condvar's queue lock, calls
     * requeue(node): if LOCKED is set it takes QLOCK (setting QUEUED), stamps node.since afresh,
     * sets status REQUEUED and appends the node; LOCKED cannot clear while QLOCK is held, so the
     * holder's unlock comes through unlockSlow and finds the node. unlockSlow treats it like any
     * waiter (WOKEN or GRANTED by the fairness rule). The waiter never cancels a REQUEUED node,
     * so the lost-wake-up rule is not needed for it: a WOKEN requeued waiter always goes on to
     * acquire. Such a waiter may still be spinning, so unlockSlow unparks only when
     * Waiter.parked is set (the handshake is in Waiter's and Condvar's notes); this mutex's own
     * waiters set `parked` when they create their node, before they can be found, so for them
     * nothing changes.
     *
     * Simulation. Every acquisition announces Op.LOCK and every release Op.UNLOCK, and reports
     * acquired/released to the seam (LockHooks); parks use `this` as blocker. QLOCK sections
     * contain no yield point, so under the testkit no thread is preempted holding QLOCK.
     *
     * References. parking_lot's WordLock and "eventual fairness" design notes (A. d'Antras); U.
     * Drepper, "Futexes Are Tricky" (2011); the JDK's AbstractQueuedSynchronizer notes (cancelled
     * waiters, interrupt versus signal races); T. E. Anderson, "The performance of spin lock
     * alternatives for shared-memory multiprocessors", IEEE TPDS 1(1), 1990 (test-and-test-and-set,
     * backoff); J. M. Mellor-Crummey and M. L. Scott, "Algorithms for scalable synchronization on
     * shared-memory multiprocessors", ACM TOCS 9(1), 1991; A. R. Karlin et al., "Empirical studies
     * of competitive spinning for a shared-memory multiprocessor", SOSP 1991 (spin as long as a
     * block costs); Go's sync.Mutex (mutexWoken, spinning only while no one is queued).
     */

    private static final int LOCKED = 1;
    private static final int QUEUED = 2;
    private static final int QLOCK = 4;
    private static final int WOKEN = 8;

    /**
     * How long a thread spins for the lock before it queues and parks (20 us): about the price of
     * the park and unpark it would otherwise pay, so spinning costs at most twice the best choice.
     */
    public static final long SPIN_NANOS = 20_000L;

    /** The cap of the backoff between two reads of the state while spinning, in spinWait()s. */
    static final int MAX_BACKOFF = 64;

    /** A waiter that has waited this long (1 ms) when its turn comes is handed the lock. */
    public static final long FAIR_BOUND_NANOS = 1_000_000L;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Mutex.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // accessed through STATE
    private volatile int state;

    private Thread owner; // written only by the holder; see the notes
    private final WaitQueue queue = new WaitQueue(); // guarded by QLOCK
    private final String name;
    private final boolean fair;
    private final LockCounters counters; // null unless instrumented

    T value; // guarded by LOCKED
    volatile Throwable poison; // written under LOCKED

    /**
     * An eventually fair, unnamed mutex protecting {@code value} (which may be null).
     *
     * @param value the value the mutex protects (may be null)
     */
    public Mutex(T value) {
        this(null, false, false, value);
    }

    private Mutex(String name, boolean fair, boolean instrumented, T value) {
        this.name = name;
        this.fair = fair;
        this.counters = instrumented ? new LockCounters() : null;
        this.value = value;
    }

    /**
     * A mutex with a name, used in error messages, deadlock reports and {@link #toString()}.
     *
     * @param <T> the type of the protected value
     * @param name the name, shown in messages, deadlock reports and {@code toString()}
     * @param value the value the mutex protects (may be null)
     * @return the new mutex
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public static <T> Mutex<T> named(String name, T value) {
        return new Mutex<>(Args.notBlank(name, "name"), false, false, value);
    }

    /**
     * A builder for a mutex with a name, a fairness mode or statistics.
     *
     * @return a builder for a mutex with a name, a fairness mode or statistics
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Acquires the mutex, blocking until it is available. Interrupts do not stop the wait; the
     * interrupt status is kept.
     *
     * @return the guard that unlocks on close
     * @throws PoisonedException if the mutex is poisoned (the lock is then not held)
     * @throws IllegalStateException if the caller already holds this mutex, or it was retired
     */
    public MutexGuard<T> lock() {
        acquireUninterruptibly();
        return enter(true);
    }

    /**
     * Acquires the mutex, blocking until it is available or the caller is interrupted.
     *
     * @return the guard; close it to unlock
     * @throws InterruptedException if interrupted before acquiring (status cleared, lock not held)
     * @throws PoisonedException if the mutex is poisoned (the lock is then not held)
     * @throws IllegalStateException if the caller already holds this mutex, or it was retired
     */
    public MutexGuard<T> lockInterruptibly() throws InterruptedException {
        Rt.yieldPoint(Op.LOCK, this);
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        LockHooks.beforeBlocking(this);
        if (!STATE.compareAndSet(this, 0, LOCKED)) {
            acquireSlow(false, 0L, true, true);
        }
        return enter(true);
    }

    /**
     * Acquires the mutex only if it is free right now.
     *
     * @return the guard, or empty if another thread holds the mutex
     * @throws PoisonedException if the mutex is free but poisoned (the lock is then not held)
     * @throws IllegalStateException if the caller already holds this mutex, or it was retired
     */
    public Optional<MutexGuard<T>> tryLock() {
        Rt.yieldPoint(Op.LOCK, this);
        int s;
        while (((s = (int) STATE.getVolatile(this)) & LOCKED) == 0) {
            // retry: a change of the queue bits must not make this attempt fail spuriously
            if (STATE.compareAndSet(this, s, s | LOCKED)) {
                return Optional.of(enter(true));
            }
        }
        refuseReentry();
        return Optional.empty();
    }

    /**
     * Acquires the mutex, waiting at most {@code timeout}. A zero or negative timeout does not
     * wait.
     *
     * @param timeout how long to wait at most
     * @return the guard, or empty if the timeout elapsed first
     * @throws NullPointerException if {@code timeout} is null
     * @throws InterruptedException if interrupted while waiting (status cleared, lock not held)
     * @throws PoisonedException if the mutex is poisoned (the lock is then not held)
     * @throws IllegalStateException if the caller already holds this mutex, or it was retired
     */
    public Optional<MutexGuard<T>> tryLock(Duration timeout) throws InterruptedException {
        Args.notNull(timeout, "timeout");
        return tryLock(Deadline.after(timeout));
    }

    /**
     * Acquires the mutex, waiting until {@code deadline} at the latest.
     *
     * @param deadline the latest time to wait until
     * @return the guard, or empty if the deadline passed first
     * @throws NullPointerException if {@code deadline} is null
     * @throws InterruptedException if interrupted while waiting (status cleared, lock not held)
     * @throws PoisonedException if the mutex is poisoned (the lock is then not held)
     * @throws IllegalStateException if the caller already holds this mutex, or it was retired
     */
    public Optional<MutexGuard<T>> tryLock(Deadline deadline) throws InterruptedException {
        Args.notNull(deadline, "deadline");
        Rt.yieldPoint(Op.LOCK, this);
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        LockHooks.beforeBlocking(this);
        if (STATE.compareAndSet(this, 0, LOCKED)
                || acquireSlow(!deadline.isNever(), deadline.nanoTime(), true, true)) {
            return Optional.of(enter(true));
        }
        return Optional.empty();
    }

    /**
     * Acquires the mutex even if it is poisoned, to inspect or repair the value. The poison stays
     * until {@link MutexGuard#clearPoison()} or {@link #clearPoison()}.
     *
     * @return the guard; close it to unlock
     * @throws IllegalStateException if the caller already holds this mutex, or it was retired
     */
    public MutexGuard<T> lockIgnoringPoison() {
        acquireUninterruptibly();
        return enter(false);
    }

    /**
     * Runs {@code action} on the value while holding the lock and returns its result. If {@code
     * action} throws, the mutex is poisoned and the exception propagates.
     *
     * @param <R> the type of the function's result
     * @param action runs on the value with the lock held
     * @return {@code action}'s result
     * @throws NullPointerException if {@code action} is null
     * @throws PoisonedException if the mutex is already poisoned
     */
    public <R> R withLock(Function<? super T, ? extends R> action) {
        Args.notNull(action, "action");
        MutexGuard<T> g = lock();
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
     * Replaces the value with {@code update.apply(value)} while holding the lock and returns the
     * new value. If {@code update} throws, the mutex is poisoned, the value is unchanged, and the
     * exception propagates.
     *
     * @param update computes the new value from the current one
     * @return the new value
     * @throws NullPointerException if {@code update} is null
     * @throws PoisonedException if the mutex is already poisoned
     */
    public T update(UnaryOperator<T> update) {
        Args.notNull(update, "update");
        MutexGuard<T> g = lock();
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

    /**
     * Whether a failed critical section has poisoned the mutex. A {@code true} answer is an
     * acquire: what the failing holder did before it poisoned happens-before what the caller does
     * next.
     *
     * @return whether a failed critical section has poisoned the mutex
     */
    public boolean isPoisoned() {
        Throwable p = poison;
        if (p == null || p == Poison.RETIRED) {
            return false;
        }
        Rt.acquireFrom(p); // the testkit: a volatile read of what the poisoner released
        return true;
    }

    /** Clears the poison (taking the lock briefly), declaring the value consistent. */
    public void clearPoison() {
        try (MutexGuard<T> g = lockIgnoringPoison()) {
            g.clearPoison();
        }
    }

    /**
     * Takes the value out, poisoned or not, and retires the mutex: every later acquisition throws
     * {@link IllegalStateException}. This is the Java form of Rust's {@code into_inner}: the way to
     * recover the value of a poisoned mutex without repairing it in place.
     *
     * @return the value the lock protected
     * @throws IllegalStateException if the caller holds this mutex, or it was already retired
     */
    public T intoInner() {
        try (MutexGuard<T> _ = lockIgnoringPoison()) {
            T v = value;
            value = null;
            poison = Poison.RETIRED;
            return v;
        }
    }

    /**
     * Whether some thread holds the mutex right now (a snapshot, for monitoring). A {@code false}
     * answer is an acquire: what the last holder did happens-before what the caller does next.
     *
     * @return whether some thread holds the mutex right now (a snapshot, for monitoring)
     */
    public boolean isLocked() {
        if (((int) STATE.getVolatile(this) & LOCKED) != 0) {
            return true;
        }
        Rt.acquireFrom(this); // the testkit: the last unlock released into the mutex
        return false;
    }

    /** Whether threads wait in this mutex's queue (a snapshot; for tests in this package). */
    boolean hasQueuedThreads() {
        return ((int) STATE.getVolatile(this) & QUEUED) != 0;
    }

    /**
     * Whether the calling thread holds this mutex.
     *
     * @return whether the calling thread holds this mutex
     */
    public boolean isHeldByCurrentThread() {
        return owner == Thread.currentThread();
    }

    /**
     * Whether this mutex hands the lock to the longest waiter at every contended unlock.
     *
     * @return whether this mutex hands the lock to the longest waiter at every contended unlock
     */
    public boolean isFair() {
        return fair;
    }

    /**
     * Contention statistics, if this mutex was built {@linkplain Builder#instrumented
     * instrumented}.
     *
     * @return contention statistics, if this mutex was built {@linkplain Builder#instrumented
     *     instrumented}
     */
    public Optional<LockStats> stats() {
        return counters == null ? Optional.empty() : Optional.of(counters.snapshot());
    }

    /**
     * A {@link Lock} view of this mutex, for code written against {@code java.util.concurrent}.
     * Blocking, fairness and happens-before are the mutex's. JUC's contract where the two differ:
     * {@code unlock()} by a thread that does not hold the lock throws {@link
     * IllegalMonitorStateException}. braid's rules still apply: locking twice from one thread
     * throws {@link IllegalStateException} (no reentrancy), and locking a poisoned mutex throws
     * {@link PoisonedException}. {@code newCondition()} returns a {@link
     * java.util.concurrent.locks.Condition} backed by a {@link Condvar}. Each call returns a new
     * view; use one view per mutex.
     *
     * @return a {@link Lock} view of this mutex, for code written against {@code
     *     java.util.concurrent}
     */
    public Lock asLock() {
        return new MutexLock(this);
    }

    /**
     * Its kind and name without state: {@code Mutex(name)}, or {@code Mutex} if unnamed. Error
     * messages, deadlock reports, lock-order reports and JFR events name it this way.
     *
     * @return the label
     */
    public String label() {
        return name == null ? "Mutex" : "Mutex(" + name + ")";
    }

    /**
     * The label and a snapshot of the state, like the JDK's locks: for example {@code
     * Mutex(accounts)[locked by "worker-1" (#31), threads queued]} or {@code
     * Mutex(accounts)[unlocked, poisoned]}. Read without synchronization: a hint for logs and
     * debuggers.
     *
     * @return a description of this mutex and its state
     */
    @Override
    public String toString() {
        int s = (int) STATE.getVolatile(this);
        Thread o = owner;
        StringBuilder b = new StringBuilder(label()).append('[');
        if ((s & LOCKED) == 0) {
            b.append("unlocked");
        } else {
            b.append(o == null ? "locked" : "locked by " + Guards.describe(o));
        }
        if ((s & QUEUED) != 0) {
            b.append(", threads queued");
        }
        Throwable p = poison;
        if (p == Poison.RETIRED) {
            b.append(", retired");
        } else if (p != null) {
            b.append(", poisoned");
        }
        return b.append(']').toString();
    }

    /** Builds a {@link Mutex}. Not thread-safe; reusable. */
    public static final class Builder {
        private String name;
        private boolean fair;
        private boolean instrumented;

        private Builder() {}

        /**
         * Names the mutex (for messages, deadlock reports and JFR events).
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
         * Strict FIFO hand-off at every contended unlock (default: eventually fair).
         *
         * @param fair whether to hand off strictly in order
         * @return this builder
         */
        public Builder fair(boolean fair) {
            this.fair = fair;
            return this;
        }

        /**
         * Keeps {@linkplain Mutex#stats() contention statistics} (default: off).
         *
         * @param instrumented whether to keep contention statistics
         * @return this builder
         */
        public Builder instrumented(boolean instrumented) {
            this.instrumented = instrumented;
            return this;
        }

        /**
         * A new mutex protecting {@code value} (which may be null).
         *
         * @param <T> the type of the protected value
         * @param value the value the mutex protects (may be null)
         * @return a new mutex protecting {@code value} (which may be null)
         */
        public <T> Mutex<T> build(T value) {
            return new Mutex<>(name, fair, instrumented, value);
        }
    }

    // ---- internals ----

    private void acquireUninterruptibly() {
        Rt.yieldPoint(Op.LOCK, this);
        LockHooks.beforeBlocking(this);
        if (!STATE.compareAndSet(this, 0, LOCKED)) {
            try {
                acquireSlow(false, 0L, false, true);
            } catch (InterruptedException e) {
                throw new AssertionError("uninterruptible wait was interrupted", e);
            }
        }
    }

    /** The caller has just taken the lock: record it, then refuse a poisoned or retired value. */
    private MutexGuard<T> enter(boolean checkPoison) {
        owner = Thread.currentThread();
        LockHooks.acquired(this);
        if (counters != null) {
            counters.acquired();
        }
        Throwable p = poison;
        if (p != null && (checkPoison || p == Poison.RETIRED)) {
            unlock();
            throw Poison.failure(p, this);
        }
        return new MutexGuard<>(this);
    }

    void unlock() {
        Rt.yieldPoint(Op.UNLOCK, this);
        LockHooks.released(this);
        owner = null;
        if (!STATE.compareAndSet(this, LOCKED, 0)) {
            unlockSlow();
        }
    }

    /** For a condvar wait: releases the lock; the caller's guard stays open. */
    void releaseForWait() {
        unlock();
    }

    /**
     * For a condvar wait: takes the lock back, uninterruptibly, ignoring poison and the ambient
     * scope (the wait's outcome is decided; the guard must hold the lock again whatever happens).
     */
    void reacquireAfterWait() {
        Rt.yieldPoint(Op.LOCK, this);
        if (!STATE.compareAndSet(this, 0, LOCKED)) {
            try {
                acquireSlow(false, 0L, false, false);
            } catch (InterruptedException e) {
                throw new AssertionError("uninterruptible wait was interrupted", e);
            }
        }
        owner = Thread.currentThread();
        LockHooks.acquired(this);
    }

    /**
     * For a condvar notification (wait morphing): if this mutex is held, appends the notified
     * {@code node} to its queue with status {@link Waiter#REQUEUED} and returns true; the unlock
     * that polls it will wake it or hand it the lock. Returns false if the mutex is free: the
     * notifier then wakes the waiter, which re-acquires as usual. Contains no yield point (the
     * caller holds the condvar's queue lock).
     */
    boolean requeue(Waiter node) {
        while (true) {
            int s = (int) STATE.getVolatile(this);
            if ((s & LOCKED) == 0) {
                return false;
            }
            if ((s & QLOCK) == 0 && STATE.compareAndSet(this, s, s | QLOCK | QUEUED)) {
                break;
            }
            Rt.spinWait();
        }
        // QLOCK held with LOCKED set: LOCKED stays set until we let go (the owner's unlock must
        // come through unlockSlow, which waits for QLOCK), so the node cannot be stranded.
        // It starts waiting for the mutex now: a fresh stamp for the eventual-fairness bound
        // (time spent waiting on the condvar is not time spent waiting for the lock).
        node.since = fair ? 0L : Rt.nanoTime(); // Rt.nanoTime announces nothing
        node.status = Waiter.REQUEUED;
        queue.append(node);
        STATE.getAndBitwiseAnd(this, ~QLOCK); // volatile: publishes the queue edit
        return true;
    }

    /**
     * For a condvar wait whose node was {@linkplain #requeue requeued}: waits until an unlock wakes
     * it or hands it the lock, uninterruptibly (the interrupt status is kept) and ignoring the
     * ambient scope, since the notification has already won; then holds the lock as {@link
     * #reacquireAfterWait} does.
     */
    void reacquireRequeued(Waiter node) {
        Rt.yieldPoint(Op.LOCK, this);
        int st = node.status;
        if (st == Waiter.REQUEUED) {
            st = awaitRequeued(node);
        }
        if (st == Waiter.GRANTED) { // handed the lock: LOCKED was never cleared
            owner = Thread.currentThread();
            LockHooks.acquired(this);
        } else { // WOKEN: the lock was freed; compete like any woken waiter
            reacquireAfterWait();
        }
    }

    private int awaitRequeued(Waiter node) {
        LockContendedEvent event = LockContendedEvent.start();
        long start = counters == null ? 0L : Rt.nanoTime();
        boolean keepInterrupt = false;
        int spins = Waiter.spinBudget();
        int st;
        while ((st = node.status) == Waiter.REQUEUED) {
            if (spins > 0) {
                Waiter.backOff(--spins);
            } else if (!node.parked) {
                node.parked = true; // then re-read status before parking (see Waiter)
            } else {
                Rt.park(this);
                if (Thread.interrupted()) {
                    keepInterrupt = true;
                }
            }
        }
        if (keepInterrupt) {
            Thread.currentThread().interrupt();
        }
        boolean granted = st == Waiter.GRANTED;
        event.finish(this, "exclusive", granted);
        if (counters != null) {
            counters.waited(Rt.nanoTime() - start, granted);
        }
        return st;
    }

    private void refuseReentry() {
        if (owner == Thread.currentThread()) {
            throw new IllegalStateException(
                    label() + " is already held by this thread: braid locks are not reentrant");
        }
    }

    /**
     * Waits for the lock. Returns true once it is held, false if the deadline passed (only when
     * {@code timed}); throws InterruptedException only when {@code interruptible}, and the ambient
     * scope's exception only when {@code ambient}.
     */
    private boolean acquireSlow(
            boolean timed, long deadline, boolean interruptible, boolean ambient)
            throws InterruptedException {
        int s = (int) STATE.getVolatile(this);
        if ((s & LOCKED) == 0 && STATE.compareAndSet(this, s, s | LOCKED)) {
            return true; // free, with waiters queued: barge (as waitForLock would) without waiting
        }
        refuseReentry();
        LockContendedEvent event = LockContendedEvent.start();
        long start = counters == null ? 0L : Rt.nanoTime();
        boolean acquired = false;
        try {
            acquired = waitForLock(timed, deadline, interruptible, ambient);
            return acquired;
        } finally {
            event.finish(this, "exclusive", acquired);
            if (counters != null) {
                counters.waited(Rt.nanoTime() - start, acquired);
            }
        }
    }

    private boolean waitForLock(
            boolean timed, long deadline, boolean interruptible, boolean ambient)
            throws InterruptedException {
        boolean keepInterrupt = false;
        boolean front = false;
        boolean woken = false; // dequeued by an unlock: spin, then requeue at the front
        boolean spun = false;
        Waiter node = null;
        CancelScope scope = null;
        CancellationRegistration wake = null;
        try {
            while (true) {
                int s = (int) STATE.getVolatile(this);
                if ((s & LOCKED) == 0) {
                    if (STATE.compareAndSet(this, s, woken ? (s | LOCKED) & ~WOKEN : s | LOCKED)) {
                        return true;
                    }
                    continue;
                }
                if (timed && Rt.nanoTime() - deadline >= 0) {
                    if (!woken) {
                        return false;
                    }
                    // A woken waiter leaving: clear WOKEN while the lock is held (and QLOCK is
                    // free, see unlockSlow), so the holder's unlock wakes the next waiter.
                    if ((s & QLOCK) == 0 && STATE.compareAndSet(this, s, s & ~WOKEN)) {
                        return false;
                    }
                    continue;
                }
                if (!spun && (woken || (s & QUEUED) == 0)) {
                    spun = true; // once per arrival and once per wake-up
                    if (spinForLock(woken, timed, deadline)) {
                        return true;
                    }
                    continue;
                }
                if (node == null) {
                    node = new Waiter(Thread.currentThread(), true, Rt.nanoTime());
                    node.parked = true; // it parks as soon as it is queued: always unpark it
                }
                int queuedState = (s | QLOCK | QUEUED) & (woken ? ~WOKEN : ~0);
                if ((s & QLOCK) != 0 || !STATE.compareAndSet(this, s, queuedState)) {
                    Rt.spinWait();
                    continue;
                }
                // QLOCK held and LOCKED set: the owner's unlock must come through unlockSlow.
                node.status = Waiter.WAITING;
                woken = false; // queued again; the CAS above cleared WOKEN
                if (front) {
                    queue.pushFront(node);
                } else {
                    queue.append(node);
                }
                STATE.getAndBitwiseAnd(this, ~QLOCK); // volatile: publishes the queue edit
                if (scope == null && ambient) {
                    scope = CancelScope.current();
                    if (scope.isActive()) {
                        wake = scope.wakeOnCancel(node.thread);
                    }
                }

                int fate =
                        node.awaitFate(
                                this, timed, deadline, interruptible, scope, wake, this::cancel);
                int st = fate & Waiter.STATUS_MASK;
                boolean interrupted = (fate & Waiter.INTERRUPTED) != 0;
                boolean stopped = (fate & Waiter.STOPPED) != 0; // by the ambient scope
                boolean left =
                        (fate & (Waiter.TIMED_OUT | Waiter.INTERRUPTED | Waiter.STOPPED)) != 0;
                keepInterrupt |= (fate & Waiter.KEEP_INTERRUPT) != 0;
                if (st == Waiter.WOKEN && left) {
                    // We consumed a wake-up: take the lock if free, so the queue cannot stall.
                    st = leaveWoken() ? Waiter.GRANTED : Waiter.CANCELLED;
                }
                if (st == Waiter.GRANTED) {
                    if (interrupted || stopped) {
                        owner = Thread.currentThread();
                        LockHooks.acquired(this); // balance unlock()'s release report
                        unlock(); // wakes or hands off to the next waiter
                        if (stopped) {
                            node.throwStopped(scope, this);
                        }
                        throw new InterruptedException();
                    }
                    return true;
                }
                if (st == Waiter.CANCELLED) {
                    if (stopped) {
                        node.throwStopped(scope, this);
                    }
                    if (interrupted) {
                        throw new InterruptedException();
                    }
                    return false;
                }
                // WOKEN: compete again (spinning first), keeping our place at the front.
                front = true;
                woken = true;
                spun = false;
            }
        } finally {
            if (wake != null) {
                wake.deregister();
            }
            if (keepInterrupt) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Spins for the lock: test-and-test-and-set with exponential backoff. Between two reads of the
     * state it waits 1, 2, 4 ... {@link #MAX_BACKOFF} spinWait()s, and it tries the CAS only when
     * the lock looks free, so the holder keeps the state's cache line while we wait. Gives up after
     * {@link #SPIN_NANOS} (timed once the backoff is at its cap), at the deadline, or, unless
     * {@code woken}, as soon as waiters are queued (they are owed the lock before a new spinner).
     * Under the testkit it makes one attempt: a spin is a yield point there.
     */
    private boolean spinForLock(boolean woken, boolean timed, long deadline) {
        int rounds = Rt.sim() == null ? Integer.MAX_VALUE : 1;
        int backoff = 1;
        long stop = 0L;
        boolean clock = false;
        while (rounds-- > 0) {
            for (int i = 0; i < backoff; i++) {
                Rt.spinWait();
            }
            int s = (int) STATE.getOpaque(this); // a poll: the CAS below is the acquire
            if ((s & LOCKED) == 0) {
                if (STATE.compareAndSet(this, s, woken ? (s | LOCKED) & ~WOKEN : s | LOCKED)) {
                    return true;
                }
                continue;
            }
            if (!woken && (s & QUEUED) != 0) {
                return false;
            }
            if (backoff < MAX_BACKOFF) {
                backoff <<= 1;
                continue;
            }
            long now = Rt.nanoTime();
            if (!clock) {
                clock = true;
                stop = now + SPIN_NANOS;
            } else if (now - stop >= 0) {
                return false;
            }
            if (timed && now - deadline >= 0) {
                return false;
            }
        }
        return false;
    }

    /**
     * A woken waiter that stops waiting (timeout, interrupt, scope) after it was dequeued: takes
     * the lock if it is free, or else clears WOKEN while the lock is held, so that the holder's
     * unlock wakes the next waiter. Returns whether it took the lock.
     */
    private boolean leaveWoken() {
        while (true) {
            int s = (int) STATE.getVolatile(this);
            if ((s & LOCKED) == 0) {
                if (STATE.compareAndSet(this, s, (s | LOCKED) & ~WOKEN)) {
                    return true;
                }
            } else if ((s & QLOCK) == 0 && STATE.compareAndSet(this, s, s & ~WOKEN)) {
                return false;
            } else {
                Rt.spinWait();
            }
        }
    }

    /** Removes {@code node} if still queued; returns its final status. */
    private int cancel(Waiter node) {
        while (true) {
            int s = (int) STATE.getVolatile(this);
            if ((s & QLOCK) == 0 && STATE.compareAndSet(this, s, s | QLOCK)) {
                break;
            }
            Rt.spinWait();
        }
        int st = node.status;
        if (st == Waiter.WAITING) {
            queue.remove(node);
            node.status = st = Waiter.CANCELLED;
        }
        int queued = queue.isEmpty() ? 0 : QUEUED;
        while (true) { // LOCKED may change under us: release QLOCK with a CAS
            int s = (int) STATE.getVolatile(this);
            if (STATE.compareAndSet(this, s, (s & ~(QLOCK | QUEUED)) | queued)) {
                return st;
            }
        }
    }

    private void unlockSlow() {
        long now = fair ? 0L : Rt.nanoTime();
        while (true) {
            int s = (int) STATE.getVolatile(this);
            if ((s & QLOCK) != 0) {
                Rt.spinWait();
                continue;
            }
            if ((s & QUEUED) == 0 || (s & WOKEN) != 0) {
                // nobody queued, or a woken waiter is on its way: just release
                if (STATE.compareAndSet(this, s, s & ~LOCKED)) {
                    return;
                }
                continue;
            }
            if (!STATE.compareAndSet(this, s, s | QLOCK)) {
                continue;
            }
            Waiter w = queue.poll();
            int queued = queue.isEmpty() ? 0 : QUEUED;
            // We hold QLOCK and LOCKED: no other thread writes `state` until the store below,
            // and WOKEN is clear (checked above).
            if (fair || now - w.since >= FAIR_BOUND_NANOS) {
                w.status = Waiter.GRANTED; // hand-off: LOCKED stays set
                STATE.setRelease(this, LOCKED | queued);
            } else {
                // WOKEN marks a waiter of ours on its way while others still wait; a requeued
                // condvar waiter re-acquires as an arrival and does not take part.
                int hint = queued != 0 && w.status == Waiter.WAITING ? WOKEN : 0;
                w.status = Waiter.WOKEN;
                STATE.setRelease(this, queued | hint); // release: publishes section + queue
            }
            if (w.parked) { // a requeued condvar waiter may still be spinning (see Waiter)
                Rt.unpark(w.thread);
            }
            return;
        }
    }
}
