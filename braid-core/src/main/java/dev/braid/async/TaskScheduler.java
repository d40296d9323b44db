package dev.braid.async;

/**
 * The seam between tasks and the threads that run them. An executor implements it; a task calls
 * {@link #schedule} when it becomes runnable (it has been woken, or it is new) and {@link
 * #completed} once it has finished. The scheduler then calls {@link RawTask#run()} exactly once per
 * {@code schedule}, on a thread of its choice. Implementations: {@link StealingScheduler} ({@link
 * ThreadedExecutor}'s, ADR 0050), {@link PoolExecutor}'s (a pool submit, ADR 0028) and {@link
 * LocalExecutor}'s. A re-queue of the task a worker is running (the task woke itself during its
 * poll: a yield) arrives on that worker's thread while {@link RawTask#run()} is still on the stack,
 * which is how a scheduler can tell a yield from a wake.
 */
interface TaskScheduler {
    /** Queues {@code task} to be {@linkplain RawTask#run() run} once. Must not block or throw. */
    void schedule(RawTask<?> task);

    /**
     * Queues a task just spawned on an executor that links tasks lazily (ADR 0140), after counting
     * it spawned in {@code counts}: in the caller's count lane where the scheduler gives its
     * threads one (ADR 0141), else in the shared cells. Must not block or throw.
     */
    default void scheduleSpawned(RawTask<?> task, TaskRegistry counts) {
        counts.countSpawned(task, -1);
        schedule(task);
    }

    /**
     * Queues {@code task} again as a poll of it ends: it was woken during that poll (a yield), on
     * the thread that polled it. Must not block or throw. The default is {@link #schedule}; a
     * scheduler with a LIFO slot puts it behind the others instead (ADR 0153).
     */
    default void requeue(RawTask<?> task) {
        schedule(task);
    }

    /**
     * Called once, by the thread that completed {@code task}, just after its outcome is published
     * (which is what takes it out of its executor's live set, ADR 0097) and its joiners were woken.
     */
    void completed(RawTask<?> task);

    /**
     * Called when the queue entry that held {@code task} was cancelled before it ran, by whoever
     * owns the queue (a pool's {@code shutdownNow()}, ADR 0062): the task's queue reference is then
     * stranded, and the scheduler must finish the task. Must not block or throw. Schedulers whose
     * queues never drop an entry keep the default, which does nothing.
     */
    default void entryCancelled(RawTask<?> task) {}

    /**
     * Called by a spawn that queued {@code task}, then saw the executor closed and cancelled it:
     * the executor's threads may have finished before the task was counted, and then nobody would
     * run its cancellation (its joiners would wait for ever, probe14). The scheduler makes sure it
     * runs. Must not block or throw. The default does nothing.
     */
    default void spawnedAfterClose(RawTask<?> task) {}

    /**
     * A snapshot of the tasks in this scheduler's queues (and, where it can see them, running their
     * first poll), for the live-task dump (ADR 0140: a task is in the executor's live set only once
     * a poll left it pending), or null if this scheduler cannot list them (the dump then counts
     * them instead). The dump keeps the never-polled live ones; a task listed twice is listed once.
     * Called only by the dump, never on a task's path. Must not block or throw.
     */
    default java.util.List<RawTask<?>> queued() {
        return null;
    }

    /**
     * Whether the executor links each task into its live set at spawn (as before ADR 0140) rather
     * than when a poll first leaves it pending: for a scheduler whose queues can lose an entry
     * without telling it (close() must then find the task through the live set). Read once.
     */
    default boolean linksAtSpawn() {
        return false;
    }
}
