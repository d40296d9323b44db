package dev.braid.pool;

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
     * them but spawns).
     */

    private final Object body; // a Callable, a Runnable, or a LongSupplier (joinLong)

    SubmittedTask(WorkStealingPool pool, Object body) {
        super(pool);
        this.body = body;
    }

    @Override
    final Object body() {
        return body;
    }

    /** Runs the body. */
    @SuppressWarnings("unchecked")
    final T call() throws Exception {
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
