package dev.braid.pool;

import dev.braid.cancel.CancelScope;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;

/**
 * A task given to the pool as a body: a {@link Callable} or {@link Runnable} submitted, or the
 * stealable half of a {@code join}/{@code joinLong}; {@link InScope} adds the {@link PoolScope} a
 * spawned task reports its failure to.
 *
 * @param <T> the task's result type
 */
sealed class SubmittedTask<T> extends TaskHandle<T> permits SubmittedTask.InScope {
    /*
     * Implementation notes
     *
     * TaskHandle holds the state machine; this adds the one field a PoolTask does not need (ADR
     * 0078): the body. 32 bytes with compressed class pointers, as FJP's adapter of a submitted
     * Runnable; the scope, which only PoolScope.spawn sets, lives in the InScope subclass (ADR
     * 0094: it was a field here, 40 bytes for every submission and every join half, null in all of
     * them but spawns). The stealable half of a join started inside an active CancelScope holds
     * its body in a Scoped wrapper (ADR 0131): 24 bytes more, allocated only then, and the task
     * stays 32 bytes; a thief's call() then enters the scope.
     *
     * The body is dropped (one plain store) by the one thread that claimed the task, before it
     * runs it: a finished handle that someone keeps does not keep what the body captured (probe15;
     * ForkJoinPool's adapters keep theirs). body() is read only for a task that never started
     * (shutdownNow's list, CancelAware), which nobody claimed, so nobody cleared.
     */

    private Object body; // a Callable, a Runnable, or a LongSupplier (joinLong); null once claimed

    SubmittedTask(WorkStealingPool pool, Object body) {
        super(pool);
        this.body = body;
    }

    @Override
    final Object body() {
        return body instanceof Scoped s ? s.body : body; // as submitted, for shutdownNow's list
    }

    /** Runs the body, once, on the thread that claimed the task; the handle forgets it. */
    @SuppressWarnings("unchecked")
    final T call() throws Exception {
        Object body = this.body;
        this.body = null; // a finished handle does not keep what its body captured (probe15)
        if (body instanceof Callable<?> c) {
            return (T) c.call();
        }
        if (body instanceof LongSupplier s) {
            return (T) (Long) s.getAsLong(); // a joinLong half a thief took
        }
        ((Runnable) body).run();
        return null;
    }

    /**
     * The body of a join's stealable half with the {@link CancelScope} that was active where the
     * join was called (ADR 0131): whoever runs it runs it inside that scope. The forker itself
     * never calls it (it runs its own half as a plain call, already in the scope); a thief does,
     * and a worker running it on the forker's thread (hooks installed) enters the same scope again,
     * which binds nothing.
     */
    static final class Scoped implements Callable<Object> {
        final Object body; // a Callable or a LongSupplier
        private final CancelScope scope;

        private Scoped(Object body, CancelScope scope) {
            this.body = body;
            this.scope = scope;
        }

        /**
         * {@code body} as the stealable half of a join called here: wrapped with the caller's scope
         * if that scope is active, as it is otherwise (one scoped-value read, no allocation).
         */
        static Object inCallersScope(Object body) {
            CancelScope s = CancelScope.current();
            return s.isActive() ? new Scoped(body, s) : body;
        }

        @Override
        public Object call() throws Exception {
            return scope.enter( // the order of SubmittedTask.call: a Callable first
                    () ->
                            body instanceof Callable<?> c
                                    ? c.call()
                                    : (Object) ((LongSupplier) body).getAsLong());
        }
    }

    /**
     * A task spawned in a {@link PoolScope}: a failure is reported to the scope.
     *
     * @param <T> the task's result type
     */
    static final class InScope<T> extends SubmittedTask<T> {
        private final PoolScope scope;

        InScope(WorkStealingPool pool, Object body, PoolScope scope) {
            super(pool, body);
            this.scope = scope;
        }

        @Override
        PoolScope scope() {
            return scope;
        }
    }
}
