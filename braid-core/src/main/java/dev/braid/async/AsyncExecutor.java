package dev.braid.async;

import java.util.List;

/**
 * Runs tasks: polls their futures when they are woken. Implemented by {@link LocalExecutor} (one
 * thread, driven by {@link LocalExecutor#blockOn}) and {@link ThreadedExecutor} (a set of worker
 * threads).
 */
public interface AsyncExecutor extends AutoCloseable {

    /**
     * Spawns {@code future} as a task with a generated name.
     *
     * @param <T> the value type
     * @param future the task's future (polled only by this executor from now on)
     * @return the task's handle
     * @throws NullPointerException if {@code future} is null
     * @throws IllegalStateException if the executor is closed
     */
    <T> TaskHandle<T> spawn(Async<T> future);

    /**
     * Spawns {@code future} as a task named {@code name} (used in panics and dumps).
     *
     * @param <T> the value type
     * @param name the task's name
     * @param future the task's future
     * @return the task's handle
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code name} is blank
     * @throws IllegalStateException if the executor is closed
     */
    <T> TaskHandle<T> spawn(String name, Async<T> future);

    /**
     * Whether {@link #close()} was called.
     *
     * @return true once closed
     */
    boolean isClosed();

    /**
     * A snapshot of the live tasks, one line each: name, id, state (scheduled, running, idle
     * awaiting a wake), whether cancelled, poll count and total poll time.
     *
     * @return the dump lines
     */
    List<String> dumpTasks();

    /**
     * Stops accepting tasks, cancels every live task, and waits until all have finished (and, for a
     * threaded executor, its threads have ended). Idempotent.
     */
    @Override
    void close();
}
