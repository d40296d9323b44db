package dev.braid.pool;

import dev.braid.cancel.Deadline;
import dev.braid.internal.util.Args;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * The {@link java.util.concurrent.ExecutorService} view of a {@link WorkStealingPool}: submissions
 * become pool tasks; rejection after shutdown is a {@link PoolClosedException}, a {@link
 * java.util.concurrent.RejectedExecutionException}.
 *
 * <p>The futures {@code submit} returns follow {@link FutureTask}'s contract, not {@link
 * TaskHandle}'s (ADR 0071): {@code cancel(true)} on a running task returns {@code true}, marks it
 * cancelled, interrupts the thread running it, and every {@code get()} then throws {@link
 * java.util.concurrent.CancellationException} at once; what the body returns or throws afterwards
 * is dropped. {@code cancel(false)} does the same without the interrupt. This is what code written
 * for a {@code ThreadPoolExecutor} expects ({@code f.get(timeout)}, then {@code f.cancel(true)}),
 * and what the view's {@code invokeAll}/{@code invokeAny} do.
 *
 * <p>{@code invokeAll} waits with each future's own {@code get}, which on a worker of the pool
 * helps (runs queued tasks) as a join does: called from a task, it finishes even when every worker
 * is busy (audit 7; {@link AbstractExecutorService}'s version parked on {@link FutureTask}s and
 * waited for ever on a pool of one worker). {@code invokeAny} called from outside the pool's tasks
 * is {@link AbstractExecutorService}'s; called from a task of the pool, it waits with helping gets
 * too, in slices, looking at every future between slices (a later task's success is seen while an
 * earlier one still runs on another worker; a task the caller helps with runs to its end first).
 */
final class PoolExecutorService extends AbstractExecutorService {
    private final WorkStealingPool pool;

    PoolExecutorService(WorkStealingPool pool) {
        this.pool = pool;
    }

    @Override
    public void execute(Runnable command) {
        pool.submitStealable(Args.notNull(command, "command"));
    }

    @Override
    public Future<?> submit(Runnable task) {
        return new ViewFuture<>(pool.submitStealable(Args.notNull(task, "task")));
    }

    @Override
    public <T> Future<T> submit(Runnable task, T result) {
        Args.notNull(task, "task");
        return new ViewFuture<>(
                pool.submitStealable(
                        () -> {
                            task.run();
                            return result;
                        }));
    }

    @Override
    public <T> Future<T> submit(Callable<T> task) {
        return new ViewFuture<>(pool.submitStealable(Args.notNull(task, "task")));
    }

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks)
            throws InterruptedException {
        return invokeAll(tasks, Deadline.never());
    }

    @Override
    public <T> List<Future<T>> invokeAll(
            Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException {
        Args.notNull(unit, "unit");
        return invokeAll(tasks, Deadline.after(Duration.ofNanos(unit.toNanos(timeout))));
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks)
            throws InterruptedException, ExecutionException {
        if (!pool.isCallerInTask()) {
            return super.invokeAny(tasks);
        }
        try {
            return invokeAnyHelping(tasks, Deadline.never());
        } catch (TimeoutException e) {
            throw new AssertionError("an untimed invokeAny timed out", e);
        }
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        Args.notNull(unit, "unit");
        if (!pool.isCallerInTask()) {
            return super.invokeAny(tasks, timeout, unit);
        }
        return invokeAnyHelping(tasks, Deadline.after(Duration.ofNanos(unit.toNanos(timeout))));
    }

    /** The first slice of {@link #invokeAnyHelping}'s wait, in nanoseconds; it doubles. */
    private static final long ANY_SLICE_MIN = 100_000;

    /** The longest slice of {@link #invokeAnyHelping}'s wait, in nanoseconds. */
    private static final long ANY_SLICE_MAX = 10_000_000;

    /**
     * invokeAny from a task of this pool: submits every task, then returns the value of the first
     * future (in list order) found to have succeeded; while none has, waits on the first unfinished
     * one with its helping {@code get} for a slice (100 µs doubling to 10 ms), then looks again.
     * Cancels every task on the way out, as {@link AbstractExecutorService} does.
     */
    private <T> T invokeAnyHelping(Collection<? extends Callable<T>> tasks, Deadline d)
            throws InterruptedException, ExecutionException, TimeoutException {
        Args.notNull(tasks, "tasks");
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("tasks: invokeAny needs at least one task");
        }
        List<Future<T>> futures = new ArrayList<>(tasks.size());
        try {
            for (Callable<T> t : tasks) {
                futures.add(submit(t)); // a null task: NullPointerException naming "task"
            }
            long slice = ANY_SLICE_MIN;
            while (true) {
                ExecutionException last = null;
                Future<T> pending = null;
                for (Future<T> f : futures) {
                    if (!f.isDone()) {
                        pending = pending == null ? f : pending;
                        continue;
                    }
                    try {
                        return f.get(); // finished: does not wait
                    } catch (ExecutionException e) {
                        last = e;
                    } catch (CancellationException e) {
                        last = new ExecutionException("task cancelled", e);
                    }
                }
                if (pending == null) {
                    throw last; // every task finished and none succeeded
                }
                long wait = d.isNever() ? slice : Math.min(slice, d.remainingNanos());
                if (wait <= 0) {
                    throw new TimeoutException("no task succeeded before the timeout");
                }
                try {
                    return pending.get(wait, TimeUnit.NANOSECONDS);
                } catch (TimeoutException | ExecutionException | CancellationException e) {
                    // not (yet) a success: look at every future again
                }
                slice = Math.min(slice * 2, ANY_SLICE_MAX);
            }
        } finally {
            for (Future<T> f : futures) {
                f.cancel(true); // a finished one stays as it is
            }
        }
    }

    /**
     * Submits every task, then waits for each in order with its future's {@code get}, which helps
     * on a worker of this pool; at the deadline, or if anything is thrown, cancels what is left.
     */
    private <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, Deadline d)
            throws InterruptedException {
        Args.notNull(tasks, "tasks");
        List<Future<T>> futures = new ArrayList<>(tasks.size());
        boolean done = false;
        try {
            for (Callable<T> t : tasks) {
                futures.add(submit(t)); // a null task: NullPointerException naming "task"
            }
            for (Future<T> f : futures) {
                if (f.isDone()) {
                    continue;
                }
                try {
                    if (d.isNever()) {
                        f.get();
                    } else {
                        f.get(d.remainingNanos(), TimeUnit.NANOSECONDS);
                    }
                } catch (CancellationException | ExecutionException ignored) {
                    // its outcome is in its future
                } catch (TimeoutException e) {
                    return futures; // the finally cancels the unfinished ones
                }
            }
            done = true;
            return futures;
        } finally {
            if (!done) {
                for (Future<T> f : futures) {
                    f.cancel(true);
                }
            }
        }
    }

    /**
     * A task's future as the view hands it out: the handle's, except that {@code cancel} also stops
     * a running task ({@link TaskHandle#cancelRunning}).
     */
    private static final class ViewFuture<T> implements Future<T> {
        private final TaskHandle<T> handle;

        ViewFuture(TaskHandle<T> handle) {
            this.handle = handle;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return handle.cancelRunning(mayInterruptIfRunning);
        }

        @Override
        public boolean isCancelled() {
            return handle.isCancelled();
        }

        @Override
        public boolean isDone() {
            return handle.isDone();
        }

        @Override
        public T get() throws InterruptedException, ExecutionException {
            return handle.get();
        }

        @Override
        public T get(long timeout, TimeUnit unit)
                throws InterruptedException, ExecutionException, TimeoutException {
            return handle.get(timeout, unit);
        }

        @Override
        public String toString() {
            return handle.toString();
        }
    }

    @Override
    public void shutdown() {
        pool.shutdown();
    }

    /** Returns the tasks that never started, as runnables that run their original bodies. */
    @Override
    public List<Runnable> shutdownNow() {
        List<Runnable> out = new ArrayList<>();
        for (TaskHandle<?> h : pool.shutdownNow()) {
            Object body = h.body();
            out.add(
                    body instanceof Runnable r
                            ? r
                            : body instanceof LongSupplier s // a joinLong half
                                    ? s::getAsLong
                                    : new FutureTask<>((Callable<?>) body));
        }
        return out;
    }

    @Override
    public boolean isShutdown() {
        return pool.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return pool.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        Args.notNull(unit, "unit");
        return pool.awaitTermination(Duration.ofNanos(unit.toNanos(timeout)));
    }

    @Override
    public void close() {
        pool.close();
    }

    @Override
    public String toString() {
        return "ExecutorService view of " + pool;
    }
}
