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

/**
 * A count-down latch (a Go-style wait group of fixed size): threads {@link #await()} until {@link
 * #countDown()} has been called {@code count} times. One-shot: once open it stays open.
 *
 * <pre>{@code
 * Latch ready = Latch.named("workers-ready", 3);
 * for (int i = 0; i < 3; i++) {
 *     Threads.spawn(() -> { warmUp(); ready.countDown(); });
 * }
 * ready.await();                                 // all three warmed up
 * }</pre>
 *
 * <p>Unlike {@link java.util.concurrent.CountDownLatch}, it waits through braid's runtime seam:
 * under the testkit a waiter is a simulated thread blocked on this latch (reported by name in a
 * deadlock's wait-for graph), timeouts run on virtual time, and every wait honours the ambient
 * {@link CancelScope}. {@link #await()} is interruptible (ADR 0002); a zero or negative timeout
 * does not wait (ADR 0039).
 *
 * <p><b>Happens-before.</b> Actions before a {@code countDown()} happen-before the actions after an
 * {@code await} that returns because the count reached zero.
 */
public final class Latch {
    /*
     * Implementation notes
     *
     * Algorithm. `count` is an int changed by CAS; the countDown that moves it to 0 swaps the
     * waiter stack for OPEN and unparks every node it took. A waiter pushes a node (CAS on
     * `waiters`) unless OPEN is there, then parks through the seam on `this` until OPEN. A timed,
     * interrupted or cancelled waiter clears its node's thread and leaves it on the stack (the
     * stack is dropped whole when the latch opens; repeated timed waits on a latch that never
     * opens are the caller's loop, and each leaves one small node). This is JoinHandle's protocol.
     *
     * Memory ordering. The count CAS is volatile; the opener's getAndSet of `waiters` (volatile)
     * follows its CAS to 0, and a waiter reads `waiters` with getAcquire: seeing OPEN, it sees
     * every countDown before the last (each CAS reads the previous one's write). Under the testkit
     * each count-down passes on and releases into the latch (Rt.passOn + Rt.releaseTo: the release
     * sequence), and every read that sees OPEN acquires from it (isOpen, await): a poll loop or an
     * await that finds the latch open without parking is ordered after every count-down.
     *
     * Liveness. Wait-free countDown apart from the CAS retry; waiters park without spinning.
     *
     * References. java.util.concurrent.CountDownLatch (semantics); Go's sync.WaitGroup.
     */

    private static final Object OPEN = new Object();
    private static final VarHandle COUNT;
    private static final VarHandle WAITERS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            COUNT = l.findVarHandle(Latch.class, "count", int.class);
            WAITERS = l.findVarHandle(Latch.class, "waiters", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final class Node {
        volatile Thread thread;
        final Node next;

        Node(Thread thread, Node next) {
            this.thread = thread;
            this.next = next;
        }
    }

    @SuppressWarnings("unused") // accessed through COUNT
    private volatile int count;

    @SuppressWarnings("unused") // accessed through WAITERS
    private volatile Object waiters;

    private final String name;

    private Latch(String name, int count) {
        Args.nonNegative(count, "count");
        this.name = name;
        this.count = count;
        this.waiters = count == 0 ? OPEN : null;
    }

    /**
     * A latch that opens after {@code count} count-downs.
     *
     * @param count how many {@link #countDown()} calls open it; 0 gives an open latch
     * @throws IllegalArgumentException if {@code count} is negative
     */
    public Latch(int count) {
        this(null, count);
    }

    /**
     * A latch with a name (used in {@link #toString()}, exceptions and deadlock reports).
     *
     * @param name the latch's name
     * @param count how many {@link #countDown()} calls open it
     * @return the latch
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank or {@code count} negative
     */
    public static Latch named(String name, int count) {
        return new Latch(Args.notBlank(name, "name"), count);
    }

    /**
     * Decrements the count; the call that reaches zero opens the latch and wakes every waiter. Does
     * nothing once the latch is open.
     */
    public void countDown() {
        Rt.yieldPoint(Op.UNLOCK, this);
        while (true) {
            int c = (int) COUNT.getVolatile(this);
            if (c == 0) {
                return;
            }
            if (COUNT.compareAndSet(this, c, c - 1)) {
                // the testkit: a count-down continues the release sequence of the ones before it
                // (its CAS read their count), so the opener's release carries every count-down
                Rt.passOn(this, this);
                Rt.releaseTo(this);
                if (c == 1) {
                    open();
                }
                return;
            }
        }
    }

    /**
     * The current count (a snapshot; 0 once open). The read is an acquire: every {@link
     * #countDown()} that it counts happens-before what the caller does next.
     *
     * @return the count-downs still needed
     */
    public int count() {
        int c = (int) COUNT.getVolatile(this);
        Rt.acquireFrom(this); // the testkit: the count-downs' release sequence, as isOpen()
        return c;
    }

    /**
     * Whether the latch is open (the count reached zero). A {@code true} answer is an acquire:
     * every {@link #countDown()} happens-before what the caller does next, as after {@link
     * #await()}.
     *
     * @return {@code true} once open
     */
    public boolean isOpen() {
        if (WAITERS.getAcquire(this) != OPEN) {
            return false;
        }
        Rt.acquireFrom(this); // the testkit: every count-down released into the latch
        return true;
    }

    /**
     * Waits until the latch is open.
     *
     * @throws InterruptedException if interrupted while waiting
     * @throws dev.braid.cancel.CancelledException if it has to wait inside a {@link CancelScope}
     *     whose token is cancelled, or ({@link dev.braid.cancel.DeadlineExceededException}) whose
     *     deadline passes
     */
    public void await() throws InterruptedException {
        awaitUntil(Deadline.never());
    }

    /**
     * Waits at most {@code timeout} for the latch to open; a zero or negative timeout does not
     * wait.
     *
     * @param timeout the longest wait
     * @return {@code true} if the latch is open, {@code false} if the timeout passed first
     * @throws InterruptedException if interrupted while waiting
     * @throws dev.braid.cancel.CancelledException as for {@link #await()}
     * @throws NullPointerException if {@code timeout} is null
     */
    public boolean await(Duration timeout) throws InterruptedException {
        Args.notNull(timeout, "timeout");
        return awaitUntil(Deadline.after(timeout));
    }

    /**
     * Waits until {@code deadline} at the latest for the latch to open.
     *
     * @param deadline when to give up
     * @return {@code true} if the latch is open, {@code false} if the deadline passed first
     * @throws InterruptedException if interrupted while waiting
     * @throws dev.braid.cancel.CancelledException as for {@link #await()}
     * @throws NullPointerException if {@code deadline} is null
     */
    public boolean await(Deadline deadline) throws InterruptedException {
        Args.notNull(deadline, "deadline");
        return awaitUntil(deadline);
    }

    @Override
    public String toString() {
        int c = count();
        return (name == null ? "Latch" : "Latch(" + name + ")")
                + (c == 0 ? "[open]" : "[count=" + c + (hasWaiters() ? ", waiters]" : "]"));
    }

    // ---- internals ----

    private boolean hasWaiters() {
        for (Object w = WAITERS.getAcquire(this); w instanceof Node n; w = n.next) {
            if (n.thread != null) {
                return true;
            }
        }
        return false;
    }

    private void open() {
        Object head = WAITERS.getAndSet(this, OPEN); // volatile: publishes the count-downs
        for (Node n = head instanceof Node h ? h : null; n != null; n = n.next) {
            Thread t = n.thread;
            if (t != null) {
                Rt.unpark(t);
            }
        }
    }

    private boolean awaitUntil(Deadline deadline) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        Rt.yieldPoint(Op.LOCK, this);
        if (isOpen()) {
            return true;
        }
        if (deadline.isExpired()) {
            return false;
        }
        Thread self = Thread.currentThread();
        Node node;
        while (true) {
            Object head = WAITERS.getAcquire(this);
            if (head == OPEN) {
                Rt.acquireFrom(this); // as isOpen()
                return true;
            }
            node = new Node(self, (Node) head);
            if (WAITERS.compareAndSet(this, head, node)) {
                break;
            }
        }
        CancelScope scope = CancelScope.current(); // read only here, on the parking path
        CancellationRegistration stop = scope.isActive() ? scope.wakeOnCancel(self) : null;
        long since = Rt.nanoTime();
        try {
            Deadline bound = stop == null ? deadline : deadline.min(scope.deadline());
            while (true) {
                if (isOpen()) {
                    return true;
                }
                if (Thread.interrupted()) {
                    node.thread = null;
                    throw new InterruptedException();
                }
                if (stop != null && scope.isCancelled()) {
                    node.thread = null;
                    scope.checkWaiting("await", this, since);
                }
                if (deadline.isExpired()) {
                    node.thread = null;
                    return isOpen();
                }
                if (bound.isNever()) {
                    Rt.park(this);
                } else {
                    Rt.parkUntil(this, bound.nanoTime());
                }
            }
        } finally {
            if (stop != null) {
                stop.deregister();
            }
        }
    }
}
