package dev.braid.pool;

/**
 * A snapshot of one worker's counters. Counters are read one by one, without a common instant.
 *
 * @param index the worker's index in the pool, from 0
 * @param name the worker thread's name
 * @param tasksRun tasks this worker ran to the end (normally or with an exception)
 * @param steals tasks this worker took from another worker's queue
 * @param stealAttempts steal attempts on other workers' queues, successful or not
 * @param parks times this worker parked for lack of work
 * @param localDepth tasks waiting in this worker's own queue
 */
public record WorkerMetrics(
        int index,
        String name,
        long tasksRun,
        long steals,
        long stealAttempts,
        long parks,
        int localDepth) {}
