package dev.braid.pool;

/**
 * Instrumentation callbacks of a {@link WorkStealingPool}, all run on the thread concerned: a
 * worker, or for the task hooks an outside thread whose untimed join ran the task it waited for
 * before any worker took it (see {@link TaskHandle#join()}). Every method does nothing by default;
 * override the ones you need. A hook that throws is reported on {@code System.err} and otherwise
 * ignored: it never kills a worker or changes a task's outcome. Hooks run on the hot path of every
 * task: keep them short and non-blocking.
 */
public interface PoolHooks {
    /**
     * The worker thread started, before it takes any task.
     *
     * @param worker the worker thread (the caller)
     * @param index the worker's index in the pool
     */
    default void onWorkerStart(Thread worker, int index) {}

    /**
     * The worker is about to exit (its thread-local destructors run after this).
     *
     * @param worker the worker thread (the caller)
     * @param index the worker's index in the pool
     */
    default void onWorkerStop(Thread worker, int index) {}

    /**
     * A task is about to run. The calling thread has claimed it and runs it next, so a join of
     * {@code task} from here would wait for itself: it throws {@link IllegalStateException}, as a
     * task's join of its own handle does.
     *
     * @param worker the worker thread (the caller)
     * @param task the task's handle
     */
    default void beforeTask(Thread worker, TaskHandle<?> task) {}

    /**
     * A task ended, normally or not.
     *
     * @param worker the worker thread (the caller)
     * @param task the task's handle, finished
     * @param failure what the task threw, or {@code null}
     */
    default void afterTask(Thread worker, TaskHandle<?> task, Throwable failure) {}

    /**
     * A task threw; called before {@link #afterTask}. The failure also reaches the task's joiners.
     *
     * @param worker the worker thread (the caller)
     * @param failure what the task threw
     */
    default void onPanic(Thread worker, Throwable failure) {}
}
