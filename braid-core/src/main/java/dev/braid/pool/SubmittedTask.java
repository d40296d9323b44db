package dev.braid.pool;

import java.util.concurrent.Callable;
import java.util.function.LongSupplier;

/**
 * A task given to the pool as a body: a {@link Callable} or {@link Runnable} submitted or spawned
 * in a {@link PoolScope}, or the stealable half of a {@code join}/{@code joinLong}.
 *
 * @param <T> the task's result type
 */
final class SubmittedTask<T> extends TaskHandle<T> {
    /*
     * Implementation notes
     *
     * TaskHandle holds the state machine; this adds the two fields a PoolTask does not need (ADR
     * 0078): the body, and the scope a failure is reported to. 40 bytes in all, as before the
     * split.
     */

    private final Object body; // a Callable, a Runnable, or a LongSupplier (joinLong)
    private final PoolScope scope;

    SubmittedTask(WorkStealingPool pool, Object body, PoolScope scope) {
        super(pool);
        this.body = body;
        this.scope = scope;
    }

    @Override
    Object body() {
        return body;
    }

    @Override
    PoolScope scope() {
        return scope;
    }

    /** Runs the body. */
    @SuppressWarnings("unchecked")
    T call() throws Exception {
        if (body instanceof Callable<?> c) {
            return (T) c.call();
        }
        if (body instanceof LongSupplier s) {
            return (T) (Long) s.getAsLong(); // a joinLong half a thief took
        }
        ((Runnable) body).run();
        return null;
    }
}
