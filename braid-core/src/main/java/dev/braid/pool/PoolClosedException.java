package dev.braid.pool;

import java.io.Serial;
import java.util.concurrent.RejectedExecutionException;

/**
 * Thrown when a task is submitted from outside a {@link WorkStealingPool} after its {@link
 * WorkStealingPool#shutdown()}. It is a {@link RejectedExecutionException}, so code written against
 * {@link java.util.concurrent.ExecutorService} handles it as it handles any rejection.
 */
public final class PoolClosedException extends RejectedExecutionException {
    @Serial private static final long serialVersionUID = 1L;

    /**
     * An exception whose message names the pool.
     *
     * @param poolName the pool's name prefix
     */
    public PoolClosedException(String poolName) {
        super(
                "pool '"
                        + poolName
                        + "' is shut down and accepts no new tasks; submit before shutdown() or"
                        + " use a new pool");
    }
}
