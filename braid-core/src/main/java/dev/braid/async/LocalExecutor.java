package dev.braid.async;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancelledException;
import dev.braid.cancel.Deadline;
import dev.braid.internal.rt.Rt;
import dev.braid.internal.util.Args;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A single-threaded executor: its tasks run on whichever thread is inside {@link #blockOn} (the
 * seed's {@code executor_run}, driven by wakers instead of re-queueing). Wakes may come from any
 * thread; tasks are polled only by the driving thread, so a task's state needs no locking.
 *
 * <pre>{@code
 * try (LocalExecutor ex = LocalExecutor.create("main")) {
 *     TaskHandle<Integer> a = ex.spawn("a", Async.sleep(Duration.ofMillis(10)).map(v -> 1));
 *     int two = ex.blockOn(a.map(x -> x + 1));
 * }
 * }</pre>
 *
 * <p>Tasks spawned here make progress only while some thread is inside {@code blockOn}: the
 * executor has no thread of its own. One thread at a time may drive it. So wait for one of its
 * tasks with {@code blockOn(handle)}: an untimed {@link TaskHandle#join()} while no thread drives
 * the executor throws instead of waiting for ever (ADR 0066).
 */
public final class LocalExecutor implements AsyncExecutor {
    /*
     * Implementation notes
     *
     * Algorithm. A run queue (lock-free, any thread may push) and one driving thread that pops a
     * task, runs it once, and repeats until the root future's task is complete; with nothing to
     * run it parks. A wake pushes the task (RawTask's state word guarantees one entry at a time)
     * and unparks the driver if it announced that it parks.
     *
     * Memory ordering. The parking handshake is Dekker's: the driver writes `parked` (volatile)
     * then reads the queue; a waker writes the queue (a volatile CAS) then reads `parked`. Under
     * sequential consistency of volatiles one of them sees the other: either the driver sees the
     * new entry and does not park, or the waker sees `parked` and unparks it. A stray unpark only
     * costs a spurious wake-up, which the loop tolerates.
     *
     * Liveness. blockOn never busy-waits: it parks through the runtime seam (on a virtual thread
     * it unmounts). Interrupt and the ambient CancelScope cancel the root task, which completes
     * at its next run without parking, so blockOn returns promptly.
     */

    private final String name;
    private final TaskRegistry tasks;
    private final ConcurrentLinkedQueue<RawTask<?>> queue = new ConcurrentLinkedQueue<>();
    private final AtomicReference<Thread> driver = new AtomicReference<>();
    private volatile boolean parked;

    private LocalExecutor(String name) {
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
                            }

                            @Override
                            public java.util.List<RawTask<?>> queued() {
                                return new java.util.ArrayList<>(queue);
                            }

                            @Override
                            public void spawnedAfterClose(RawTask<?> task) {
                                finishCancellationsIfClosed(); // close() may have drained
                            }
                        },
                        this);
    }

    /**
     * A new local executor.
     *
     * @param name its name (task names derive from it)
     * @return the executor
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public static LocalExecutor create(String name) {
        return new LocalExecutor(Args.notBlank(name, "name"));
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

    /** Whether a thread is inside {@link #blockOn} or {@link #runUntilStalled} now. */
    boolean isDriven() {
        return driver.get() != null;
    }

    /** Whether {@code t} is inside this executor's {@link #blockOn} or {@link #runUntilStalled}. */
    boolean isDrivenBy(Thread t) {
        return driver.get() == t;
    }

    /**
     * Runs {@code future} to completion on the calling thread, together with this executor's other
     * tasks, and returns its value. The thread parks (no busy wait) while nothing is runnable. What
     * {@code future} throws from its poll is rethrown as it is (a checked exception too, although
     * undeclared here; not wrapped in {@link TaskPanicException}: the root is not a task, but a
     * spawned task's handle passed as the root reports its panic as that).
     *
     * @param <T> the value type
     * @param future the root future
     * @return its value
     * @throws InterruptedException if the caller is interrupted (the root future is cancelled and
     *     dropped first; the other tasks stay)
     * @throws CancelledException if the ambient {@link dev.braid.cancel.CancelScope} is cancelled
     *     or its deadline passes (likewise)
     * @throws IllegalStateException if another thread is driving this executor, if called from
     *     inside a poll (it would block the executor that polls), or if the executor is closed
     * @throws NullPointerException if {@code future} is null
     */
    public <T> T blockOn(Async<T> future) throws InterruptedException {
        Args.notNull(future, "future");
        if (Interop.polling() != null) {
            throw new IllegalStateException(
                    "blockOn called inside a poll would block the executor polling it: compose"
                            + " with then(...) or spawn the future instead");
        }
        Thread self = Thread.currentThread();
        Thread other = driver.compareAndExchange(null, self);
        if (other == self) {
            throw new IllegalStateException(
                    "blockOn called on thread '"
                            + self.getName()
                            + "', which is already inside blockOn of LocalExecutor '"
                            + name
                            + "': it would wait for itself; spawn the future on the executor"
                            + " instead");
        }
        if (other != null) {
            throw new IllegalStateException(
                    "LocalExecutor '"
                            + name
                            + "' is already driven by thread '"
                            + other.getName()
                            + "': one thread at a time; spawn the future instead");
        }
        try {
            TaskHandle<T> root;
            try {
                root = tasks.spawn(name + "-blockOn", future, null);
            } catch (IllegalStateException closed) {
                if (!tasks.isClosed()) {
                    throw closed;
                }
                throw new IllegalStateException( // probe16: not "spawn tasks before close()"
                        "LocalExecutor '"
                                + name
                                + "' is closed: blockOn runs its future as a task of the executor;"
                                + " call blockOn before close(), or run the future on this thread"
                                + " with Async.await(future) or on a new LocalExecutor",
                        closed);
            }
            Throwable stop = null;
            try (Waiting wait = new Waiting(Deadline.never(), true, "blockOn", this)) {
                while (!root.isFinished()) {
                    RawTask<?> t = queue.poll();
                    if (t != null) {
                        t.run();
                        continue;
                    }
                    if (stop == null) {
                        try {
                            wait.check();
                        } catch (InterruptedException | CancelledException e) {
                            stop = e;
                            root.cancel();
                            continue;
                        }
                    }
                    parked = true; // volatile: Dekker with schedule()
                    if (queue.isEmpty() && !root.isFinished()) {
                        wait.park(Rt.simulating() ? tasks.simBlocker(root) : root);
                    }
                    parked = false;
                }
            }
            Completion.Outcome<T> o = root.outcome();
            if (stop != null && !(o instanceof Completion.Success)) {
                throw Failures.sneaky(stop);
            }
            return Interop.unwrap(o);
        } finally {
            driver.set(null);
            finishCancellationsIfClosed();
        }
    }

    /**
     * Runs queued tasks on the calling thread until none is runnable, without waiting.
     *
     * @return the number of task runs
     * @throws IllegalStateException as for {@link #blockOn}
     */
    public int runUntilStalled() {
        if (Interop.polling() != null) {
            throw new IllegalStateException(
                    "runUntilStalled of LocalExecutor '"
                            + name
                            + "' called inside a poll would run tasks inside another task's poll:"
                            + " return pending and let the thread that drives it run them, or"
                            + " call it from outside a poll");
        }
        Thread other = driver.compareAndExchange(null, Thread.currentThread());
        if (other != null) {
            throw new IllegalStateException(
                    "runUntilStalled: LocalExecutor '"
                            + name
                            + "' is already driven by thread '"
                            + other.getName()
                            + "', whose blockOn runs its tasks: one thread at a time; call it"
                            + " when no thread drives the executor");
        }
        try {
            int runs = 0;
            for (RawTask<?> t; (t = queue.poll()) != null; runs++) {
                t.run();
            }
            return runs;
        } finally {
            driver.set(null);
        }
    }

    private void push(RawTask<?> task) {
        queue.offer(task); // volatile CAS: Dekker with the driver's `parked`
        if (parked) {
            Rt.unpark(driver.get());
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
     * Cancels every live task and, unless another thread is inside {@link #blockOn} or this call is
     * inside a poll (the driving {@code blockOn} then finishes them before it returns), runs their
     * cancellations on the calling thread. Idempotent.
     */
    @Override
    public void close() {
        tasks.close();
        finishCancellationsIfClosed();
    }

    /**
     * Runs this executor's tasks on the calling thread until {@code done} completes, not stopping
     * for an interrupt (the status is kept and restored on return) nor for the ambient scope: a
     * task scope's close(), which must see every child's cancellation run, including one that
     * another thread queues after close() began (a cancel of the scope's ambient token racing its
     * join and close). Running only what was queued at one moment, as close() did before, left such
     * a cancellation to nobody: close() then waited for ever.
     *
     * @return false, having run nothing, if another thread drives the executor (its blockOn runs
     *     them; the caller waits for {@code done} a short while and calls again)
     */
    boolean driveUntil(Completion<?> done, Object blocker) {
        Thread self = Thread.currentThread();
        if (driver.compareAndExchange(null, self) != null) {
            return false;
        }
        boolean interrupted = false;
        try {
            // the completion unparks this thread whatever `parked` says: no lost wake-up
            if (done.poll(() -> Rt.unpark(self)) == null) {
                while (!done.isDone()) {
                    RawTask<?> t = queue.poll();
                    if (t != null) {
                        t.run();
                        continue;
                    }
                    parked = true; // volatile: Dekker with push()
                    if (queue.isEmpty() && !done.isDone()) {
                        Rt.park(blocker);
                        interrupted |= Thread.interrupted(); // else the next park returns at once
                    }
                    parked = false;
                }
            }
        } finally {
            driver.set(null);
            finishCancellationsIfClosed();
            if (interrupted) {
                self.interrupt();
            }
        }
        return true;
    }

    /**
     * Runs what close() queued (the cancellations of the tasks it cancelled) unless a thread drives
     * the executor or the caller is inside a poll: close() calls it, and blockOn on its way out, so
     * a close() inside a poll, or from another thread while blockOn ran, does not leave tasks
     * cancelled but never dropped once the root future finished (misuse 11). Loops because a
     * close() racing this driver's exit may queue more after the drain.
     */
    private void finishCancellationsIfClosed() {
        Thread self = Thread.currentThread();
        while (tasks.isClosed() && !queue.isEmpty() && Interop.polling() == null) {
            if (driver.compareAndExchange(null, self) != null) {
                return; // another thread drives: its blockOn finishes them on its way out
            }
            try {
                for (RawTask<?> t; (t = queue.poll()) != null; ) {
                    t.run();
                }
            } finally {
                driver.set(null);
            }
        }
    }

    @Override
    public String toString() {
        Thread d = driver.get();
        return "LocalExecutor["
                + name
                + ", live="
                + tasks.size()
                + (isClosed() ? ", closed" : "")
                + (d != null ? ", driven by '" + d.getName() + "'" : ", not driven")
                + "]";
    }
}
