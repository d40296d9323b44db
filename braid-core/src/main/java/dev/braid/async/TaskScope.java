package dev.braid.async;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancellationRegistration;
import dev.braid.cancel.CancellationSource;
import dev.braid.cancel.CancellationToken;
import dev.braid.cancel.Deadline;
import dev.braid.internal.rt.Rt;
import dev.braid.internal.util.Args;
import dev.braid.internal.util.ChildQueue;
import dev.braid.thread.ScopePolicy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A structured scope for tasks: its children cannot outlive it. {@link #close()} cancels every
 * child still running and waits until all have finished, so no task escapes the block.
 *
 * <pre>{@code
 * try (TaskScope scope = TaskScope.open(executor, ScopePolicy.FAIL_FAST)) {
 *     TaskHandle<User> user = scope.spawn("user", fetchUser(id));
 *     TaskHandle<List<Order>> orders = scope.spawn("orders", fetchOrders(id));
 *     scope.join();                       // first failure cancels the other, and is rethrown
 *     return render(user.join(), orders.join());
 * }
 * }</pre>
 *
 * <p><b>Policies</b> are the ones thread scopes use ({@link ScopePolicy}): {@code FAIL_FAST} — the
 * first child that panics cancels the others, and {@link #join()} rethrows its {@link
 * TaskPanicException} with later ones suppressed; {@code COLLECT_ALL} — every child runs to its
 * end, then the first panic is rethrown with the others suppressed; {@code FIRST_SUCCESS} — the
 * first child that succeeds cancels the others, and {@code join} fails only if none succeeded.
 *
 * <p><b>Cancellation.</b> The scope has its own {@link #token()}, linked to the tokens of the
 * {@link CancelScope} around {@link #open} and cancelled at that scope's deadline (or an earlier
 * one given to {@code open}). Cancelling it cancels every child; each child is polled inside a
 * {@code CancelScope} of that token and deadline, so what it starts is bounded alike. If the scope
 * was cancelled from outside (not by its policy), {@code join} throws the cancellation.
 *
 * <p>A scope is owned by the thread that opened it: spawn, join and close from there; another
 * thread (a child's {@link Async#spawnBlocking} thread, a worker of a {@link ThreadedExecutor})
 * gets an {@link IllegalStateException} naming the owner, and the scope is unchanged. {@link
 * #cancel()} and {@link #token()} work from any thread. On a {@link LocalExecutor}, {@code join}
 * and {@code close} drive the executor (as {@link LocalExecutor#blockOn} does), so no other thread
 * may be driving it then.
 */
public final class TaskScope implements AutoCloseable {
    /*
     * Implementation notes
     *
     * Each child registers a waker on its completion (called on the completing thread). The
     * waker records a panic in `failures` (arrival order, so the "first" failure is the first to
     * finish), applies the policy (cancel the token on the first panic or success), and counts
     * the child down; the count reaching zero completes `allDone`, which join and close wait on
     * (parking through the seam). `pending` starts at 1 for the owner, who drops it in join or
     * close, so allDone cannot fire between two spawns.
     *
     * Ownership. `owner` is the opening thread; spawn, join and close check it first and refuse
     * any other thread before touching state (ADR 0139): `children`, `spawned`, `joined` and
     * `closed` are only the owner's. cancel() and token() are for anyone (a token is thread-safe).
     * On a LocalExecutor the children's polls run on the owner, so a child that spawns a sibling
     * passes the check.
     *
     * Pruning. `children` holds each child not yet seen finished with its registration on the
     * scope's token, in a ChildQueue: a spawn that finds it doubled since the last prune drops the
     * finished ones and deregisters theirs, so a long-lived scope does not keep every child it
     * ever had (probe14, ADR 0163). Only the owner spawns, so only the owner prunes.
     */

    private final AsyncExecutor executor;
    private final ScopePolicy policy;
    private final CancellationSource source;
    private final CancelScope childScope;
    private final ChildQueue<Child> children =
            new ChildQueue<>(c -> c.handle().isFinished(), c -> c.registration().deregister());
    private int spawned; // every child, for toString and close()'s "without join()"
    private final ConcurrentLinkedQueue<TaskPanicException> failures =
            new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger(1);
    private final Completion<Void> allDone = new Completion<>();
    private volatile boolean policyCancelled;
    private volatile boolean succeeded;
    private final AtomicReference<CancellationToken> firstCancelled = new AtomicReference<>();
    private boolean joined;
    private boolean closed;
    private final Thread owner = Thread.currentThread();

    private TaskScope(AsyncExecutor executor, ScopePolicy policy, Deadline deadline) {
        this.executor = executor;
        this.policy = policy;
        CancelScope ambient = CancelScope.current();
        List<CancellationToken> parents = ambient.tokens();
        this.source =
                parents.isEmpty()
                        ? new CancellationSource()
                        : CancellationSource.linkedTo(parents.toArray(new CancellationToken[0]));
        Deadline d = deadline.min(ambient.deadline());
        source.cancelAt(d);
        CancellationToken token = source.token();
        this.childScope = CancelScope.call(token, d, CancelScope::current);
    }

    /**
     * Opens a scope bounded by the ambient {@link CancelScope} (its tokens and deadline).
     *
     * @param executor where the children run ({@link LocalExecutor}, {@link ThreadedExecutor} or
     *     {@link PoolExecutor})
     * @param policy what a child's failure or success does to the others
     * @return the open scope
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code executor} is not one of braid's executors
     * @throws IllegalStateException if {@code executor} is closed
     */
    public static TaskScope open(AsyncExecutor executor, ScopePolicy policy) {
        return open(executor, policy, Deadline.never());
    }

    /**
     * Opens a scope that is also cancelled at {@code deadline}.
     *
     * @param executor where the children run
     * @param policy what a child's failure or success does to the others
     * @param deadline when the scope cancels its children ({@link Deadline#never()} for none)
     * @return the open scope
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code executor} is not one of braid's executors
     * @throws IllegalStateException if {@code executor} is closed
     */
    public static TaskScope open(AsyncExecutor executor, ScopePolicy policy, Deadline deadline) {
        Args.notNull(executor, "executor");
        Args.notNull(policy, "policy");
        Args.notNull(deadline, "deadline");
        if (!(executor instanceof LocalExecutor)
                && !(executor instanceof ThreadedExecutor)
                && !(executor instanceof PoolExecutor)) {
            throw new IllegalArgumentException(
                    "executor must be a LocalExecutor, ThreadedExecutor or PoolExecutor, was "
                            + executor);
        }
        if (executor.isClosed()) {
            throw new IllegalStateException(
                    "executor "
                            + executor
                            + " is closed: open the scope on a running executor (a closed one"
                            + " takes no children)");
        }
        return new TaskScope(executor, policy, deadline);
    }

    /**
     * The scope's token: cancelled by the policy, from outside, at the deadline, or at close.
     *
     * @return the token
     */
    public CancellationToken token() {
        return source.token();
    }

    /**
     * Cancels the scope: every child is cancelled at its next pending point.
     *
     * @return true if this call cancelled it
     */
    public boolean cancel() {
        return source.cancel("task scope cancelled");
    }

    /**
     * Spawns {@code future} as a child of this scope, with a generated name.
     *
     * @param <T> the value type
     * @param future the child's future
     * @return the child's handle
     * @throws NullPointerException if {@code future} is null
     * @throws IllegalStateException if the scope was joined or closed, or the executor is closed,
     *     or if called on a thread other than the one that opened the scope
     */
    public <T> TaskHandle<T> spawn(Async<T> future) {
        return spawn0(null, future);
    }

    /**
     * Spawns {@code future} as a child of this scope named {@code name}.
     *
     * @param <T> the value type
     * @param name the child's name
     * @param future the child's future
     * @return the child's handle
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code name} is blank
     * @throws IllegalStateException if the scope was joined or closed, or the executor is closed,
     *     or if called on a thread other than the one that opened the scope
     */
    public <T> TaskHandle<T> spawn(String name, Async<T> future) {
        return spawn0(Args.notBlank(name, "name"), future);
    }

    private <T> TaskHandle<T> spawn0(String name, Async<T> future) {
        Args.notNull(future, "future");
        checkOwner("spawn");
        if (joined || closed) {
            throw new IllegalStateException(
                    "task scope already "
                            + (closed ? "closed" : "joined")
                            + ": spawn before join()");
        }
        TaskHandle<T> h =
                switch (executor) {
                    case LocalExecutor l -> l.spawnScoped(name, future, childScope);
                    case PoolExecutor p -> p.spawnScoped(name, future, childScope);
                    default -> ((ThreadedExecutor) executor).spawnScoped(name, future, childScope);
                };
        spawned++;
        pending.incrementAndGet();
        CancellationToken token = source.token();
        children.add(new Child(h, token.onCancel(() -> h.cancel(token)))); // may prune (notes)
        Waker done = () -> childDone(h);
        if (h.onComplete(done) != null) {
            childDone(h);
        }
        return h;
    }

    /** A child and its callback on the scope's token, dropped together once it has finished. */
    private record Child(TaskHandle<?> handle, CancellationRegistration registration) {}

    /**
     * Counts {@code pending} down. Under the testkit the decrement is an RMW on the counter, as the
     * JDK atomic's is: it acquires what earlier decrements released and releases to later ones, so
     * the child whose decrement completes {@code allDone} passes on every earlier child's writes to
     * the owner (findings-testkit13).
     */
    private int countDown() {
        Rt.acquireFrom(pending);
        Rt.releaseTo(pending);
        return pending.decrementAndGet();
    }

    private void childDone(TaskHandle<?> h) {
        switch (h.outcome()) {
            case Completion.Failure<?>(Throwable t) -> {
                failures.add(new TaskPanicException(h.name(), t));
                if (policy == ScopePolicy.FAIL_FAST) {
                    cancelByPolicy("a child of the task scope failed: task '" + h.name() + "'");
                }
            }
            case Completion.Success<?> s -> {
                succeeded = true;
                if (policy == ScopePolicy.FIRST_SUCCESS) {
                    cancelByPolicy("a child of the task scope succeeded: task '" + h.name() + "'");
                }
            }
            case Completion.Cancelled<?>(CancellationToken why) ->
                    firstCancelled.compareAndSet(null, why); // not a failure (ADR 0073)
        }
        if (countDown() == 0) {
            allDone.complete(new Completion.Success<>(null));
        }
    }

    private void cancelByPolicy(String reason) {
        if (!source.isCancelled()) {
            policyCancelled = true;
            source.cancel(reason);
        }
    }

    /**
     * Waits for every child to finish and applies the policy.
     *
     * @throws TaskPanicException the first child panic (others suppressed), under {@code FAIL_FAST}
     *     and {@code COLLECT_ALL}, or under {@code FIRST_SUCCESS} if no child succeeded
     * @throws dev.braid.cancel.CancelledException if the scope was cancelled from outside or its
     *     deadline passed ({@link dev.braid.cancel.DeadlineExceededException}), or the caller's
     *     ambient scope stops the wait (the children are then cancelled; close still waits); under
     *     {@code FIRST_SUCCESS}, also when no child succeeded or panicked and one ended cancelled
     *     (the first such child's cancellation: a cancelled child is not a failure, ADR 0073)
     * @throws InterruptedException if the caller is interrupted while waiting (likewise)
     * @throws IllegalStateException if called twice, after close, inside a poll, or on a thread
     *     other than the one that opened the scope (the scope is then unchanged)
     */
    public void join() throws InterruptedException {
        if (Interop.polling() != null) {
            throw new IllegalStateException(
                    "TaskScope.join inside a poll would block an executor thread");
        }
        checkOwner("join()");
        if (joined || closed) {
            throw new IllegalStateException("task scope already joined or closed");
        }
        joined = true;
        if (countDown() == 0) {
            allDone.complete(new Completion.Success<>(null));
        }
        try {
            if (executor instanceof LocalExecutor l) {
                l.blockOn(
                        cx -> allDone.poll(cx.waker()) != null ? Poll.ready(null) : Poll.pending());
            } else {
                allDone.await(Deadline.never(), true, this);
            }
        } catch (InterruptedException | RuntimeException e) {
            cancel();
            throw e;
        }
        boolean anySucceeded = succeeded;
        TaskPanicException first = failures.peek();
        if (first != null && !(policy == ScopePolicy.FIRST_SUCCESS && anySucceeded)) {
            for (TaskPanicException later : failures) {
                if (later != first) {
                    first.addSuppressed(later);
                }
            }
            throw first;
        }
        if (source.isCancelled() && !policyCancelled) {
            throw source.token().toException();
        }
        CancellationToken cancelled = firstCancelled.get();
        if (policy == ScopePolicy.FIRST_SUCCESS && !anySucceeded && cancelled != null) {
            throw cancelled.toException(); // no child succeeded: join must not look successful
        }
    }

    /**
     * Cancels the children still running and waits until every child has finished: no child
     * outlives the scope. Keeps waiting if interrupted (the interrupt status is restored).
     *
     * @throws IllegalStateException if the scope was not joined (the children still running were
     *     cancelled; the panics of children that failed are attached as suppressed, so that a body
     *     that throws inside try-with-resources carries them; call {@link #join()} to get the
     *     outcomes), if called inside a poll, or if called on a thread other than the one that
     *     opened the scope (the scope is then unchanged)
     */
    @Override
    public void close() {
        if (!closed && Interop.polling() != null) {
            throw new IllegalStateException("TaskScope.close inside a poll would block");
        }
        checkOwner("close()");
        if (closed) {
            return;
        }
        closed = true;
        boolean wasJoined = joined;
        if (!wasJoined && countDown() == 0) {
            allDone.complete(new Completion.Success<>(null));
        }
        int stillRunning = 0; // for the message only: children finishing meanwhile may race it
        if (!allDone.isDone()) {
            // the children not finished now (not the pending count, which a finished child's
            // completion hook lowers a moment after its handle reads finished)
            int[] running = {0};
            children.forEach(
                    c -> {
                        if (!c.handle().isFinished()) {
                            running[0]++;
                        }
                    });
            stillRunning = running[0];
            source.cancel("task scope closed");
        }
        boolean interrupted = false;
        while (true) {
            try {
                if (executor instanceof LocalExecutor l) {
                    // drive it until every child's cancellation has run, also one another thread
                    // queues from now on; if another thread drives it, that one runs them
                    while (!allDone.isDone() && !l.driveUntil(allDone, this)) {
                        allDone.await(Deadline.after(Duration.ofMillis(1)), false, this);
                    }
                }
                allDone.await(Deadline.never(), false, this);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        for (Child c; (c = children.poll()) != null; ) {
            c.registration().deregister();
        }
        children.awaitPrune(); // none: only the owner prunes; kept so every scope ends alike
        source.close();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (!wasJoined && spawned != 0) {
            // the children's panics go with it (probe16): with try-with-resources this exception
            // is what a throwing body carries as suppressed, and nothing else reports them
            IllegalStateException e =
                    new IllegalStateException(
                            "task scope closed without join(): "
                                    + (stillRunning == 0
                                            ? "no child was still running"
                                            : stillRunning + " child(ren) still running cancelled")
                                    + "; call join() before close() to get the children's"
                                    + " outcomes"
                                    + (failures.isEmpty()
                                            ? ""
                                            : " (their panics are attached as suppressed)"));
            for (TaskPanicException f : failures) {
                e.addSuppressed(f);
            }
            throw e;
        }
    }

    /**
     * Refuses a thread other than the one that opened the scope, before any state changes: the
     * scope's bookkeeping is the owner's alone, and a join or close from elsewhere would race the
     * owner's spawns or cancel children the owner still counts on (ADR 0139).
     */
    private void checkOwner(String operation) {
        Thread self = Thread.currentThread();
        if (self != owner) {
            throw new IllegalStateException(
                    operation
                            + " of "
                            + this
                            + " called on thread '"
                            + self.getName()
                            + "', but the scope belongs to thread '"
                            + owner.getName()
                            + "', which opened it: spawn, join and close it there (a child that"
                            + " needs more work runs it itself or opens a scope of its own;"
                            + " cancel() and token() may be used from any thread)");
        }
    }

    @Override
    public String toString() {
        int owner = closed || joined ? 0 : 1; // the owner's own count until join or close
        int running = Math.max(0, pending.get() - owner);
        return "TaskScope["
                + policy
                + ", "
                + (closed ? "closed" : joined ? "joined" : "open")
                + ", children="
                + spawned
                + ", running="
                + running
                + (failures.isEmpty() ? "" : ", failed=" + failures.size())
                + (source.isCancelled() ? ", cancelled" : "")
                + "]";
    }
}
