package dev.braid.sync;

import dev.braid.cancel.Deadline;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;

/**
 * The {@link ReadWriteLock} view of an {@link RwLock} ({@link RwLock#asReadWriteLock()}). The lock
 * keeps braid's semantics (phase-fair, poisoning, no reentrancy: a thread that read-locks twice
 * through this view gets {@link IllegalStateException}, which the view can detect because it tracks
 * each thread's read guard). {@code unlock()} without a hold throws {@link
 * IllegalMonitorStateException}. The write lock's conditions are {@link Condvar}s; the read lock
 * has none ({@link UnsupportedOperationException}, as in {@code ReentrantReadWriteLock}).
 */
final class RwLockView implements ReadWriteLock {
    private final RwLock<?> lock;
    private final ReadView read = new ReadView();
    private final WriteView write = new WriteView();

    RwLockView(RwLock<?> lock) {
        this.lock = lock;
    }

    @Override
    public Lock readLock() {
        return read;
    }

    @Override
    public Lock writeLock() {
        return write;
    }

    private static Deadline deadline(long time, TimeUnit unit) {
        return Deadline.after(Duration.ofNanos(unit.toNanos(time)));
    }

    private final class ReadView implements Lock {
        private final ThreadLocal<RwLockReadGuard<?>> guards = new ThreadLocal<>();

        private void refuseReentry() {
            if (guards.get() != null) {
                throw new IllegalStateException(
                        lock.label()
                                + " is already read-held by this thread: braid locks are not"
                                + " reentrant");
            }
        }

        @Override
        public void lock() {
            refuseReentry();
            guards.set(lock.read());
        }

        @Override
        public void lockInterruptibly() throws InterruptedException {
            refuseReentry();
            guards.set(lock.readInterruptibly());
        }

        @Override
        public boolean tryLock() {
            refuseReentry();
            var g = lock.tryRead();
            g.ifPresent(guards::set);
            return g.isPresent();
        }

        @Override
        public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
            refuseReentry();
            var g = lock.tryRead(deadline(time, unit));
            g.ifPresent(guards::set);
            return g.isPresent();
        }

        @Override
        public void unlock() {
            RwLockReadGuard<?> g = guards.get();
            if (g == null) {
                throw new IllegalMonitorStateException(
                        lock.label() + " is not read-held by this thread");
            }
            guards.remove();
            g.close();
        }

        @Override
        public Condition newCondition() {
            throw new UnsupportedOperationException("read locks have no conditions");
        }

        @Override
        public String toString() {
            return lock.label() + ".readLock()";
        }
    }

    private final class WriteView implements Lock, CondvarCondition.Holder {
        private RwLockWriteGuard<?> guard; // written and read only by the holder

        @Override
        public void lock() {
            guard = lock.write();
        }

        @Override
        public void lockInterruptibly() throws InterruptedException {
            guard = lock.writeInterruptibly();
        }

        @Override
        public boolean tryLock() {
            var g = lock.tryWrite();
            g.ifPresent(x -> guard = x);
            return g.isPresent();
        }

        @Override
        public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
            var g = lock.tryWrite(deadline(time, unit));
            g.ifPresent(x -> guard = x);
            return g.isPresent();
        }

        @Override
        public void unlock() {
            if (!lock.isWriteHeldByCurrentThread()) {
                throw new IllegalMonitorStateException(
                        lock.label() + " is not write-held by this thread");
            }
            RwLockWriteGuard<?> g = guard;
            if (g == null) {
                throw new IllegalMonitorStateException(
                        lock.label()
                                + " was write-locked by this thread through another view (each"
                                + " asReadWriteLock() call returns a new one): unlock it through"
                                + " the view that locked it");
            }
            guard = null;
            g.close();
        }

        @Override
        public Condition newCondition() {
            return new CondvarCondition(new Condvar(), this, lock.label());
        }

        @Override
        public boolean held() {
            return lock.isWriteHeldByCurrentThread();
        }

        @Override
        public ExclusiveGuard<?> guard() {
            return guard;
        }

        @Override
        public void restore(ExclusiveGuard<?> g) {
            guard = (RwLockWriteGuard<?>) g;
        }

        @Override
        public String toString() {
            return lock.label() + ".writeLock()";
        }
    }
}
