package dev.braid.async;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.Deadline;
import dev.braid.internal.util.Args;
import dev.braid.thread.Threads;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * A multi-threaded executor: a fixed set of worker threads (platform, daemon, spawned through
 * braid's runtime seam) that run tasks with work stealing.
 *
 * <pre>{@code
 * try (ThreadedExecutor ex = ThreadedExecutor.create("io", 4)) {
 *     TaskHandle<String> h = ex.spawn("fetch", fetch(url));
 *     String body = h.join();
 * }
 * }</pre>
 *
 * <p>Each worker has its own run queue and a LIFO slot: a task woken or spawned by a running task
 * runs next on the same worker (so a chain of spawns or a ping-pong between two tasks never leaves
 * the worker), a task that yields goes behind the others, and an idle worker steals half of a busy
 * worker's queue before it parks. Tasks spawned or woken from outside the executor go to a shared
 * injector (ADR 0050). A task is polled by one worker at a time, possibly a different one each
 * poll; everything a poll wrote happens-before the task's next poll.
 */
public final class ThreadedExecutor implements AsyncExecutor {
    /*
     * Implementation notes
     *
     * Algorithm. The scheduling lives in StealingScheduler (per-worker bounded queues, LIFO slot,
     * injector, steal sweep before parking; its notes block has the protocol and the papers).
     * This class is the API: spawning through the task registry, close, the dump. RawTask's
     * state word guarantees a task is queued at most once and polled by one worker at a time.
     *
     * Shutdown. close() marks the registry closed and cancels every live task (each is then run
     * once more, to drop its future), and wakes all workers; a worker exits when the executor is
     * closed and no task is live; the last one to exit completes `terminated`, which close() waits
     * for. A task that never returns from poll would keep close() waiting: poll must not block.
     *
     * Tradeoffs. Compared with the shared-queue design it replaced (ADR 0050): no per-hop
     * hand-off between workers for chains and ping-pongs, no single queue every worker contends
     * on; the price is a bounded local queue per worker (overflow goes to the injector) and a
     * LIFO slot that other workers cannot steal from.
     */

    private final String name;
    private final TaskRegistry tasks;
    private final StealingScheduler scheduler;
    private final Completion<Void> terminated = new Completion<>();

    // through ThreadBuilder, not Rt.spawn: a braid thread runs the ThreadLocalKey destructors of
    // what its tasks initialised when it exits (ADR 0077)
    static final BiConsumer<String, Runnable> WORKER_THREADS =
            (threadName, loop) -> Threads.builder().name(threadName).daemon(true).spawn(loop);

    private ThreadedExecutor(
            String name, int threads, boolean lanes, BiConsumer<String, Runnable> starter) {
        this(name, threads, lanes, starter, StealingScheduler.CELL_RUNS);
    }

    private ThreadedExecutor(
            String name,
            int threads,
            boolean lanes,
            BiConsumer<String, Runnable> starter,
            int cellRuns) {
        this.name = name;
        this.scheduler =
                new StealingScheduler(
                        name,
                        threads,
                        s -> new TaskRegistry(name, s, null, lanes ? threads : 0),
                        () -> terminated.complete(new Completion.Success<>(null)),
                        cellRuns);
        this.tasks = scheduler.tasks();
        try {
            scheduler.start(name, starter);
        } catch (IllegalStateException e) {
            stop(); // a start that failed part way leaves no worker running (ADR 0162)
            throw e;
        }
    }

    /**
     * The most workers: the pool's bound. Above it the scheduler's table of 2n thread slots
     * overflowed, and Integer.MAX_VALUE died with an OutOfMemoryError instead of naming the
     * argument.
     */
    private static final int MAX_THREADS = 0x7fff;

    /**
     * A new executor with {@code threads} worker threads, started now.
     *
     * @param name its name (worker and task names derive from it)
     * @param threads the number of workers
     * @return the executor
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank or {@code threads} is not between 1
     *     and 32,767 (the bound of a {@code WorkStealingPool})
     * @throws IllegalStateException if a worker thread cannot be started (the JVM or the OS refuses
     *     another thread); the workers started before it are stopped and waited for, and the
     *     message names how many started and the cause
     */
    public static ThreadedExecutor create(String name, int threads) {
        Args.notBlank(name, "name");
        if (threads <= 0 || threads > MAX_THREADS) {
            throw new IllegalArgumentException(
                    "threads must be between 1 and " + MAX_THREADS + ", was " + threads);
        }
        return new ThreadedExecutor(name, threads, StealingScheduler.COUNT_LANES, WORKER_THREADS);
    }

    /** As {@link #create(String, int)}, with count lanes on or off (tests, ADR 0141). */
    static ThreadedExecutor create(String name, int threads, boolean lanes) {
        return new ThreadedExecutor(name, threads, lanes, WORKER_THREADS);
    }

    /** As {@link #create(String, int)}, starting workers through {@code starter} (tests). */
    static ThreadedExecutor create(String name, int threads, BiConsumer<String, Runnable> starter) {
        return new ThreadedExecutor(name, threads, StealingScheduler.COUNT_LANES, starter);
    }

    /**
     * As {@link #create(String, int)}, each worker taking a fresh polling cell every {@code
     * cellRuns} runs, 0 for never (tests, ADR 0165).
     */
    static ThreadedExecutor createRenewingCells(String name, int threads, int cellRuns) {
        return new ThreadedExecutor(
                name, threads, StealingScheduler.COUNT_LANES, WORKER_THREADS, cellRuns);
    }

    /** Polling cells its workers replaced so far (tests, ADR 0165). */
    long cellsMade() {
        return scheduler.cellsMade();
    }

    /** Its registry's count lanes: one per worker with lanes on, else 0 (tests, ADR 0141). */
    int countLanes() {
        return tasks.lanes;
    }

    /**
     * A new executor with one worker per available processor.
     *
     * @param name its name
     * @return the executor
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public static ThreadedExecutor create(String name) {
        return create(name, Runtime.getRuntime().availableProcessors());
    }

    @Override
    public <T> TaskHandle<T> spawn(Async<T> future) {
        return tasks.spawn(null, future, null);
    }

    @Override
    public <T> TaskHandle<T> spawn(String name, Async<T> future) {
        return tasks.spawn(Args.notBlank(name, "name"), future, null);
    }

    <T> TaskHandle<T> spawnScoped(String name, Async<T> future, CancelScope s) {
        return tasks.spawn(name, future, s);
    }

    /**
     * The index of the calling thread's worker, or -1 if it is not one of this executor's (tests).
     */
    int workerIndex() {
        return scheduler.workerIndex();
    }

    /** Whether the calling thread's worker lookup starts at a worker's entry (tests, ADR 0132). */
    boolean probeStartsAtAWorker() {
        return scheduler.probeStartsAtAWorker();
    }

    /** The live set and id counter (tests). */
    TaskRegistry registry() {
        return tasks;
    }

    /** Tasks in the workers' local queues (tests). */
    int locallyQueued() {
        return scheduler.locallyQueued();
    }

    /** Workers parked or about to park (tests). */
    int idleWorkers() {
        return scheduler.idleWorkers();
    }

    /** Workers counted as sleepers, the count a notify reads first (tests, ADR 0120). */
    int sleepers() {
        return scheduler.sleepers();
    }

    @Override
    public boolean isClosed() {
        return tasks.isClosed();
    }

    @Override
    public List<String> dumpTasks() {
        return tasks.dump();
    }

    /**
     * The number of worker threads.
     *
     * @return the worker count
     */
    public int threads() {
        return scheduler.threads();
    }

    /**
     * Cancels every live task, waits until all have finished and every worker has ended.
     * Idempotent; may be called from any thread but a worker (from inside a poll it would wait for
     * itself).
     *
     * @throws IllegalStateException if called inside a poll, or on one of this executor's workers
     *     (a task's {@code drop} or {@link Async#ensure} cleanup runs there), or from the {@link
     *     Async#spawnBlocking} body of one of its tasks (that task's outcome waits for the body)
     */
    @Override
    public void close() {
        if (scheduler.workerIndex() >= 0) { // a poll, a drop, a cleanup (probe14)
            throw new IllegalStateException(
                    "close() of "
                            + this
                            + " on its own worker thread '"
                            + Thread.currentThread().getName()
                            + "' (in a poll, or a task's drop or cleanup) would wait for that"
                            + " worker to exit, and so for itself: close from outside the executor");
        }
        if (Interop.polling() != null) {
            throw new IllegalStateException(
                    "close() of "
                            + this
                            + " inside a poll of another executor would block the thread polling:"
                            + " close from outside a poll");
        }
        Interop.refuseCloseFromBody(tasks, this);
        stop();
    }

    private void stop() {
        tasks.close();
        scheduler.wakeAll();
        boolean interrupted = false;
        while (true) {
            try {
                terminated.await(Deadline.never(), false, this);
                break;
            } catch (InterruptedException e) {
                interrupted = true; // shutdown must finish: no task outlives its executor
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "ThreadedExecutor["
                + name
                + ", threads="
                + scheduler.threads()
                + ", live="
                + tasks.size()
                + (isClosed() ? ", closed" : "")
                + "]";
    }
}
