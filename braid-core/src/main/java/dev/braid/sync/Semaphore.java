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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A counting semaphore with weighted acquisition: {@link #acquire(int) acquire(n)} waits until
 * {@code n} permits are available and takes them all at once, returning {@link Permits} that give
 * them back on close.
 *
 * <pre>{@code
 * Semaphore connections = Semaphore.named("db", 10);
 * try (Permits p = connections.acquire(1)) {
 *     ... use one connection ...
 * }
 * }</pre>
 *
 * <p><b>Fairness.</b> A {@linkplain #fair fair} semaphore grants queued requests strictly in
 * arrival order: a large request at the head of the queue holds back smaller ones behind it, and
 * neither {@link #tryAcquire(int)} nor a new {@code acquire} overtakes a non-empty queue (unlike
 * {@code java.util.concurrent.Semaphore.tryAcquire()}, which barges even when fair). A thread that
 * arrives at the same moment another one is being queued may still go first. An unfair semaphore
 * (the default) lets arrivals take free permits whenever they suffice and, on release, grants any
 * queued request that fits, skipping ones that do not: more throughput, but a large request can
 * starve behind a stream of small ones.
 *
 * <p><b>Blocking.</b> {@link #acquire(int)} and the timed {@code tryAcquire} variants are
 * interruptible (ADR 0002): an interrupt before the permits are granted throws {@link
 * InterruptedException} and takes nothing; if the grant and the interrupt race and the grant wins,
 * the call succeeds with the interrupt status set. Timed variants return {@link Optional#empty()}
 * on timeout and take nothing. Timeouts use braid's clock (virtual under the testkit). Inside a
 * {@link dev.braid.cancel.CancelScope}, a request that has to wait stops when the scope's token is
 * cancelled or its deadline passes, throws {@link dev.braid.cancel.CancelledException} (or {@link
 * dev.braid.cancel.DeadlineExceededException}) and takes nothing.
 *
 * <p><b>Happens-before.</b> Actions before a release (closing {@link Permits}, or {@link
 * #release(int)}) happen-before the actions after an acquisition that obtained any of those
 * permits.
 *
 * <p>Permits are not owned: {@link #release(int)} adds permits that no one acquired (as with {@code
 * java.util.concurrent.Semaphore}), and {@link Permits} may be closed by another thread.
 */
public final class Semaphore {
    /*
     * Implementation notes
     *
     * Algorithm. The free permits are one int, `permits`, changed only by CAS. Uncontended
     * acquire/release is one CAS. Requests that cannot be served wait in a FIFO queue (head/tail)
     * guarded by a tiny spin lock, `qlock`; the only writers of the queue are the enqueueing thread,
     * a cancelling (timed-out or interrupted) waiter, and grantLocked(), which any thread runs after
     * adding permits. grantLocked() walks the queue, takes each request's permits with CAS, unlinks
     * it, marks it granted and wakes it after qlock is released: the waiter never competes again,
     * so a granted request is never lost to a barging thread. This is the weighted, queue-on-
     * failure semaphore of tokio's batch_semaphore, with a spin lock instead of tokio's mutex and
     * direct hand-off as in java.util.concurrent's AQS-based Semaphore.
     *
     * State.
     *   permits      - free permits, >= 0 (volatile, CAS).
     *   qlock        - 0/1, protects head/tail/next; held only for list edits and grantLocked(),
     *                  which contain no seam call, so under the testkit nobody is preempted there.
     *   head (volatile), tail - the queue; head is read without qlock as "anyone waiting?".
     *   Waiter.granted - set under qlock, volatile, read by the parked waiter.
     *
     * No lost wake-up (Dekker-style, all accesses volatile, hence sequentially consistent): a
     * waiter writes `head`/`tail` and then, still under qlock, runs grantLocked(), which reads
     * `permits`; a releaser CASes `permits` and then reads `head`. Whichever goes second sees the
     * other's write, so permits released while a waiter queues are granted by one of the two.
     *
     * Memory ordering. Every change of `permits` is a volatile CAS, so a release happens-before
     * the acquisition that consumes it. Grants publish through the volatile `granted` store.
     * Under the testkit the same edges are marked: an add passes on and releases into the
     * semaphore (Rt.passOn + Rt.releaseTo: the release sequence of the CASes), a take acquires from
     * it, and a granted waiter is ordered after its granter by the unpark.
     *
     * Liveness. Fair mode: FIFO among queued waiters; grantLocked() stops at the first request
     * that does not fit. Unfair mode: grantLocked() skips requests that do not fit; arrivals barge.
     * A cancelling waiter re-runs grantLocked(), because removing a large head request may let
     * smaller ones behind it proceed.
     *
     * Simulation and lock-order checking. Every acquisition ends in onAcquired() and every return
     * of acquired permits in onReleased(): the only two places that tell the seam (acquired /
     * released, for the testkit's wait-for graph) and the LockOrderChecker (through LockHooks,
     * keyed by the Permits object so that permits closed by another thread stop counting as held
     * by the acquirer). Blocking and timed acquisitions call LockHooks.beforeBlocking first, as
     * Mutex does. Raw release(int) is not a return of held permits and is not reported. Waiters
     * park on `this`, whose toString() names the semaphore.
     *
     * References. tokio::sync::batch_semaphore (weighted FIFO); D. Lea, the AQS paper (CSJP 2004)
     * for queue-on-failure with direct hand-off; E. W. Dijkstra, "Cooperating sequential
     * processes" (1965).
     */

    private static final VarHandle PERMITS;
    private static final VarHandle QLOCK;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            PERMITS = l.findVarHandle(Semaphore.class, "permits", int.class);
            QLOCK = l.findVarHandle(Semaphore.class, "qlock", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final class Waiter {
        final Thread thread;
        final int permits;
        volatile boolean granted;
        Waiter next; // guarded by qlock

        Waiter(Thread thread, int permits) {
            this.thread = thread;
            this.permits = permits;
        }
    }

    @SuppressWarnings("unused") // accessed through PERMITS
    private volatile int permits;

    @SuppressWarnings("unused") // accessed through QLOCK
    private volatile int qlock;

    private volatile Waiter head; // written under qlock
    private Waiter tail; // guarded by qlock
    private final boolean fair;
    private final String name;

    /**
     * An unfair semaphore with {@code permits} free permits.
     *
     * @param permits the number of free permits to start with
     * @throws IllegalArgumentException if {@code permits} is negative
     */
    public Semaphore(int permits) {
        this(null, permits, false);
    }

    private Semaphore(String name, int permits, boolean fair) {
        Args.nonNegative(permits, "permits");
        this.name = name;
        this.permits = permits;
        this.fair = fair;
    }

    /**
     * A fair (FIFO) semaphore with {@code permits} free permits.
     *
     * @param permits the number of free permits to start with
     * @return the new semaphore
     * @throws IllegalArgumentException if {@code permits} is negative
     */
    public static Semaphore fair(int permits) {
        return new Semaphore(null, permits, true);
    }

    /**
     * An unfair semaphore with a name (used in error messages, deadlock reports and {@link
     * #toString()}): {@link #named(String, int, boolean) named(name, permits, false)}, as {@code
     * Mutex.named}, {@code Latch.named} and {@code Barrier.named} take a name and their one value.
     *
     * @param name the name, shown in messages, deadlock reports and {@code toString()}
     * @param permits the number of free permits to start with
     * @return the new semaphore
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank or {@code permits} negative
     */
    public static Semaphore named(String name, int permits) {
        return named(name, permits, false);
    }

    /**
     * A semaphore with a name (used in error messages, deadlock reports and {@link #toString()}).
     *
     * @param name the name, shown in messages, deadlock reports and {@code toString()}
     * @param permits the number of free permits to start with
     * @param fair whether queued requests are granted in arrival order
     * @return the new semaphore
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank or {@code permits} negative
     */
    public static Semaphore named(String name, int permits, boolean fair) {
        return new Semaphore(Args.notBlank(name, "name"), permits, fair);
    }

    /**
     * Takes one permit, waiting until one is available: {@link #acquire(int) acquire(1)}.
     *
     * @return the permit, given back when closed
     * @throws InterruptedException if interrupted before the permit was granted (nothing taken)
     * @throws dev.braid.cancel.CancelledException if it has to wait inside a {@link
     *     dev.braid.cancel.CancelScope} that stops it (nothing taken)
     */
    public Permits acquire() throws InterruptedException {
        return acquire(1);
    }

    /**
     * Takes one permit if one is available now: {@link #tryAcquire(int) tryAcquire(1)}.
     *
     * @return the permit, or empty if none was available
     */
    public Optional<Permits> tryAcquire() {
        return tryAcquire(1);
    }

    /**
     * Takes one permit, waiting at most {@code timeout}: {@link #tryAcquire(int, Duration)
     * tryAcquire(1, timeout)}. A zero or negative timeout does not wait (ADR 0039).
     *
     * @param timeout the longest wait
     * @return the permit, or empty on timeout (nothing taken)
     * @throws NullPointerException if {@code timeout} is null
     * @throws InterruptedException if interrupted before the permit was granted (nothing taken)
     */
    public Optional<Permits> tryAcquire(Duration timeout) throws InterruptedException {
        return tryAcquire(1, timeout);
    }

    /**
     * Takes {@code n} permits, waiting until that many are available.
     *
     * @param n the number of permits (0 or more)
     * @return the permits, given back when closed
     * @throws IllegalArgumentException if {@code n} is negative
     * @throws InterruptedException if interrupted before the permits were granted (nothing taken)
     */
    public Permits acquire(int n) throws InterruptedException {
        Args.nonNegative(n, "permits");
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        Rt.yieldPoint(Op.LOCK, this);
        LockHooks.beforeBlocking(this);
        if ((!fair || head == null) && tryTake(n)) {
            return onAcquired(n);
        }
        acquireSlow(n, null);
        return onAcquired(n);
    }

    /**
     * Takes {@code n} permits if they are available now (and, for a fair semaphore, nobody is
     * queued).
     *
     * @param n the number of permits (0 or more)
     * @return the permits, or empty if they were not available
     * @throws IllegalArgumentException if {@code n} is negative
     */
    public Optional<Permits> tryAcquire(int n) {
        Args.nonNegative(n, "permits");
        Rt.yieldPoint(Op.LOCK, this);
        if ((!fair || head == null) && tryTake(n)) {
            return Optional.of(onAcquired(n));
        }
        return Optional.empty();
    }

    /**
     * Takes {@code n} permits, waiting at most {@code timeout}.
     *
     * @param n the number of permits (0 or more)
     * @param timeout how long to wait at most
     * @return the permits, or empty on timeout (nothing taken)
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code n} is negative
     * @throws InterruptedException if interrupted before the permits were granted (nothing taken)
     */
    public Optional<Permits> tryAcquire(int n, Duration timeout) throws InterruptedException {
        Args.notNull(timeout, "timeout");
        Args.nonNegative(n, "permits");
        return tryAcquire(n, Deadline.after(timeout));
    }

    /**
     * Takes {@code n} permits, waiting until {@code deadline} at most.
     *
     * @param n the number of permits (0 or more)
     * @param deadline the latest time to wait until
     * @return the permits, or empty on timeout (nothing taken)
     * @throws NullPointerException if {@code deadline} is null
     * @throws IllegalArgumentException if {@code n} is negative
     * @throws InterruptedException if interrupted before the permits were granted (nothing taken)
     */
    public Optional<Permits> tryAcquire(int n, Deadline deadline) throws InterruptedException {
        Args.notNull(deadline, "deadline");
        Args.nonNegative(n, "permits");
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        Rt.yieldPoint(Op.LOCK, this);
        LockHooks.beforeBlocking(this);
        if ((!fair || head == null) && tryTake(n)) {
            return Optional.of(onAcquired(n));
        }
        if (deadline.isExpired()) {
            return Optional.empty();
        }
        return acquireSlow(n, deadline) ? Optional.of(onAcquired(n)) : Optional.empty();
    }

    /**
     * Adds {@code n} permits, waking waiters they satisfy. Unlike closing {@link Permits}, this
     * needs no prior acquisition.
     *
     * @param n the number of permits (0 or more)
     * @throws IllegalArgumentException if {@code n} is negative, or the total would exceed {@link
     *     Integer#MAX_VALUE} (nothing is added)
     */
    public void release(int n) {
        Args.nonNegative(n, "permits");
        Rt.yieldPoint(Op.UNLOCK, this);
        add(n);
    }

    /**
     * Free permits right now (a snapshot, for monitoring). The read is an acquire: every release
     * before the count it returns happens-before what the caller does next.
     *
     * @return free permits right now (a snapshot, for monitoring)
     */
    public int availablePermits() {
        int p = (int) PERMITS.getVolatile(this);
        Rt.acquireFrom(this); // the testkit: the releases' sequence, as a take acquires it
        return p;
    }

    /**
     * Whether some thread is queued waiting for permits (a snapshot).
     *
     * @return whether some thread is queued waiting for permits (a snapshot)
     */
    public boolean hasQueuedThreads() {
        return head != null;
    }

    /**
     * Whether this semaphore grants queued requests in arrival order.
     *
     * @return whether this semaphore grants queued requests in arrival order
     */
    public boolean isFair() {
        return fair;
    }

    /**
     * Its kind and name without state: {@code Semaphore(name)}, or {@code Semaphore} if unnamed.
     * Error messages, deadlock reports, lock-order reports and JFR events name it this way.
     *
     * @return the label
     */
    public String label() {
        return name == null ? "Semaphore" : "Semaphore(" + name + ")";
    }

    /**
     * The label and a snapshot of the state: for example {@code Semaphore(db)[0 permits, threads
     * waiting]}. Read without synchronization: a hint for logs and debuggers.
     *
     * @return a description of this semaphore and its state
     */
    @Override
    public String toString() {
        int n = permits;
        return label()
                + "["
                + n
                + (n == 1 ? " permit" : " permits")
                + (head != null ? ", threads waiting" : "")
                + (fair ? ", fair]" : "]");
    }

    // ---- the two places where held permits start and stop (seam, lock-order checker) ----

    private Permits onAcquired(int n) {
        Permits p = new Permits(this, n);
        LockHooks.acquiredPermits(this, p);
        return p;
    }

    /** Called once by {@link Permits#close()} or {@link Permits#forget()}. */
    void onReleased(Permits p, int n) {
        Rt.yieldPoint(Op.UNLOCK, this);
        add(n);
        LockHooks.releasedPermits(this, p);
    }

    // ---- internals ----

    private boolean tryTake(int n) {
        while (true) {
            int p = (int) PERMITS.getVolatile(this);
            if (p < n) {
                return false;
            }
            if (PERMITS.compareAndSet(this, p, p - n)) {
                Rt.acquireFrom(this); // the testkit: what every release before released (below)
                return true;
            }
        }
    }

    private void add(int n) {
        while (true) {
            int p = (int) PERMITS.getVolatile(this);
            if (p > Integer.MAX_VALUE - n) {
                throw new IllegalArgumentException(
                        "permits: adding " + n + " would overflow " + label() + "'s permit count");
            }
            if (PERMITS.compareAndSet(this, p, p + n)) {
                // the testkit: a release continues the release sequence of the ones before it (its
                // CAS read their count), so a take is ordered after every release, as on the JVM
                Rt.passOn(this, this);
                Rt.releaseTo(this);
                break;
            }
        }
        if (head != null) {
            lockQueue();
            List<Waiter> wake = grantLocked();
            unlockQueue();
            wake(wake);
        }
    }

    /** Queues and waits; returns true when granted, false on timeout ({@code deadline} != null). */
    private boolean acquireSlow(int n, Deadline deadline) throws InterruptedException {
        Waiter node = new Waiter(Thread.currentThread(), n);
        lockQueue();
        if ((!fair || head == null) && tryTake(n)) {
            unlockQueue();
            return true;
        }
        if (tail == null) {
            head = node;
        } else {
            tail.next = node;
        }
        tail = node;
        List<Waiter> wake = grantLocked(); // may grant our own node: see the class notes
        unlockQueue();
        wake(wake);
        if (node.granted) {
            return true;
        }
        // Ambient cancellation (ADR 0005/0006): read only here, on the parking path.
        CancelScope scope = CancelScope.current();
        long since = Rt.nanoTime(); // when the wait began: for the message of a stop
        CancellationRegistration stop = scope.isActive() ? scope.wakeOnCancel(node.thread) : null;
        Deadline bound =
                stop == null
                        ? deadline
                        : scope.deadline().min(deadline == null ? Deadline.never() : deadline);
        try {
            while (!node.granted) {
                if (bound == null || bound.isNever()) {
                    Rt.park(this);
                } else {
                    Rt.parkUntil(this, bound.nanoTime());
                }
                if (node.granted) {
                    break;
                }
                boolean interrupted = Thread.interrupted();
                boolean stopped = stop != null && scope.isCancelled();
                if (interrupted || stopped || deadline != null && deadline.isExpired()) {
                    if (cancel(node)) {
                        if (interrupted) {
                            throw new InterruptedException();
                        }
                        if (stopped) {
                            scope.checkWaiting("acquire(" + n + ")", this, since); // throws
                        }
                        return false;
                    }
                    if (interrupted) {
                        Thread.currentThread().interrupt(); // granted meanwhile: keep the status
                    }
                    break;
                }
            }
        } finally {
            if (stop != null) {
                stop.deregister();
            }
        }
        return true;
    }

    /** Unlinks {@code node} unless it was granted; returns whether it was cancelled. */
    private boolean cancel(Waiter node) {
        lockQueue();
        if (node.granted) {
            unlockQueue();
            return false;
        }
        Waiter prev = null;
        for (Waiter w = head; w != null; prev = w, w = w.next) {
            if (w == node) {
                unlink(prev, w);
                break;
            }
        }
        List<Waiter> wake = grantLocked();
        unlockQueue();
        wake(wake);
        return true;
    }

    /** Grants queued requests that fit (FIFO-strict when fair); caller holds qlock. */
    private List<Waiter> grantLocked() {
        List<Waiter> wake = null;
        Waiter prev = null;
        Waiter w = head;
        while (w != null) {
            Waiter next = w.next;
            if (tryTake(w.permits)) {
                unlink(prev, w);
                w.granted = true; // volatile: publishes the grant (and the releases before it)
                if (wake == null) {
                    wake = new ArrayList<>(2);
                }
                wake.add(w);
            } else if (fair) {
                break;
            } else {
                prev = w;
            }
            w = next;
        }
        return wake;
    }

    private void unlink(Waiter prev, Waiter w) {
        if (prev == null) {
            head = w.next;
        } else {
            prev.next = w.next;
        }
        if (tail == w) {
            tail = prev;
        }
        w.next = null;
    }

    private static void wake(List<Waiter> wake) {
        if (wake != null) {
            for (Waiter w : wake) {
                Rt.unpark(w.thread);
            }
        }
    }

    private void lockQueue() {
        while (!QLOCK.compareAndSet(this, 0, 1)) {
            Rt.spinWait();
        }
    }

    private void unlockQueue() {
        QLOCK.setRelease(this, 0); // release: publishes the queue edits
    }
}
