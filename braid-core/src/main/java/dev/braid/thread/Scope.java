package dev.braid.thread;

import dev.braid.internal.util.Args;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A region in which threads are spawned and all joined before the region ends; see {@link
 * Threads#scope(Threads.ScopeAction)}. Threads of the scope may themselves spawn into it.
 *
 * <p>A child runs in the {@link dev.braid.cancel.CancelScope} that was current where it was
 * spawned, so its blocking operations stop when that scope is cancelled or its deadline passes,
 * like the parent's; it keeps that scope even if the parent's scope block ends first. Waiting for
 * the children at the end of the region is not cancellable (a region outlives its children).
 */
public final class Scope {
    private final ConcurrentLinkedQueue<JoinHandle<?>> children = new ConcurrentLinkedQueue<>();

    /** Children that panicked, in order of failure. */
    private final ConcurrentLinkedQueue<JoinHandle<?>> panicked = new ConcurrentLinkedQueue<>();

    /** Children whose panic someone received from join, so the scope need not rethrow it. */
    private final ConcurrentLinkedQueue<JoinHandle<?>> joined = new ConcurrentLinkedQueue<>();

    private volatile boolean closed;

    Scope() {}

    /**
     * Spawns a platform thread in this scope.
     *
     * @param <T> the type of the body's value
     * @param body the code the thread runs; its value is the join value
     * @return the handle that joins the thread; the scope joins it too
     * @throws NullPointerException if {@code body} is null
     * @throws IllegalStateException if the scope has ended
     */
    public <T> JoinHandle<T> spawn(Callable<T> body) {
        return spawn(Threads.builder(), body);
    }

    /**
     * Spawns a thread configured by {@code builder} in this scope.
     *
     * @param <T> the type of the body's value
     * @param builder configures the thread (name, kind, stack size)
     * @param body the code the thread runs; its value is the join value
     * @return the handle that joins the thread; the scope joins it too
     * @throws NullPointerException if an argument is null
     * @throws IllegalStateException if the scope has ended
     */
    public <T> JoinHandle<T> spawn(ThreadBuilder builder, Callable<T> body) {
        Args.notNull(builder, "builder");
        Args.notNull(body, "body");
        if (closed) {
            throw new IllegalStateException("scope has ended; cannot spawn into it");
        }
        JoinHandle<T> h = builder.start(body, this);
        children.add(h);
        return h;
    }

    void childPanicked(JoinHandle<?> h) {
        panicked.add(h);
    }

    void observed(JoinHandle<?> h) {
        joined.add(h);
    }

    /** Joins every child (uninterruptibly), then throws what the scope's contract says. */
    void close(Throwable bodyFailure) {
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
        closed = true;
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable primary = bodyFailure;
        for (JoinHandle<?> p : panicked) {
            if (joined.contains(p)) {
                continue;
            }
            PanicException e = new PanicException(p.name(), p.panic());
            if (primary == null) {
                primary = e;
            } else {
                primary.addSuppressed(e);
            }
        }
        if (primary instanceof RuntimeException re && bodyFailure == null) {
            throw re;
        }
    }
}
