package dev.braid.thread;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancelledException;
import dev.braid.internal.rt.Op;
import dev.braid.internal.rt.Rt;
import dev.braid.internal.rt.ThreadSpec;
import dev.braid.internal.util.Args;
import java.util.concurrent.Callable;

/**
 * Configures and spawns braid threads. A builder is a mutable, single-threaded configuration
 * object; each {@code spawn} starts a new thread with the current settings.
 *
 * <p>Defaults: platform thread, non-daemon, the JVM's default stack size, a generated name ({@code
 * braid-N}).
 */
public final class ThreadBuilder {
    private String name;
    private boolean daemon;
    private boolean virtual;
    private long stackSize;

    ThreadBuilder() {}

    /**
     * Sets the thread's name.
     *
     * @param name the thread's name
     * @return this builder
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public ThreadBuilder name(String name) {
        this.name = Args.notBlank(name, "name");
        return this;
    }

    /**
     * Whether the thread is a daemon (platform threads only; virtual threads always are).
     *
     * @param daemon whether the thread is a daemon
     * @return this builder
     */
    public ThreadBuilder daemon(boolean daemon) {
        this.daemon = daemon;
        return this;
    }

    /**
     * Spawns a virtual thread.
     *
     * @return this builder
     */
    public ThreadBuilder virtual() {
        this.virtual = true;
        return this;
    }

    /**
     * Spawns a platform thread (the default).
     *
     * @return this builder
     */
    public ThreadBuilder platform() {
        this.virtual = false;
        return this;
    }

    /**
     * Requests a stack size in bytes for a platform thread; 0 means the JVM's default. The JVM may
     * round or ignore it, as {@link Thread.Builder.OfPlatform#stackSize(long)} documents.
     *
     * @param bytes the requested stack size in bytes, or 0 for the default
     * @return this builder
     * @throws IllegalArgumentException if {@code bytes} is negative
     */
    public ThreadBuilder stackSize(long bytes) {
        this.stackSize = Args.nonNegative(bytes, "bytes");
        return this;
    }

    /**
     * Spawns a thread running {@code body}; its value is returned by {@link JoinHandle#join()}.
     *
     * @param <T> the type of the body's value
     * @param body the code the thread runs; its value is the join value
     * @return the handle that joins the thread and returns its value
     * @throws NullPointerException if {@code body} is null
     */
    public <T> JoinHandle<T> spawn(Callable<T> body) {
        Args.notNull(body, "body");
        return start(body, null);
    }

    /**
     * Spawns a thread running {@code body}; {@link JoinHandle#join()} returns {@code null}.
     *
     * @param body the code the thread runs
     * @return the handle that joins the thread
     * @throws NullPointerException if {@code body} is null
     */
    public JoinHandle<Void> spawn(Runnable body) {
        Args.notNull(body, "body");
        return start(
                () -> {
                    body.run();
                    return null;
                },
                null);
    }

    <T> JoinHandle<T> start(Callable<T> body, Scope scope) {
        ThreadSpec spec = new ThreadSpec(name, daemon, virtual, stackSize);
        JoinHandle<T> handle = new JoinHandle<>(scope);
        Callable<T> run = body;
        // A child of a Threads.scope works on behalf of the spawning code: it enters the ambient
        // CancelScope its parent has now (as StructuredTaskScope forks see ScopedValue bindings),
        // with the scope's own token added. Unstructured threads may outlive that code, so they
        // start without one (ADR 0013).
        CancelScope ambient = scope == null ? null : CancelScope.current();
        if (scope != null) {
            run = () -> ambient.enter(() -> CancelScope.withToken(scope.token(), body::call));
        }
        Callable<T> main = run;
        Rt.yieldPoint(Op.SPAWN, null);
        Thread t = Rt.spawn(spec, () -> runBody(handle, main, scope, ambient));
        handle.start(t);
        return handle;
    }

    private static <T> void runBody(
            JoinHandle<T> handle, Callable<T> body, Scope scope, CancelScope ambient) {
        ThreadContext ctx = new ThreadContext();
        ThreadContext.CURRENT.set(ctx);
        T value = null;
        Throwable panic = null;
        try {
            value = body.call();
        } catch (Throwable t) {
            panic = t;
        }
        Throwable destructorFailure = ctx.runDestructors();
        ThreadContext.CURRENT.remove();
        if (destructorFailure != null) {
            if (panic == null) {
                panic = destructorFailure;
            } else {
                panic.addSuppressed(destructorFailure);
            }
        }
        // A scope's child stopped by its CancelScope (the spawner's, or the scope's own token) ends
        // with that scope's exception: a stop, not a panic, so the hook does not print it.
        boolean stopped =
                scope != null
                        && panic instanceof CancelledException
                        && (ambient.isCancelled() || scope.token().isCancelled());
        if (panic != null && !stopped) {
            Panics.report(Thread.currentThread(), panic);
        }
        Throwable stopSiblings = null;
        try {
            if (scope != null) {
                stopSiblings = scope.childEnded(handle, panic, stopped);
            }
        } finally {
            handle.complete(value, panic, stopped);
        }
        if (scope != null) {
            scope.stopSiblings(stopSiblings);
        }
    }
}
