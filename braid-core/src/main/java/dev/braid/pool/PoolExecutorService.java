package dev.braid.pool;

import dev.braid.internal.util.Args;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The {@link java.util.concurrent.ExecutorService} view of a {@link WorkStealingPool}: submissions
 * become pool tasks whose {@link TaskHandle}s are the futures; rejection after shutdown is a {@link
 * PoolClosedException}, a {@link java.util.concurrent.RejectedExecutionException}.
 */
final class PoolExecutorService extends AbstractExecutorService {
    private final WorkStealingPool pool;

    PoolExecutorService(WorkStealingPool pool) {
        this.pool = pool;
    }

    @Override
    public void execute(Runnable command) {
        pool.submit(Args.notNull(command, "command"));
    }

    @Override
    public Future<?> submit(Runnable task) {
        return pool.submit(Args.notNull(task, "task"));
    }

    @Override
    public <T> Future<T> submit(Runnable task, T result) {
        Args.notNull(task, "task");
        return pool.submit(
                () -> {
                    task.run();
                    return result;
                });
    }

    @Override
    public <T> Future<T> submit(Callable<T> task) {
        return pool.submit(Args.notNull(task, "task"));
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
