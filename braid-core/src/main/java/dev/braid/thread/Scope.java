package dev.braid.thread;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancellationSource;
import dev.braid.cancel.CancellationToken;
import dev.braid.cancel.CancelledException;
import dev.braid.internal.util.Args;
import dev.braid.internal.util.ChildQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A region in which threads are spawned and all joined before the region ends; see {@link
 * Threads#scope(ScopePolicy, Threads.ScopeAction)}. Threads of the scope may themselves spawn into
 * it.
 *
 * <p>The scope has a {@linkplain #token() token}. A child runs in the {@link CancelScope} that was
 * current where it was spawned, with the scope's token added, so its blocking operations stop when
 * that scope is cancelled, its deadline passes, or the scope's own token is cancelled — which its
 * {@link ScopePolicy} does when a child fails ({@link ScopePolicy#FAIL_FAST}) or succeeds ({@link
 * ScopePolicy#FIRST_SUCCESS}). A child keeps that scope even if the parent's scope block ends
 * first. Waiting for the children at the end of the region is not cancellable (a region outlives
 * its children).
 *
 * <p>A child that ends with the {@link CancelledException} (or {@link
 * dev.braid.cancel.DeadlineExceededException}) of the scope it runs in was <em>stopped</em>, not
 * failed: the panic hook does not see it, and its handle's {@code join} rethrows that exception
 * instead of a {@link PanicException}.
 */
public final class Scope {
    /*
     * Implementation notes
     *
     * Algorithm. Children are pushed on `children` and joined (uninterruptibly) by close(), which
     * drains the queue until it stays empty, so children that spawn children are covered. Each
     * child reports its end once, from its own thread, through childEnded(), before its handle
     * completes: a failure (a panic, or a stop by an enclosing CancelScope) is queued on
     * `failures` in order of reporting, and the policy decides whether to cancel `source`. The
     * first such cancellation wins (the token keeps its first cause), so "the first failure" is
     * the first report; it cancels only after its handle completed, so a thread joining it gets
     * its outcome, not the cancellation. A child whose CancelledException has the scope's own cause
     * was cancelled by its sibling's fate: it is neither a failure nor a success.
     *
     * State. `source` is the scope's token; an exception is the scope's own stop when its cause is
     * the token's cause (the token keeps its first cause forever). `succeeded` counts the children
     * that returned normally; `closed` refuses spawns after the end.
     *
     * Memory ordering. A child's report happens-before its handle completes (JoinHandle's volatile
     * swap), and close() reads `failures` after joining every handle, so it sees every report.
     *
     * Pruning. A long-lived scope (a server's accept loop spawning a child per connection) must
     * not keep every child it ever had: `children` is a ChildQueue: a spawn that finds it
     * doubled since the last prune drops the finished children (amortised O(1) per spawn; failed
     * children stay on `failures`). close() calls its awaitPrune() after the drain, waiting out a
     * prune in progress: close() still happens-after every child, pruned or joined.
     *
     * References. JEP 505 (structured concurrency: Joiner.awaitAllSuccessfulOrThrow, anySuccessful
     * ResultOrThrow); kotlinx.coroutines coroutineScope (a failing child cancels its siblings).
     */

    private final ChildQueue<JoinHandle<?>> children = new ChildQueue<>(JoinHandle::isFinished);

    /** Children that failed (panicked or were stopped by an enclosing scope), in order. */
    private final ConcurrentLinkedQueue<JoinHandle<?>> failures = new ConcurrentLinkedQueue<>();

    /** Children whose panic someone received from join, so the scope need not rethrow it. */
    private final ConcurrentLinkedQueue<JoinHandle<?>> joined = new ConcurrentLinkedQueue<>();

    private final ScopePolicy policy;
    private final CancellationSource source = new CancellationSource();
    private final AtomicInteger spawned = new AtomicInteger();
    private final AtomicInteger ended = new AtomicInteger();
    private final AtomicInteger succeeded = new AtomicInteger();
    private volatile boolean closed;

    Scope(ScopePolicy policy) {
        this.policy = policy;
    }

    /**
     * Spawns a platform thread in this scope.
     *
     * @param <T> the body's result type
     * @param body what the thread runs; its value is returned by {@link JoinHandle#join()}
     * @return the handle of the new thread
     * @throws NullPointerException if {@code body} is null
     * @throws IllegalStateException if the scope has ended
     */
    public <T> JoinHandle<T> spawn(Callable<T> body) {
        return spawn(Threads.builder(), body);
    }

    /**
     * Spawns a platform thread in this scope running a body without a value.
     *
     * @param body what the thread runs
     * @return the handle of the new thread; its {@code join} returns {@code null}
     * @throws NullPointerException if {@code body} is null
     * @throws IllegalStateException if the scope has ended
     */
    public JoinHandle<Void> spawn(Runnable body) {
        Args.notNull(body, "body");
        return spawn(Threads.builder(), asCallable(body));
    }

    /**
     * Spawns a virtual thread in this scope.
     *
     * @param <T> the body's result type
     * @param body what the thread runs; its value is returned by {@link JoinHandle#join()}
     * @return the handle of the new thread
     * @throws NullPointerException if {@code body} is null
     * @throws IllegalStateException if the scope has ended
     */
    public <T> JoinHandle<T> spawnVirtual(Callable<T> body) {
        return spawn(Threads.builder().virtual(), body);
    }

    /**
     * Spawns a virtual thread in this scope running a body without a value.
     *
     * @param body what the thread runs
     * @return the handle of the new thread; its {@code join} returns {@code null}
     * @throws NullPointerException if {@code body} is null
     * @throws IllegalStateException if the scope has ended
     */
    public JoinHandle<Void> spawnVirtual(Runnable body) {
        Args.notNull(body, "body");
        return spawn(Threads.builder().virtual(), asCallable(body));
    }

    /**
     * Spawns a thread configured by {@code builder} in this scope.
     *
     * @param <T> the body's result type
     * @param builder the thread's settings (name, kind, daemon flag, stack size)
     * @param body what the thread runs; its value is returned by {@link JoinHandle#join()}
     * @return the handle of the new thread
     * @throws NullPointerException if an argument is null
     * @throws IllegalStateException if the scope has ended
     */
    public <T> JoinHandle<T> spawn(ThreadBuilder builder, Callable<T> body) {
        Args.notNull(builder, "builder");
        Args.notNull(body, "body");
        if (closed) {
            throw new IllegalStateException("scope has ended; cannot spawn into it");
        }
        spawned.incrementAndGet(); // before the child can end, so running never goes negative
        JoinHandle<T> h = builder.start(body, this);
        children.add(h); // drops the finished children now and then (notes: Pruning)
        return h;
    }

    /**
     * The scope's failure policy.
     *
     * @return the policy this scope was opened with
     */
    public ScopePolicy policy() {
        return policy;
    }

    /**
     * The scope's token: cancelled by the policy (a failure under {@link ScopePolicy#FAIL_FAST}, a
     * success under {@link ScopePolicy#FIRST_SUCCESS}) or by {@link #cancel()}. Every child runs
     * with it in its ambient {@link CancelScope}.
     *
     * @return the token
     */
    public CancellationToken token() {
        return source.token();
    }

    /**
     * Cancels the scope's token: children blocked in braid waits stop with {@link
     * CancelledException}, which the scope does not count as their failure.
     *
     * @return {@code true} if this call cancelled the token, {@code false} if it already was
     */
    public boolean cancel() {
        return stop(new CancellationException("scope cancelled"));
    }

    @Override
    public String toString() {
        int finished = ended.get();
        int running = spawned.get() - finished;
        return "Scope["
                + policy
                + (closed ? ", ended" : ", open")
                + ", running="
                + running
                + ", finished="
                + finished
                + ", succeeded="
                + succeeded.get()
                + ", failed="
                + failures.size()
                + (source.isCancelled() ? ", cancelled" : "")
                + "]";
    }

    // ---- internals ----

    private static Callable<Void> asCallable(Runnable body) {
        return () -> {
            body.run();
            return null;
        };
    }

    private boolean stop(Throwable cause) {
        return !source.isCancelled() && source.cancel(cause);
    }

    /** Whether {@code e} is the exception of this scope's own token (not an enclosing one). */
    boolean isOwnStop(Throwable e) {
        return e instanceof CancelledException ce
                && ce.getCause() != null
                && source.token().cause().orElse(null) == ce.getCause();
    }

    /**
     * Called once by each child's thread before its handle completes (so the handle may not know
     * its thread yet): {@code failure} is null on success; {@code stopped} when it is the
     * CancelledException of the child's CancelScope. Returns the cause with which to cancel the
     * siblings, or null; the child passes it to {@link #stopSiblings} after its handle completed,
     * so that a thread waiting in its join receives its outcome rather than the cancellation.
     */
    Throwable childEnded(JoinHandle<?> h, Throwable failure, boolean stopped) {
        ended.incrementAndGet();
        if (failure == null) {
            succeeded.incrementAndGet();
            return policy == ScopePolicy.FIRST_SUCCESS
                    ? new CancellationException("a sibling in the scope succeeded")
                    : null;
        }
        if (stopped && isOwnStop(failure)) {
            return null; // cancelled because of a sibling: a consequence, not a failure
        }
        failures.add(h);
        return policy != ScopePolicy.FAIL_FAST
                ? null
                : stopped
                        ? failure
                        : new CancellationException(
                                "a sibling in the scope failed: thread '"
                                        + Thread.currentThread().getName()
                                        + "' threw "
                                        + failure);
    }

    /** Cancels the scope's token with {@code cause} (from {@link #childEnded}) unless null. */
    void stopSiblings(Throwable cause) {
        if (cause != null) {
            stop(cause);
        }
    }

    void observed(JoinHandle<?> h) {
        joined.add(h);
    }

    /** Joins every child (uninterruptibly), then throws what the scope's policy says. */
    void close(Throwable bodyFailure) {
        if (bodyFailure != null && policy == ScopePolicy.FAIL_FAST && !isOwnStop(bodyFailure)) {
            stop(new CancellationException("the scope's body failed: " + bodyFailure));
        }
        boolean interrupted = false;
        // Children may spawn more children while we wait: drain until none is left.
        JoinHandle<?> h;
        while ((h = children.poll()) != null) {
            while (true) {
                try {
                    h.awaitFinished();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        children.awaitPrune(); // what the pruned children did (notes: Pruning)
        closed = true;
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable primary = bodyFailure;
        if (primary != null && isOwnStop(primary) && hasUnjoinedFailure()) {
            primary = null; // the body was stopped by a child's failure: report that failure
        }
        boolean childFailuresCount = policy != ScopePolicy.FIRST_SUCCESS || succeeded.get() == 0;
        if (childFailuresCount) {
            for (JoinHandle<?> f : failures) {
                if (joined.contains(f)) {
                    continue;
                }
                Throwable e = f.failureForScope();
                if (primary == null) {
                    primary = e;
                } else if (primary != e) {
                    primary.addSuppressed(e);
                }
            }
        }
        if (primary != null && bodyFailure == null) {
            throw Threads.sneaky(primary);
        }
        if (primary != null && primary != bodyFailure) {
            throw Threads.sneaky(primary);
        }
    }

    private boolean hasUnjoinedFailure() {
        for (JoinHandle<?> f : failures) {
            if (!joined.contains(f)) {
                return true;
            }
        }
        return false;
    }
}
