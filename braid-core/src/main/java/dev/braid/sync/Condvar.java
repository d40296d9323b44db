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
import java.util.function.Predicate;

/**
 * A condition variable: threads wait on it while holding a lock ({@link Mutex} or {@link RwLock}'s
 * write side) and are woken by {@link #notifyOne()} / {@link #notifyAllWaiters()}.
 *
 * <pre>{@code
 * Mutex<Deque<Job>> jobs = new Mutex<>(new ArrayDeque<>());
 * Condvar nonEmpty = new Condvar();
 * // consumer
 * try (var g = jobs.lock()) {
 *     nonEmpty.awaitUntil(g, q -> !q.isEmpty());
 *     run(g.get().poll());
 * }
 * // producer
 * jobs.withLock(q -> q.add(job));
 * nonEmpty.notifyOne();
 * }</pre>
 *
 * <p><b>Prefer the predicate form.</b> {@link #awaitUntil(ExclusiveGuard, Predicate)} re-checks the
 * condition before the first wait and after every wake-up, so a notification sent before the wait
 * began is not lost and spurious wake-ups are harmless. A plain {@link #await} may return without a
 * notification (spuriously) and waits forever if the notification came first: the testkit finds
 * that lost wake-up as a deadlock on this condvar.
 *
 * <p><b>Lock handling.</b> A wait atomically releases the guard's lock and enqueues the caller;
 * before returning — normally, on timeout, or with an exception — it takes the lock back, so the
 * guard is usable again. The guard must be open and held by the calling thread. Use one lock per
 * condvar.
 *
 * <p><b>Poisoning.</b> A wait re-checks the lock's poison once it holds the lock again: if another
 * thread poisoned the lock while the caller waited, the wait throws {@link PoisonedException} (an
 * {@link IllegalStateException} if the value was taken by {@code intoInner()}) instead of
 * returning, with the lock held and the guard open, so the caller's try-with-resources still
 * unlocks. This is Rust's rule ({@code Condvar::wait} returns a {@code PoisonError} holding the
 * guard). Poison that was already there when the wait began (a guard from {@link
 * Mutex#lockIgnoringPoison()}) is not reported again. The poison report replaces an {@link
 * InterruptedException} or a timeout; an interrupt that ended the wait is kept as the interrupt
 * status.
 *
 * <p><b>Notification.</b> {@code notifyOne} wakes the longest waiter, {@code notifyAllWaiters}
 * every current waiter (Java reserves the name {@code notifyAll} for {@link Object}). Either may be
 * called with or without the lock; a notification with no waiter does nothing. A notification
 * happens-before the woken waiter's return. An interrupt, timeout or cancellation that races with a
 * notification never loses the notification: if the waiter was already notified it returns normally
 * (with its interrupt status set, if interrupted). A notification that finds the waiter's {@link
 * Mutex} held (usually by the notifier) moves the waiter straight onto the mutex's queue instead of
 * waking it, so the waiter wakes once, when the mutex is unlocked; it then competes for the mutex
 * as a waiter that started waiting for it at the notification (the mutex's fairness contract).
 *
 * <p><b>Timeouts</b> return {@link WaitOutcome#TIMED_OUT} and run on virtual time under the
 * testkit.
 *
 * <p><b>Ambient cancellation.</b> A wait (of any form, uninterruptible included) inside a {@link
 * CancelScope} stops when the scope's token is cancelled or its deadline passes: the waiter leaves
 * the queue (so a later notification goes to another waiter), re-takes the lock, and throws {@link
 * dev.braid.cancel.CancelledException} (or {@link dev.braid.cancel.DeadlineExceededException}) with
 * the guard still holding the lock, as an {@link InterruptedException} would. A notification that
 * arrived first wins, and taking the lock back afterwards is never stopped by the scope.
 */
public final class Condvar {
    /*
     * Implementation notes
     *
     * Algorithm. A FIFO of Waiter nodes guarded by a one-bit spin lock (QLOCK) in `state`, with a
     * WAITERS bit so that notify without waiters is one volatile read. A waiter enqueues itself
     * *before* releasing the user's lock, so a notifier that changes the shared state under that
     * lock (and therefore after the release) finds it queued: no lost wake-up between "check" and
     * "sleep". Notify dequeues and decides the node's fate under QLOCK; a waiter that times out,
     * is interrupted or is stopped by its scope removes itself under QLOCK unless its fate is
     * already decided, in which case the notification wins (AQS ConditionObject's rule), so a
     * notification is never swallowed by a thread that then reports a timeout.
     *
     * Wait morphing. If the waiter's lock is a Mutex that is held when the notification comes,
     * notify moves the node onto the mutex's queue (Mutex.requeue: under the mutex's QLOCK, with
     * QUEUED set and status REQUEUED) instead of waking it: the mutex's unlock wakes it (WOKEN,
     * compete) or hands it the lock (GRANTED) like any mutex waiter, so a pass through a condvar
     * under a held lock costs one wake-up instead of two (woken, find the lock held, park again).
     * The node gets a fresh fairness stamp at the requeue: time on the condvar is not time waiting
     * for the lock. A requeued waiter may not start another acquisition while its node is queued,
     * so from then on it only waits for its status (Mutex.reacquireRequeued): uninterruptibly,
     * without a deadline and deaf to its scope, since the notification has already won. If the
     * mutex is free, or the lock is an RwLock's write side, the node is marked WOKEN and woken,
     * and the waiter re-acquires by the lock's normal path. Lock order: the condvar's QLOCK, then
     * the mutex's; the mutex never takes a condvar's QLOCK.
     *
     * Spinning and skipped unparks. Before it parks, in either phase, a waiter re-reads its
     * status PARK_SPINS times between Rt.spinWait()s and then PARK_YIELDS times between
     * Rt.yieldNow()s (parking_lot's SpinWait shape): a partner on another core answers during
     * the spins; on a box with more runnable threads than cores the partner often needs this core,
     * and a yield lets it run for the price of a context switch instead of a futex sleep and
     * wake-up. Then it sets Waiter.parked (volatile) and re-reads the status once more before
     * the first park. Wakers write the status (volatile) and then unpark only if `parked` is
     * set. Volatile accesses are totally ordered (JLS 17.4.4), so either the waiter's re-read sees
     * the new status or the waker's read sees `parked`: a waiter never sleeps through its
     * wake-up, and a partner that answers while the waiter spins costs no unpark system call. A
     * stale unpark (the waiter read the status before the waker's unpark landed) is a spurious
     * return from a later park, which every park loop in braid tolerates.
     *
     * Poisoning. The lock's poison is read before the wait (under the lock) and again after it
     * is re-taken; a different, non-null value is reported (PoisonedException, lock held).
     *
     * Memory ordering. Node status is volatile: the notifier's write happens-before the waiter's
     * read; QLOCK acquire/release (CAS / setRelease) publish queue edits. A requeued waiter's
     * view of the notifier's writes comes through the mutex: the notifier's requeue releases the
     * mutex's QLOCK, the unlocker's QLOCK CAS reads it, and the unlocker's status write (or
     * the lock word) is read by the waiter.
     *
     * Simulation. await announces Op.PARK and parks with `this` as blocker ("Condvar(name)" in a
     * deadlock report); a requeued waiter parks with the mutex as blocker. notify announces
     * Op.UNPARK. The QLOCK sections (including the nested mutex QLOCK) have no yield point. Under
     * the testkit the happens-before edge from a notification, which production gets from the
     * volatile status and queue words, is given to the model explicitly: the notifier calls
     * Rt.handOff(waiter) for each waiter it dequeues, and a notified waiter calls
     * Rt.receiveHandOffs() before it re-takes the lock (ADR 0012, amended).
     *
     * References. POSIX pthread_cond_wait; Drepper, "Futexes Are Tricky" (condvar section, and
     * FUTEX_CMP_REQUEUE for requeueing waiters onto the mutex); glibc's and parking_lot's
     * condvars (requeue on notify) and parking_lot's SpinWait (spin, then yield, then park); the
     * JDK's AbstractQueuedSynchronizer.ConditionObject (signal transfers the node to the lock's
     * queue; the interrupt-versus-signal rule); Dekker's algorithm for the parked/status
     * handshake.
     */

    private static final int QLOCK = 1;
    private static final int WAITERS = 2;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Condvar.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // accessed through STATE
    private volatile int state;

    private final WaitQueue queue = new WaitQueue(); // guarded by QLOCK
    private final String name;

    /** An unnamed condvar. */
    public Condvar() {
        this.name = null;
    }

    private Condvar(String name) {
        this.name = name;
    }

    /**
     * A condvar with a name, used in deadlock reports and {@link #toString()}.
     *
     * @param name the name, shown in messages, deadlock reports and {@code toString()}
     * @return the new condvar
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public static Condvar named(String name) {
        return new Condvar(Args.notBlank(name, "name"));
    }

    /**
     * Releases the guard's lock, waits for a notification (or spuriously), and takes the lock back.
     * Prefer {@link #awaitUntil(ExclusiveGuard, Predicate)}.
     *
     * @param guard the guard of the held lock, released while waiting and taken back before
     *     returning
     * @throws NullPointerException if {@code guard} is null
     * @throws IllegalStateException if the guard is closed or not held by the calling thread
     * @throws InterruptedException if interrupted before being notified (lock held again)
     */
    public void await(ExclusiveGuard<?> guard) throws InterruptedException {
        Args.notNull(guard, "guard");
        doWait(target(guard), false, 0L, true);
    }

    /**
     * Like {@link #await(ExclusiveGuard)}, but interrupts do not end the wait (the status is kept).
     *
     * @param guard the guard of the held lock, released while waiting and taken back before
     *     returning
     * @throws NullPointerException if {@code guard} is null
     * @throws IllegalStateException if the guard is closed or not held by the calling thread
     */
    public void awaitUninterruptibly(ExclusiveGuard<?> guard) {
        Args.notNull(guard, "guard");
        try {
            doWait(target(guard), false, 0L, false);
        } catch (InterruptedException e) {
            throw new AssertionError("uninterruptible wait was interrupted", e);
        }
    }

    /**
     * Waits at most {@code timeout} for a notification.
     *
     * @param guard the guard of the held lock, released while waiting and taken back before
     *     returning
     * @param timeout how long to wait at most
     * @return whether the wait was woken or timed out
     * @throws NullPointerException if an argument is null
     * @throws IllegalStateException if the guard is closed or not held by the calling thread
     * @throws InterruptedException if interrupted before being notified (lock held again)
     */
    public WaitOutcome await(ExclusiveGuard<?> guard, Duration timeout)
            throws InterruptedException {
        Args.notNull(guard, "guard");
        Args.notNull(timeout, "timeout");
        return await(guard, Deadline.after(timeout));
    }

    /**
     * Waits until {@code deadline} at the latest for a notification.
     *
     * @param guard the guard of the held lock, released while waiting and taken back before
     *     returning
     * @param deadline the latest time to wait until
     * @return whether the wait was woken or timed out
     * @throws NullPointerException if an argument is null
     * @throws IllegalStateException if the guard is closed or not held by the calling thread
     * @throws InterruptedException if interrupted before being notified (lock held again)
     */
    public WaitOutcome await(ExclusiveGuard<?> guard, Deadline deadline)
            throws InterruptedException {
        Args.notNull(guard, "guard");
        Args.notNull(deadline, "deadline");
        boolean woken = doWait(target(guard), !deadline.isNever(), deadline.nanoTime(), true);
        return woken ? WaitOutcome.WOKEN : WaitOutcome.TIMED_OUT;
    }

    /**
     * Waits until {@code condition} holds for the guarded value, checking it first and after every
     * wake-up (so notifications sent earlier and spurious wake-ups are both handled).
     *
     * @param <T> the type of the guarded value
     * @param guard the guard of the held lock, released while waiting and taken back before
     *     returning
     * @param condition the condition to wait for, tested on the guarded value with the lock held
     * @throws NullPointerException if an argument is null
     * @throws IllegalStateException if the guard is closed or not held by the calling thread
     * @throws InterruptedException if interrupted while waiting (lock held again)
     */
    public <T> void awaitUntil(ExclusiveGuard<T> guard, Predicate<? super T> condition)
            throws InterruptedException {
        Args.notNull(guard, "guard");
        Args.notNull(condition, "condition");
        Waitable lock = target(guard);
        while (!condition.test(guard.get())) {
            doWait(lock, false, 0L, true);
        }
    }

    /**
     * Waits at most {@code timeout} until {@code condition} holds.
     *
     * @param <T> the type of the guarded value
     * @param guard the guard of the held lock, released while waiting and taken back before
     *     returning
     * @param condition the condition to wait for, tested on the guarded value with the lock held
     * @param timeout how long to wait at most
     * @return {@link WaitOutcome#WOKEN} if the condition holds, else {@link WaitOutcome#TIMED_OUT}
     * @throws NullPointerException if an argument is null
     * @throws IllegalStateException if the guard is closed or not held by the calling thread
     * @throws InterruptedException if interrupted while waiting (lock held again)
     */
    public <T> WaitOutcome awaitUntil(
            ExclusiveGuard<T> guard, Predicate<? super T> condition, Duration timeout)
            throws InterruptedException {
        Args.notNull(guard, "guard");
        Args.notNull(condition, "condition");
        Args.notNull(timeout, "timeout");
        return awaitUntil(guard, condition, Deadline.after(timeout));
    }

    /**
     * Waits until {@code deadline} at the latest until {@code condition} holds.
     *
     * @param <T> the type of the guarded value
     * @param guard the guard of the held lock, released while waiting and taken back before
     *     returning
     * @param condition the condition to wait for, tested on the guarded value with the lock held
     * @param deadline the latest time to wait until
     * @return {@link WaitOutcome#WOKEN} if the condition holds, else {@link WaitOutcome#TIMED_OUT}
     * @throws NullPointerException if an argument is null
     * @throws IllegalStateException if the guard is closed or not held by the calling thread
     * @throws InterruptedException if interrupted while waiting (lock held again)
     */
    public <T> WaitOutcome awaitUntil(
            ExclusiveGuard<T> guard, Predicate<? super T> condition, Deadline deadline)
            throws InterruptedException {
        Args.notNull(guard, "guard");
        Args.notNull(condition, "condition");
        Args.notNull(deadline, "deadline");
        Waitable lock = target(guard);
        while (!condition.test(guard.get())) {
            if (!doWait(lock, !deadline.isNever(), deadline.nanoTime(), true)) {
                return condition.test(guard.get()) ? WaitOutcome.WOKEN : WaitOutcome.TIMED_OUT;
            }
        }
        return WaitOutcome.WOKEN;
    }

    /** Wakes the longest-waiting thread, if any. */
    public void notifyOne() {
        Rt.yieldPoint(Op.UNPARK, this);
        if (((int) STATE.getVolatile(this) & WAITERS) == 0) {
            return;
        }
        qlock();
        Waiter w = queue.poll();
        boolean wake = w != null && !requeueOrMarkWoken(w);
        qunlock();
        if (wake) {
            wake(w);
        }
    }

    /** Wakes every thread waiting right now. */
    public void notifyAllWaiters() {
        Rt.yieldPoint(Op.UNPARK, this);
        if (((int) STATE.getVolatile(this) & WAITERS) == 0) {
            return;
        }
        qlock();
        Waiter chain = null;
        Waiter last = null;
        for (Waiter w = queue.poll(); w != null; w = queue.poll()) {
            if (requeueOrMarkWoken(w)) {
                continue; // now in the mutex's queue, linked through `next` there
            }
            if (last == null) {
                chain = w;
            } else {
                last.next = w;
            }
            last = w;
        }
        qunlock();
        while (chain != null) {
            Waiter next = chain.next;
            wake(chain);
            chain = next;
        }
    }

    @Override
    public String toString() {
        return name == null ? "Condvar" : "Condvar(" + name + ")";
    }

    // ---- internals ----

    /** Returns true if notified, false if the deadline passed. */
    private boolean doWait(Waitable lock, boolean timed, long deadline, boolean interruptible)
            throws InterruptedException {
        Rt.yieldPoint(Op.PARK, this);
        if (interruptible && Thread.interrupted()) {
            throw new InterruptedException();
        }
        Throwable poisonBefore = lock.poison(); // read under the lock
        Waiter node = new Waiter(Thread.currentThread(), false, 0L);
        if (lock instanceof MutexWait(Mutex<?> mutex)) {
            node.requeueTo = mutex; // a notifier may move us onto its queue (wait morphing)
        }
        qlock();
        queue.append(node);
        qunlock();
        lock.releaseForWait();
        boolean timedOut = false;
        boolean interrupted = false;
        boolean keepInterrupt = false;
        boolean stopped = false;
        // Ambient cancellation (ADR 0005/0006): read only here, on the parking path.
        CancelScope scope = CancelScope.current();
        long since = Rt.nanoTime(); // when the wait began: for the message of a stop
        CancellationRegistration stop = scope.isActive() ? scope.wakeOnCancel(node.thread) : null;
        boolean bounded = timed || stop != null && !scope.deadline().isNever();
        long parkDeadline = timed ? deadline : 0L;
        if (stop != null && !scope.deadline().isNever()) {
            long scopeDeadline = scope.deadline().nanoTime();
            parkDeadline = timed && deadline - scopeDeadline < 0 ? deadline : scopeDeadline;
        }
        int spins = Waiter.spinBudget();
        int st = Waiter.WAITING;
        try {
            while ((st = node.status) == Waiter.WAITING) {
                if (spins > 0) { // a partner that is running notifies within the budget
                    Waiter.backOff(--spins);
                    continue;
                }
                if (!node.parked) {
                    node.parked = true; // then re-read status before parking (see Waiter)
                    continue;
                }
                if (timed && Rt.nanoTime() - deadline >= 0) {
                    timedOut = true;
                } else if (bounded) {
                    Rt.parkUntil(this, parkDeadline);
                } else {
                    Rt.park(this);
                }
                if (Thread.interrupted()) {
                    if (interruptible) {
                        interrupted = true;
                    } else {
                        keepInterrupt = true;
                    }
                }
                stopped = stop != null && scope.isCancelled();
                if (timedOut || interrupted || stopped) {
                    st = cancel(node);
                    break;
                }
            }
        } finally {
            if (stop != null) {
                stop.deregister();
            }
            if (st != Waiter.CANCELLED && st != Waiter.WAITING) {
                Rt.receiveHandOffs(); // notified: acquire the notifier's hand-off (simulation)
            }
            reacquire(lock, node);
        }
        Throwable poisonAfter = lock.poison();
        if (poisonAfter != null && poisonAfter != poisonBefore) {
            if (interrupted || keepInterrupt) {
                Thread.currentThread().interrupt(); // the poison report replaces the exception
            }
            throw Poison.failure(poisonAfter, lock); // lock held: the guard stays usable
        }
        if (st == Waiter.CANCELLED) {
            if (keepInterrupt) {
                Thread.currentThread().interrupt();
            }
            if (interrupted) {
                throw new InterruptedException();
            }
            if (stopped) {
                scope.checkWaiting("await", this, since); // throws; lock held
            }
            return false;
        }
        if (interrupted || keepInterrupt) {
            Thread.currentThread().interrupt(); // notified first: keep the interrupt for later
        }
        return true;
    }

    /**
     * Takes the lock back after a wait. A waiter that a notifier requeued onto its mutex waits
     * there for its turn (it must not start a second acquisition while its node is queued); any
     * other re-acquires by the lock's normal path.
     */
    private void reacquire(Waitable lock, Waiter node) {
        int st = node.status;
        if (st == Waiter.WAITING) {
            st = cancel(node); // only when the wait loop was left by an exception
        }
        if (st == Waiter.REQUEUED || st == Waiter.GRANTED) {
            node.requeueTo.reacquireRequeued(node);
        } else {
            lock.reacquireAfterWait();
        }
    }

    /**
     * Decides a dequeued waiter's fate, under QLOCK: moved onto its mutex's queue if that mutex is
     * held (returns true; that mutex's unlock will wake it), else marked WOKEN (returns false; the
     * caller wakes it after letting go of QLOCK).
     */
    private static boolean requeueOrMarkWoken(Waiter w) {
        // The waiter may see its new status without being unparked by us (it had not parked yet,
        // or the mutex's unlocker wakes it): tell the testkit's memory model what production's
        // volatile status/queue words order (ADR 0012, "Testkit modelling gap").
        Rt.handOff(w.thread);
        Mutex<?> mutex = w.requeueTo;
        if (mutex != null && mutex.requeue(w)) {
            return true;
        }
        w.status = Waiter.WOKEN;
        return false;
    }

    /** Unparks a waiter marked WOKEN, unless it has not parked yet (see Waiter). */
    private static void wake(Waiter w) {
        if (w.parked) { // read after the volatile write of status
            Rt.unpark(w.thread);
        }
    }

    private int cancel(Waiter node) {
        qlock();
        int st = node.status;
        if (st == Waiter.WAITING) {
            queue.remove(node);
            node.status = st = Waiter.CANCELLED;
        }
        qunlock();
        return st;
    }

    private void qlock() {
        while (true) {
            int s = (int) STATE.getVolatile(this);
            if ((s & QLOCK) == 0 && STATE.compareAndSet(this, s, s | QLOCK)) {
                return;
            }
            Rt.spinWait();
        }
    }

    private void qunlock() {
        STATE.setRelease(this, queue.isEmpty() ? 0 : WAITERS); // only the QLOCK holder writes
    }

    private static Waitable target(ExclusiveGuard<?> guard) {
        Waitable lock =
                switch (guard) {
                    case MutexGuard<?> g -> new MutexWait(g.lockForWait());
                    case RwLockWriteGuard<?> g -> new WriteWait(g.lockForWait());
                };
        if (!lock.isHeldByCurrentThread()) {
            throw new IllegalStateException(
                    "condvar wait with a guard of "
                            + Guards.label(lock)
                            + " that this thread does not hold");
        }
        return lock;
    }

    private record MutexWait(Mutex<?> mutex) implements Waitable {
        @Override
        public void releaseForWait() {
            mutex.releaseForWait();
        }

        @Override
        public void reacquireAfterWait() {
            mutex.reacquireAfterWait();
        }

        @Override
        public boolean isHeldByCurrentThread() {
            return mutex.isHeldByCurrentThread();
        }

        @Override
        public Throwable poison() {
            return mutex.poison;
        }

        @Override
        public String toString() {
            return mutex.label();
        }
    }

    private record WriteWait(RwLock<?> lock) implements Waitable {
        @Override
        public void releaseForWait() {
            lock.releaseWriteForWait();
        }

        @Override
        public void reacquireAfterWait() {
            lock.reacquireWriteAfterWait();
        }

        @Override
        public boolean isHeldByCurrentThread() {
            return lock.isWriteHeldByCurrentThread();
        }

        @Override
        public Throwable poison() {
            return lock.poison;
        }

        @Override
        public String toString() {
            return lock.label();
        }
    }
}
