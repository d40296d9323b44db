package dev.braid.pool;

/**
 * A task body ({@link Runnable} or {@link java.util.concurrent.Callable} given to {@link
 * WorkStealingPool#submit}) that wants to know when the pool itself cancels it before it ran: by
 * {@link WorkStealingPool#shutdownNow()}, by a worker that stops and cancels what is left in its
 * queues, or for a submission that raced {@code shutdownNow()}. A cancellation through the task's
 * own {@link TaskHandle#cancel()} is the caller's and is not reported.
 *
 * <pre>{@code
 * final class Job implements Runnable, CancelAware {
 *     public void run() { ... }
 *     public void cancelledBeforeStart() { listener.dropped(this); }   // short, non-blocking
 * }
 * pool.submit(new Job());
 * }</pre>
 */
public interface CancelAware {
    /**
     * Called once, after the task's {@link TaskHandle} was cancelled by the pool, on the thread
     * that cancelled it (the caller of {@code shutdownNow()}, an exiting worker, or the submitter
     * whose submission raced {@code shutdownNow()}). It must be short and must not block; what it
     * throws is printed to {@code System.err} as a hook's failure is, and ignored.
     */
    void cancelledBeforeStart();
}
