package dev.braid.thread;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancellationRegistration;
import dev.braid.cancel.CancelledException;
import dev.braid.cancel.Deadline;
import dev.braid.internal.rt.Op;
import dev.braid.internal.rt.Rt;
import dev.braid.internal.util.Args;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A handle on a thread spawned by braid: waits for it to finish and hands over its result.
 *
 * <p>{@link #join()} returns the body's value, or throws {@link PanicException} whose cause is the
 * exception that escaped the body. A child of a {@link Scope} that was stopped by the cancellation
 * or deadline of the scope it ran in is not a panic: its join rethrows that {@link
 * CancelledException} (or {@link dev.braid.cancel.DeadlineExceededException}) itself. A handle may
 * be joined any number of times, by any threads; every join sees the same outcome. A handle from a
 * {@link Scope} may be joined inside the scope; a panic received that way counts as handled and is
 * not rethrown by the scope. Everything the thread wrote before it finished — including the effects
 * of its thread-local destructors — happens-before the return of a join that observes it finished.
 *
 * <p>Code that must not block asks {@link #tryJoin()} for the {@link Exit} or registers a callback
 * with {@link #onFinish}; {@link dev.braid.channel.Select#joined Select.joined} waits for a
 * thread's end together with channel operations, a token and a timeout.
 *
 * @param <T> the body's result type
 */
public final class JoinHandle<T> {
    /*
     * Implementation notes
     *
     * State. `waiters` is null (running, nobody waiting), a Waiter stack (running, joiners parked),
     * or DONE (finished). The result fields are written plainly by the finishing thread before it
     * swaps DONE in with getAndSet (volatile); a joiner reads `waiters` with getAcquire and reads
     * the result only after seeing DONE, so the volatile swap is the release that publishes them.
     *
     * Waiting. A joiner pushes a node with its thread onto the stack (CAS) unless DONE is already
     * there, then parks through the seam until DONE. The finisher unparks every node it swapped out.
     * A timed joiner that gives up clears its node's thread and unlinks cleared nodes, so polling
     * join(timeout) in a loop does not grow the stack (as in FutureTask).
     *
     * Ambient cancellation. Only a joiner that has to park looks up CancelScope.current(); in an
     * active scope it registers a wake-up on the scope's tokens, parks until the earlier of its
     * own and the scope's deadline, and re-checks the scope after every wake-up.
     *
     * Finish callbacks (onFinish) are nodes on the same stack whose `who` is the callback instead
     * of a thread. Exactly one of the finisher (getAndSet to null, then run) and deregister (CAS
     * callback -> null) wins a node, so a callback runs at most once and a deregister that returns
     * true guarantees it never runs. A deregistered node is unlinked like an abandoned joiner.
     *
     * Simulation. The park blocker is the joined Thread, which the testkit reports as
     * "waits for join(name)" in its wait-for graph.
     */

    private static final Object DONE = new Object();
    private static final VarHandle WAITERS;
    private static final VarHandle WHO;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            WAITERS = lookup.findVarHandle(JoinHandle.class, "waiters", Object.class);
            WHO = lookup.findVarHandle(Waiter.class, "who", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A parked joiner (who is its Thread) or a finish callback (who is the Consumer). */
    private static final class Waiter implements FinishRegistration {
        /** Null once the joiner gave up, the callback ran or was deregistered. */
        @SuppressWarnings("unused") // accessed through WHO
        volatile Object who;

        Waiter next;
        private final JoinHandle<?> owner;

        Waiter(Object who, JoinHandle<?> owner) {
            this.who = who;
            this.owner = owner;
        }

        @Override
        public boolean deregister() {
            Object w = who;
            if (w == null || !WHO.compareAndSet(this, w, null)) {
                return false;
            }
            owner.abandon(this);
            return true;
        }
    }

    @SuppressWarnings("unused") // accessed through WAITERS
    private volatile Object waiters;

    private volatile Thread thread;
    private final Scope scope;
    private T value;
    private Throwable panic;
    private boolean stopped; // panic is the CancelledException of the scope the child ran in

    JoinHandle(Scope scope) {
        this.scope = scope;
    }

    void start(Thread thread) {
        this.thread = thread;
    }

    /**
     * The thread this handle joins.
     *
     * @return the thread this handle joins
     */
    public Thread thread() {
        Thread t = thread;
        if (t == null) {
            throw new IllegalStateException("thread not started yet");
        }
        return t;
    }

    /**
     * The name of the thread.
     *
     * @return the name of the thread
     */
    public String name() {
        return thread().getName();
    }

    /**
     * Whether the thread has finished (its body and its thread-local destructors have run). A
     * {@code true} answer is an acquire: everything the thread did happens before what the caller
     * does next, as after a join (so a loop that polls it and then reads the thread's writes is
     * ordered, under the testkit too).
     *
     * @return whether the thread has finished (its body and its thread-local destructors have run)
     */
    public boolean isFinished() {
        if (WAITERS.getAcquire(this) != DONE) {
            return false;
        }
        Rt.acquireFrom(this); // the testkit: the finisher released into this handle
        return true;
    }

    /**
     * Waits for the thread to finish and returns its value.
     *
     * @return the body's value
     * @throws PanicException if the body ended with an exception (the exception is the cause)
     * @throws InterruptedException if the caller is interrupted while waiting
     * @throws CancelledException if it has to wait inside a {@link CancelScope} whose token is
     *     cancelled, or ({@link dev.braid.cancel.DeadlineExceededException}) whose deadline passes
     */
    public T join() throws InterruptedException {
        Rt.yieldPoint(Op.JOIN, thread);
        if (!isFinished()) {
            await(Deadline.never(), true);
        }
        return result();
    }

    /**
     * Waits at most {@code timeout} for the thread to finish.
     *
     * @param timeout how long to wait at most
     * @return {@link JoinOutcome.Finished} with the value, or {@link JoinOutcome.TimedOut}
     * @throws PanicException if the body ended with an exception
     * @throws InterruptedException if the caller is interrupted while waiting
     * @throws CancelledException as for {@link #join()}, if the ambient scope stops the wait
     * @throws NullPointerException if {@code timeout} is null
     */
    public JoinOutcome<T> join(Duration timeout) throws InterruptedException {
        Args.notNull(timeout, "timeout");
        return join(Deadline.after(timeout));
    }

    /**
     * Waits until {@code deadline} at the latest for the thread to finish.
     *
     * @param deadline the latest time to wait until
     * @return {@link JoinOutcome.Finished} with the value, or {@link JoinOutcome.TimedOut}
     * @throws PanicException if the body ended with an exception
     * @throws InterruptedException if the caller is interrupted while waiting
     * @throws CancelledException as for {@link #join()}, if the ambient scope stops the wait
     * @throws NullPointerException if {@code deadline} is null
     */
    public JoinOutcome<T> join(Deadline deadline) throws InterruptedException {
        Args.notNull(deadline, "deadline");
        Rt.yieldPoint(Op.JOIN, thread);
        if (!isFinished() && !await(deadline, true)) {
            return new JoinOutcome.TimedOut<>();
        }
        return new JoinOutcome.Finished<>(result());
    }

    /**
     * How the thread ended, without waiting: empty while it is still running. A panic seen this way
     * counts as handled by the caller, as for {@link #join()}.
     *
     * @return the thread's exit, or empty if it has not finished
     */
    public Optional<Exit<T>> tryJoin() {
        Rt.yieldPoint(Op.JOIN, thread);
        if (!isFinished()) {
            return Optional.empty();
        }
        if (panic != null && scope != null) {
            scope.observed(this);
        }
        return Optional.of(exit());
    }

    /**
     * Runs {@code callback} with the thread's exit once it has finished: on the finishing thread,
     * right after it is marked finished (joiners do not wait for callbacks: a join may return
     * before a callback has run), or at once on the caller if it has already finished. The callback
     * must be short and must not block; an exception it throws is reported through the {@link
     * Panics panic hook} and does not disturb joiners or other callbacks. Unlike {@link #join()}
     * and {@link #tryJoin()}, a callback does not count a panic as handled: a scope still rethrows
     * it.
     *
     * @param callback what to run with the exit
     * @return a registration whose {@link FinishRegistration#deregister()} removes the callback if
     *     it has not run
     * @throws NullPointerException if {@code callback} is null
     */
    public FinishRegistration onFinish(Consumer<? super Exit<T>> callback) {
        Args.notNull(callback, "callback");
        Waiter node = new Waiter(callback, this);
        while (true) {
            Object head = WAITERS.getAcquire(this);
            if (head == DONE) {
                node.who = null;
                runCallback(callback, exit());
                return node;
            }
            node.next = (Waiter) head;
            if (WAITERS.compareAndSet(this, head, node)) {
                return node;
            }
        }
    }

    @Override
    public String toString() {
        Thread t = thread;
        return "JoinHandle["
                + (t == null ? "unstarted" : t.getName())
                + (isFinished() ? ", finished]" : "]");
    }

    // ---- internals ----

    /** Returns true when finished, false when the deadline passed first. */
    private boolean await(Deadline deadline, boolean cancellable) throws InterruptedException {
        Thread self = Thread.currentThread();
        if (self == thread) {
            throw new IllegalStateException("thread '" + self.getName() + "' cannot join itself");
        }
        Waiter node = new Waiter(self, this);
        while (true) {
            Object head = WAITERS.getAcquire(this);
            if (head == DONE) {
                return true;
            }
            node.next = (Waiter) head;
            if (WAITERS.compareAndSet(this, head, node)) {
                break;
            }
        }
        if (cancellable) {
            CancelScope scope = CancelScope.current();
            if (scope.isActive()) {
                return awaitInScope(node, deadline, scope);
            }
        }
        while (true) {
            if (Thread.interrupted()) {
                abandon(node);
                throw new InterruptedException();
            }
            if (isFinished()) {
                return true;
            }
            if (deadline.isNever()) {
                Rt.park(thread);
            } else if (deadline.isExpired()) {
                abandon(node);
                return isFinished();
            } else {
                Rt.parkUntil(thread, deadline.nanoTime());
            }
        }
    }

    private boolean awaitInScope(Waiter node, Deadline deadline, CancelScope scope)
            throws InterruptedException {
        CancellationRegistration wake = scope.wakeOnCancel(Thread.currentThread());
        long since = Rt.nanoTime(); // when the wait began: for the message of a stop
        try {
            Deadline bound = deadline.min(scope.deadline());
            while (true) {
                if (Thread.interrupted()) {
                    abandon(node);
                    throw new InterruptedException();
                }
                if (isFinished()) {
                    return true;
                }
                if (scope.isCancelled()) {
                    abandon(node);
                    scope.checkWaiting("join", this, since); // throws
                }
                if (deadline.isExpired()) {
                    abandon(node);
                    return isFinished();
                }
                if (bound.isNever()) {
                    Rt.park(thread);
                } else {
                    Rt.parkUntil(thread, bound.nanoTime());
                }
            }
        } finally {
            wake.deregister();
        }
    }

    /** Clears {@code node} and unlinks every cleared node still on the stack. */
    private void abandon(Waiter node) {
        node.who = null;
        retry:
        while (true) {
            Waiter pred = null;
            Object h = WAITERS.getAcquire(this);
            for (Waiter q = h instanceof Waiter w ? w : null; q != null; q = q.next) {
                if (q.who != null) {
                    pred = q;
                } else if (pred != null) {
                    pred.next = q.next;
                    if (pred.who == null) {
                        continue retry; // pred was abandoned concurrently: start over
                    }
                } else if (!WAITERS.compareAndSet(this, q, q.next)) {
                    continue retry;
                }
            }
            return;
        }
    }

    /** Tests only: how many joiners and callbacks are still on the stack. */
    int registered() {
        int n = 0;
        Object h = WAITERS.getAcquire(this);
        for (Waiter q = h instanceof Waiter w ? w : null; q != null; q = q.next) {
            if (q.who != null) {
                n++;
            }
        }
        return n;
    }

    /** Waits for the end of the thread without consuming its outcome (for scopes). */
    void awaitFinished() throws InterruptedException {
        if (!isFinished()) {
            await(Deadline.never(), false); // scopes must outlive children: not cancellable
        }
    }

    private T result() {
        if (panic != null) {
            if (scope != null) {
                scope.observed(this);
            }
            if (stopped) {
                throw (CancelledException) panic;
            }
            throw new PanicException(thread.getName(), panic);
        }
        return value;
    }

    /**
     * Called once by the finishing thread, after destructors and the panic hook have run; {@code
     * stopped} when {@code panic} is the CancelledException of the scope the thread ran in.
     */
    void complete(T value, Throwable panic, boolean stopped) {
        this.value = value;
        this.panic = panic;
        this.stopped = stopped;
        Rt.releaseTo(this); // the testkit: what isFinished() reads after DONE (a poll loop)
        Object head = WAITERS.getAndSet(this, DONE); // volatile: publishes value and panic
        Exit<T> exit = null;
        for (Waiter w = head instanceof Waiter h ? h : null; w != null; w = w.next) {
            Object who = WHO.getAndSet(w, null);
            if (who instanceof Thread t) {
                Rt.unpark(t);
            } else if (who != null) {
                if (exit == null) {
                    exit = exit();
                }
                runCallback(who, exit);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> void runCallback(Object callback, Exit<T> exit) {
        try {
            ((Consumer<? super Exit<T>>) callback).accept(exit);
        } catch (Throwable t) {
            Panics.report(Thread.currentThread(), t); // the other callbacks and joiners still run
        }
    }

    /** The outcome as an exit; valid once finished. */
    private Exit<T> exit() {
        if (panic == null) {
            return new Exit.Returned<>(value);
        }
        if (stopped) {
            return new Exit.Cancelled<>((CancelledException) panic);
        }
        return new Exit.Panicked<>(thread.getName(), panic);
    }

    /** What a scope rethrows for this failed child; valid once finished. */
    RuntimeException failureForScope() {
        return stopped ? (CancelledException) panic : new PanicException(thread.getName(), panic);
    }
}
