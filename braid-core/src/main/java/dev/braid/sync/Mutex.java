package dev.braid.sync;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancellationRegistration;
import dev.braid.internal.rt.Op;
import dev.braid.internal.rt.Rt;
import dev.braid.internal.util.Args;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Optional;
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
 * MutexGuard#poison}. {@link #lockIgnoringPoison()} reaches the value regardless, to repair it.
 *
 * <p><b>Blocking and fairness.</b> {@link #lock()} blocks without bound and ignores interrupts (the
 * interrupt status is kept), like {@code ReentrantLock.lock()}. The lock is not fair: a thread that
 * arrives while waiters are queued may barge ahead of them. The lock is not reentrant: a thread
 * that locks a mutex it already holds deadlocks (the testkit reports it).
 *
 * <p><b>Ambient cancellation.</b> Inside a {@link CancelScope}, a {@code lock()} that has to park
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
     * Algorithm. A word lock in the style of parking_lot's WordLock / Drepper's futex mutex, with the
     * waiter queue inside the mutex instead of a futex table: lock = one CAS 0 -> LOCKED; unlock =
     * one CAS LOCKED -> 0. Only when those fail (contention) do the slow paths touch the queue.
     *
     * State (the `state` int):
     *   LOCKED (1) - a thread holds the mutex.
     *   QUEUED (2) - the waiter queue is non-empty; unlock must wake one.
     *   QLOCK  (4) - a thread is editing the waiter queue (head/tail); others spin briefly.
     * QUEUED is only ever set together with taking QLOCK while LOCKED is set, so the owner's fast
     * unlock CAS (LOCKED -> 0) fails whenever a waiter has queued or is queueing, and the owner then
     * takes the slow path, which waits for QLOCK, dequeues one waiter, clears LOCKED and wakes it.
     * A waiter re-checks LOCKED under QLOCK before it parks, so no wake-up is lost.
     *
     * Memory ordering. The acquiring CAS is volatile (acquire); the releasing CAS or the release
     * store in unlockSlow publishes the critical section to the next acquirer. `value` and
     * `poison` writes happen under the lock; `poison` is volatile so isPoisoned() can be read
     * without it.
     *
     * Liveness. Unfair: a woken waiter competes with arriving threads (barging keeps throughput
     * high). Eventual fairness (hand-off after a bound) is planned with the sync suite.
     *
     * Ambient cancellation. Only a waiter about to park reads CancelScope.current(). In an active
     * scope it registers a wake-up on the scope's tokens and parks with the scope's deadline; when
     * the scope stops it, abandonWait() takes QLOCK and unlinks its node. If the node is no longer
     * queued, an unlocker has already dequeued it to be woken (possibly still on its way to set
     * `woken`), so the wake-up is passed on: the leaver takes the lock if it is free and releases
     * it through the normal path, which wakes the next waiter.
     *
     * Simulation. lock/unlock announce yield points and report acquired/released to the seam for
     * the testkit's wait-for graph; QLOCK sections contain no yield point, so under the testkit no
     * thread is ever preempted while holding QLOCK.
     *
     * References. parking_lot's WordLock design notes; U. Drepper, "Futexes Are Tricky" (2011).
     */

    private static final int LOCKED = 1;
    private static final int QUEUED = 2;
    private static final int QLOCK = 4;

    /**
     * Spins before queueing when nobody is queued yet; small, since a 2-core box punishes spinning.
     */
    private static final int SPIN_LIMIT = 32;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Mutex.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A parked thread; `woken` is set by the unlocker that dequeued it. */
    private static final class Waiter {
        final Thread thread;
        volatile boolean woken;
        Waiter next;

        Waiter(Thread thread) {
            this.thread = thread;
        }
    }

    @SuppressWarnings("unused") // accessed through STATE
    private volatile int state;

    private Waiter head; // guarded by QLOCK
    private Waiter tail; // guarded by QLOCK
    private final String name;

    T value; // guarded by LOCKED
    volatile Throwable poison; // written under LOCKED

    /** A mutex protecting {@code value} (which may be null). */
    public Mutex(T value) {
        this(null, value);
    }

    private Mutex(String name, T value) {
        this.name = name;
        this.value = value;
    }

    /**
     * A mutex with a name, used in error messages, deadlock reports and {@link #toString()}.
     *
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public static <T> Mutex<T> named(String name, T value) {
        return new Mutex<>(Args.notBlank(name, "name"), value);
    }

    /**
     * Acquires the mutex, blocking until it is available.
     *
     * @return the guard that unlocks on close
     * @throws PoisonedException if the mutex is poisoned (the lock is then not held)
     */
    public MutexGuard<T> lock() {
        Rt.yieldPoint(Op.LOCK, this);
        if (!STATE.compareAndSet(this, 0, LOCKED)) {
            lockSlow();
        }
        return acquired();
    }

    /**
     * Acquires the mutex only if it is free right now.
     *
     * @return the guard, or empty if another thread holds the mutex
     * @throws PoisonedException if the mutex is free but poisoned (the lock is then not held)
     */
    public Optional<MutexGuard<T>> tryLock() {
        Rt.yieldPoint(Op.LOCK, this);
        int s = (int) STATE.getVolatile(this);
        if ((s & LOCKED) == 0 && STATE.compareAndSet(this, s, s | LOCKED)) {
            return Optional.of(acquired());
        }
        return Optional.empty();
    }

    /**
     * Acquires the mutex even if it is poisoned, to inspect or repair the value. The poison stays
     * until {@link MutexGuard#clearPoison()} or {@link #clearPoison()}.
     */
    public MutexGuard<T> lockIgnoringPoison() {
        Rt.yieldPoint(Op.LOCK, this);
        if (!STATE.compareAndSet(this, 0, LOCKED)) {
            lockSlow();
        }
        Rt.acquired(this);
        return new MutexGuard<>(this);
    }

    /**
     * Runs {@code action} on the value while holding the lock and returns its result. If {@code
     * action} throws, the mutex is poisoned and the exception propagates.
     *
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
            throw t;
        } finally {
            g.close();
        }
    }

    /** Whether a failed critical section has poisoned the mutex. */
    public boolean isPoisoned() {
        return poison != null;
    }

    /** Clears the poison (taking the lock briefly), declaring the value consistent. */
    public void clearPoison() {
        try (MutexGuard<T> g = lockIgnoringPoison()) {
            g.clearPoison();
        }
    }

    /** Whether some thread holds the mutex right now (a snapshot, for monitoring). */
    public boolean isLocked() {
        return ((int) STATE.getVolatile(this) & LOCKED) != 0;
    }

    @Override
    public String toString() {
        return name == null ? "Mutex" : "Mutex(" + name + ")";
    }

    // ---- internals ----

    private MutexGuard<T> acquired() {
        Rt.acquired(this);
        Throwable p = poison;
        if (p != null) {
            unlock();
            throw new PoisonedException(toString(), p);
        }
        return new MutexGuard<>(this);
    }

    void unlock() {
        Rt.yieldPoint(Op.UNLOCK, this);
        Rt.released(this);
        if (!STATE.compareAndSet(this, LOCKED, 0)) {
            unlockSlow();
        }
    }

    private void lockSlow() {
        boolean interrupted = false;
        int spins = 0;
        Waiter node = null;
        CancelScope scope = null;
        CancellationRegistration wake = null;
        try {
            while (true) {
                int s = (int) STATE.getVolatile(this);
                if ((s & LOCKED) == 0) {
                    if (STATE.compareAndSet(this, s, s | LOCKED)) {
                        break;
                    }
                    continue;
                }
                if ((s & QUEUED) == 0 && spins < SPIN_LIMIT) {
                    spins++;
                    Rt.spinWait();
                    continue;
                }
                if ((s & QLOCK) != 0 || !STATE.compareAndSet(this, s, s | QLOCK | QUEUED)) {
                    Rt.spinWait();
                    continue;
                }
                // We hold QLOCK and LOCKED is set: the owner's unlock must come through unlockSlow.
                if (node == null) {
                    node = new Waiter(Thread.currentThread());
                } else {
                    node.woken = false;
                    node.next = null;
                }
                if (tail == null) {
                    head = node;
                } else {
                    tail.next = node;
                }
                tail = node;
                STATE.getAndBitwiseAnd(this, ~QLOCK); // volatile: publishes the queue edit
                if (scope == null) {
                    scope = CancelScope.current();
                    if (scope.isActive()) {
                        wake = scope.wakeOnCancel(node.thread);
                    }
                }
                while (!node.woken) {
                    if (wake == null) {
                        Rt.park(this);
                    } else if (scope.isCancelled()) {
                        abandonWait(node);
                        scope.check(); // throws: tokens and expiry never revert
                        throw new AssertionError("scope stopped but check() passed");
                    } else if (scope.deadline().isNever()) {
                        Rt.park(this);
                    } else {
                        Rt.parkUntil(this, scope.deadline().nanoTime());
                    }
                    if (Thread.interrupted()) {
                        interrupted = true;
                    }
                }
                spins = 0;
            }
        } finally {
            if (wake != null) {
                wake.deregister();
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Leaves the wait queue after the ambient scope stopped the wait (see the notes). */
    private void abandonWait(Waiter node) {
        while (true) {
            int s = (int) STATE.getVolatile(this);
            if ((s & QLOCK) == 0 && STATE.compareAndSet(this, s, s | QLOCK)) {
                break;
            }
            Rt.spinWait();
        }
        Waiter pred = null;
        Waiter q = head;
        while (q != null && q != node) {
            pred = q;
            q = q.next;
        }
        if (q != null) {
            if (pred == null) {
                head = node.next;
            } else {
                pred.next = node.next;
            }
            if (tail == node) {
                tail = pred;
            }
            node.next = null;
            // volatile: publishes the queue edit; other bits (LOCKED) may change concurrently
            STATE.getAndBitwiseAnd(this, head == null ? ~(QLOCK | QUEUED) : ~QLOCK);
            return;
        }
        // Dequeued by an unlocker to be woken: pass the wake-up on to the next waiter.
        STATE.getAndBitwiseAnd(this, ~QLOCK);
        while (true) {
            int s = (int) STATE.getVolatile(this);
            if ((s & LOCKED) != 0) {
                return; // the holder's unlock wakes the next waiter
            }
            if (STATE.compareAndSet(this, s, s | LOCKED)) {
                if (!STATE.compareAndSet(this, LOCKED, 0)) {
                    unlockSlow();
                }
                return;
            }
        }
    }

    private void unlockSlow() {
        while (true) {
            int s = (int) STATE.getVolatile(this);
            if ((s & QLOCK) != 0) {
                Rt.spinWait();
                continue;
            }
            if ((s & QUEUED) == 0) {
                if (STATE.compareAndSet(this, s, s & ~LOCKED)) {
                    return;
                }
                continue;
            }
            if (!STATE.compareAndSet(this, s, s | QLOCK)) {
                continue;
            }
            Waiter w = head;
            head = w.next;
            if (head == null) {
                tail = null;
            }
            // While we hold QLOCK and LOCKED, no other thread writes `state`.
            STATE.setRelease(this, head == null ? 0 : QUEUED); // release: publishes section + queue
            w.woken = true;
            Rt.unpark(w.thread);
            return;
        }
    }
}
