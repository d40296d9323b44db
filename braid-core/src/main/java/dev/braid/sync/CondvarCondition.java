package dev.braid.sync;

import dev.braid.cancel.Deadline;
import dev.braid.internal.rt.Rt;
import java.time.Duration;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;

/**
 * A JUC {@link Condition} backed by a {@link Condvar}, for the {@code Lock} views. As JUC requires,
 * every method throws {@link IllegalMonitorStateException} unless the caller holds the lock; waits
 * return holding it again. braid's rule on poison applies: a wait that finds the lock poisoned by
 * another thread while it waited throws {@link PoisonedException}, holding the lock.
 */
final class CondvarCondition implements Condition {
    /**
     * The lock view's side: who holds it, and its holder's guard. Other threads take and release
     * the lock while a holder waits, overwriting the view's guard field, so a wait saves the
     * waiter's guard and restores it once the lock is held again.
     */
    interface Holder {
        boolean held();

        ExclusiveGuard<?> guard();

        void restore(ExclusiveGuard<?> guard);
    }

    private final Condvar condvar;
    private final Holder holder;
    private final String lockName;

    CondvarCondition(Condvar condvar, Holder holder, String lockName) {
        this.condvar = condvar;
        this.holder = holder;
        this.lockName = lockName;
    }

    private ExclusiveGuard<?> guard() {
        if (!holder.held()) {
            throw new IllegalMonitorStateException(lockName + " is not held by this thread");
        }
        return holder.guard();
    }

    @Override
    public void await() throws InterruptedException {
        ExclusiveGuard<?> g = guard();
        try {
            condvar.await(g);
        } finally {
            holder.restore(g);
        }
    }

    @Override
    public void awaitUninterruptibly() {
        ExclusiveGuard<?> g = guard();
        try {
            condvar.awaitUninterruptibly(g);
        } finally {
            holder.restore(g);
        }
    }

    @Override
    public long awaitNanos(long nanosTimeout) throws InterruptedException {
        ExclusiveGuard<?> g = guard();
        Deadline d = Deadline.after(Duration.ofNanos(nanosTimeout));
        try {
            condvar.await(g, d);
        } finally {
            holder.restore(g);
        }
        long left = d.remainingNanos();
        return left > 0 ? left : d.nanoTime() - Rt.nanoTime();
    }

    @Override
    public boolean await(long time, TimeUnit unit) throws InterruptedException {
        ExclusiveGuard<?> g = guard();
        try {
            return !condvar.await(g, Deadline.after(Duration.ofNanos(unit.toNanos(time))))
                    .timedOut();
        } finally {
            holder.restore(g);
        }
    }

    /**
     * Waits until the wall-clock instant {@code deadline}. The instant is turned into a remaining
     * duration once, at entry, with the seam's wall clock; the wait itself runs on the monotonic
     * clock, so a wall-clock step during the wait (NTP, an operator) neither shortens nor extends
     * it. (JUC's {@code ConditionObject} re-reads the wall clock instead.) Under the testkit both
     * clocks are virtual.
     */
    @Override
    public boolean awaitUntil(Date deadline) throws InterruptedException {
        ExclusiveGuard<?> g = guard();
        Duration left = Duration.ofMillis(deadline.getTime()).minusMillis(Rt.currentTimeMillis());
        try {
            return !condvar.await(g, Deadline.after(left)).timedOut();
        } finally {
            holder.restore(g);
        }
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
