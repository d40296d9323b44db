package dev.braid.sync;

import dev.braid.cancel.Deadline;
import dev.braid.internal.rt.Rt;
import java.time.Duration;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A JUC {@link Condition} backed by a {@link Condvar}, for the {@code Lock} views. As JUC requires,
 * every method throws {@link IllegalMonitorStateException} unless the caller holds the lock; waits
 * return holding it again.
 */
final class CondvarCondition implements Condition {
    private final Condvar condvar;
    private final BooleanSupplier held;
    private final Supplier<? extends ExclusiveGuard<?>> guard;
    private final String lockName;

    CondvarCondition(
            Condvar condvar,
            BooleanSupplier held,
            Supplier<? extends ExclusiveGuard<?>> guard,
            String lockName) {
        this.condvar = condvar;
        this.held = held;
        this.guard = guard;
        this.lockName = lockName;
    }

    private ExclusiveGuard<?> guard() {
        if (!held.getAsBoolean()) {
            throw new IllegalMonitorStateException(lockName + " is not held by this thread");
        }
        return guard.get();
    }

    @Override
    public void await() throws InterruptedException {
        condvar.await(guard());
    }

    @Override
    public void awaitUninterruptibly() {
        condvar.awaitUninterruptibly(guard());
    }

    @Override
    public long awaitNanos(long nanosTimeout) throws InterruptedException {
        ExclusiveGuard<?> g = guard();
        Deadline d = Deadline.after(Duration.ofNanos(nanosTimeout));
        condvar.await(g, d);
        long left = d.remainingNanos();
        return left > 0 ? left : d.nanoTime() - Rt.nanoTime();
    }

    @Override
    public boolean await(long time, TimeUnit unit) throws InterruptedException {
        ExclusiveGuard<?> g = guard();
        return !condvar.await(g, Deadline.after(Duration.ofNanos(unit.toNanos(time)))).timedOut();
    }

    @Override
    public boolean awaitUntil(Date deadline) throws InterruptedException {
        ExclusiveGuard<?> g = guard();
        long millis = deadline.getTime() - new Date().getTime();
        return !condvar.await(g, Deadline.after(Duration.ofMillis(millis))).timedOut();
    }

    @Override
    public void signal() {
        guard();
        condvar.notifyOne();
    }

    @Override
    public void signalAll() {
        guard();
        condvar.notifyAllWaiters();
    }
}
