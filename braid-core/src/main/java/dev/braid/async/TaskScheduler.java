package dev.braid.async;

/**
 * The seam between tasks and the threads that run them. An executor implements it; a task calls
 * {@link #schedule} when it becomes runnable (it has been woken, or it is new) and {@link
 * #completed} once it has finished. The scheduler then calls {@link RawTask#run()} exactly once per
 * {@code schedule}, on a thread of its choice. This is where the work-stealing pool plugs in: a
 * pool-backed scheduler pushes to the current worker's deque instead of a shared queue (ADR 0028).
 */
interface TaskScheduler {
    /** Queues {@code task} to be {@linkplain RawTask#run() run} once. Must not block or throw. */
    void schedule(RawTask<?> task);

    /**
     * Called once, by the thread that completed {@code task}, just before its outcome is published.
     */
    void completed(RawTask<?> task);
}
