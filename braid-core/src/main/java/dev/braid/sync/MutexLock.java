package dev.braid.sync;

import dev.braid.cancel.Deadline;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * The {@link Lock} view of a {@link Mutex} ({@link Mutex#asLock()}). Same blocking, fairness and
 * happens-before as the mutex; JUC's contract where the two differ: {@code unlock()} by a thread
 * that does not hold the lock throws {@link IllegalMonitorStateException}. braid's rules still
 * apply: locking twice from one thread throws {@link IllegalStateException} (no reentrancy), and a
 * poisoned mutex throws {@link PoisonedException}. Conditions are {@link Condvar}s.
 */
final class MutexLock implements Lock, CondvarCondition.Holder {
    private final Mutex<?> mutex;
    private MutexGuard<?> guard; // written and read only by the holder

    MutexLock(Mutex<?> mutex) {
        this.mutex = mutex;
    }

    @Override
    public void lock() {
        guard = mutex.lock();
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        guard = mutex.lockInterruptibly();
    }

    @Override
    public boolean tryLock() {
        return mutex.tryLock().map(this::hold).isPresent();
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        Deadline d = Deadline.after(Duration.ofNanos(unit.toNanos(time)));
        return mutex.tryLock(d).map(this::hold).isPresent();
    }

    private MutexGuard<?> hold(MutexGuard<?> g) {
        guard = g;
        return g;
    }

    @Override
    public void unlock() {
        if (!mutex.isHeldByCurrentThread()) {
            throw new IllegalMonitorStateException(mutex.label() + " is not held by this thread");
        }
        MutexGuard<?> g = guard;
        if (g == null) {
            throw new IllegalMonitorStateException(
                    mutex.label()
                            + " was locked by this thread through another view (each asLock() call"
                            + " returns a new one): unlock it through the view that locked it");
        }
        guard = null;
        g.close();
    }

    @Override
    public Condition newCondition() {
        return new CondvarCondition(new Condvar(), this, mutex.label());
    }

    @Override
    public boolean held() {
        return mutex.isHeldByCurrentThread();
    }

    @Override
    public ExclusiveGuard<?> guard() {
        return guard;
    }

    @Override
    public void restore(ExclusiveGuard<?> g) {
        guard = (MutexGuard<?>) g;
    }

    @Override
    public String toString() {
        return mutex.label() + ".asLock()";
    }
}
