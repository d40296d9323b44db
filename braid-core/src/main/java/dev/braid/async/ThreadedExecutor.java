package dev.braid.async;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.Deadline;
import dev.braid.internal.rt.Op;
import dev.braid.internal.rt.Rt;
import dev.braid.internal.rt.ThreadSpec;
import dev.braid.internal.util.Args;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A multi-threaded executor: a fixed set of worker threads (platform, daemon, spawned through
 * braid's runtime seam) that take runnable tasks from one shared run queue.
 *
 * <pre>{@code
 * try (ThreadedExecutor ex = ThreadedExecutor.create("io", 4)) {
 *     TaskHandle<String> h = ex.spawn("fetch", fetch(url));
 *     String body = h.join();
 * }
 * }</pre>
 *
 * <p>A task is polled by one worker at a time, possibly a different one each poll; everything a
 * poll wrote happens-before the task's next poll. Once the work-stealing pool lands, this
 * executor's scheduling moves onto it (per-worker deques, LIFO slot, stealing) behind the same API
 * (ADR 0028); the shared queue is the simple, correct baseline.
 */
public final class ThreadedExecutor implements AsyncExecutor {
    /*
     * Implementation notes
     *
     * Algorithm. One lock-free FIFO run queue shared by N workers. A worker pops and runs tasks;
     * with none it announces itself idle and parks. A schedule pushes, then wakes one idle worker
     * (if any). RawTask's state word guarantees a task is in the queue at most once and polled by
     * one worker at a time.
     *
     * State. Each worker has an `idle` flag. Idle workers are found by a scan of the (small,
     * fixed) worker array: O(workers) only when a push finds someone idle to wake.
     *
     * Memory ordering. Dekker again: a worker sets `idle` (volatile) then re-reads the queue; a
     * pusher writes the queue (volatile CAS) then reads the flags. One of them sees the other, so
     * a pushed task never sits in the queue while every worker sleeps. A pusher claims a sleeper
     * by CASing its flag to false, so two pushes wake two different workers. A push made by a
     * worker (a task woken or spawned from inside a poll) wakes nobody when it is the only entry:
     * that worker takes it as soon as its current run ends, since a poll never blocks; this saves
     * a park/unpark hand-off per hop in chains and ping-pongs (tokio's reasoning for its LIFO slot).
     *
     * Shutdown. close() marks the registry closed and cancels every live task (each is then run
     * once more, to drop its future), and wakes all workers; a worker exits when the executor is
     * closed and no task is live; the last one to exit completes `terminated`, which close() waits
     * for. A task that never returns from poll would keep close() waiting: poll must not block.
     *
     * Tradeoffs. A single shared queue is a contention point beyond a few cores; that is the pool
     * issue's job (ADR 0028). No LIFO slot yet, so ping-pong between two tasks pays a queue trip.
     */

    private final String name;
    private final TaskRegistry tasks;
    private final ConcurrentLinkedQueue<RawTask<?>> queue = new ConcurrentLinkedQueue<>();
    private final Worker[] workers;
    private final AtomicInteger running;
    private final AtomicInteger queued = new AtomicInteger(); // entries in `queue`, approximately
    private final Completion<Void> terminated = new Completion<>();

    private final class Worker {
        final AtomicBoolean idle = new AtomicBoolean();
        volatile Thread thread;

        void loop() {
            thread = Thread.currentThread();
            try {
                while (true) {
                    RawTask<?> t = queue.poll();
                    if (t != null) {
                        queued.decrementAndGet();
                        t.run();
                        continue;
                    }
                    if (tasks.isClosed() && tasks.isEmpty()) {
                        return;
                    }
                    idle.set(true); // volatile: Dekker with schedule()
                    if (!queue.isEmpty() || (tasks.isClosed() && tasks.isEmpty())) {
                        idle.set(false);
                        continue;
                    }
                    while (idle.get()) {
                        Rt.park(ThreadedExecutor.this);
                    }
                }
            } finally {
                if (running.decrementAndGet() == 0) {
                    terminated.complete(new Completion.Success<>(null));
                }
            }
        }
    }

    private ThreadedExecutor(String name, int threads) {
        this.name = name;
        this.tasks =
                new TaskRegistry(
                        name,
                        new TaskScheduler() {
                            @Override
                            public void schedule(RawTask<?> task) {
                                push(task);
                            }

                            @Override
                            public void completed(RawTask<?> task) {
                                tasks.removed(task);
                                if (tasks.isClosed() && tasks.isEmpty()) {
                                    wakeAll();
                                }
                            }
                        });
        this.workers = new Worker[threads];
        this.running = new AtomicInteger(threads);
        for (int i = 0; i < threads; i++) {
            workers[i] = new Worker();
        }
        for (int i = 0; i < threads; i++) {
            Worker w = workers[i];
            Rt.spawn(new ThreadSpec(name + "-worker-" + i, true, false, 0), w::loop);
        }
    }

    /**
     * A new executor with {@code threads} worker threads, started now.
     *
     * @param name its name (worker and task names derive from it)
     * @param threads the number of workers
     * @return the executor
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank or {@code threads} is not positive
     */
    public static ThreadedExecutor create(String name, int threads) {
        Args.notBlank(name, "name");
        if (threads <= 0) {
            throw new IllegalArgumentException("threads must be > 0, was " + threads);
        }
        return new ThreadedExecutor(name, threads);
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

    private void push(RawTask<?> task) {
        queue.offer(task); // volatile CAS: Dekker with the workers' idle flags
        int waiting = queued.incrementAndGet();
        Rt.yieldPoint(Op.UNPARK, this);
        if (waiting <= 1 && onWorker()) {
            return; // this worker takes it when its current run ends: no hand-off, no unpark
        }
        for (Worker w : workers) {
            if (w.idle.get() && w.idle.compareAndSet(true, false)) {
                Rt.unpark(w.thread);
                return;
            }
        }
    }

    private boolean onWorker() {
        Thread self = Thread.currentThread();
        for (Worker w : workers) {
            if (w.thread == self) {
                return true;
            }
        }
        return false;
    }

    private void wakeAll() {
        for (Worker w : workers) {
            if (w.idle.compareAndSet(true, false)) {
                Rt.unpark(w.thread);
            }
        }
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
        return workers.length;
    }

    /**
     * Cancels every live task, waits until all have finished and every worker has ended.
     * Idempotent; may be called from any thread but a worker (from inside a poll it would wait for
     * itself).
     *
     * @throws IllegalStateException if called inside a poll
     */
    @Override
    public void close() {
        if (Interop.POLLING.get() != null) {
            throw new IllegalStateException(
                    "close() inside a poll would wait for its own worker: close from outside");
        }
        tasks.close();
        wakeAll();
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
                + workers.length
                + ", live="
                + tasks.size()
                + "]";
    }
}
