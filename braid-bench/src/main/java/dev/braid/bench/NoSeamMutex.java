package dev.braid.bench;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * The measurement control for ADR 0003 (the runtime seam): braid's {@code dev.braid.sync.Mutex}
 * lock and unlock paths with every {@code Rt.*} call removed, and nothing else changed. It exists
 * only so that {@link SeamCost} can compare the real mutex against the same algorithm without the
 * seam; it is not part of braid and must not be used anywhere else.
 *
 * <p>The uncontended fast paths are kept line-for-line with {@code Mutex} (one CAS to lock, the
 * owner store and the statistics null-check of {@code Mutex.enter}, the poison check; owner clear
 * and one CAS to unlock) and with {@code MutexGuard} (the closed-flag check on every use), so the
 * only difference the JIT sees on the measured path is the seam (and the lock-order hooks, which
 * fold the same way). The slow paths ({@code lockSlow}, {@code unlockSlow}) are the earlier,
 * simpler queueing algorithm; SeamCost is uncontended and never reaches them. {@code
 * Rt.yieldPoint}, {@code Rt.acquired} and {@code Rt.released} are deleted; {@code Rt.spinWait},
 * {@code Rt.park} and {@code Rt.unpark} are replaced by the JDK calls they make in production.
 * Poisoning through closures ({@code withLock}) and {@code tryLock} are left out: SeamCost measures
 * lock/unlock only. If {@code Mutex}'s algorithm changes, change this copy in the same commit.
 *
 * @param <T> the protected value's type
 */
final class NoSeamMutex<T> {
    private static final int LOCKED = 1;
    private static final int QUEUED = 2;
    private static final int QLOCK = 4;
    private static final int SPIN_LIMIT = 32;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(NoSeamMutex.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final class Waiter {
        final Thread thread;
        volatile boolean woken;
        Waiter next;

        Waiter(Thread thread) {
            this.thread = thread;
        }
    }

    @SuppressWarnings("unused") // accessed through STATE
    private volatile int state;

    private Waiter head; // guarded by QLOCK
    private Waiter tail; // guarded by QLOCK
    private final String name;

    T value; // guarded by LOCKED
    volatile Throwable poison; // written under LOCKED
    private Thread owner; // mirrors Mutex.owner (plain; written by the holder)
    private final Runnable counters = null; // mirrors Mutex.counters (null: not instrumented)

    NoSeamMutex(T value) {
        this.name = null;
        this.value = value;
    }

    Guard<T> lock() {
        if (!STATE.compareAndSet(this, 0, LOCKED)) {
            lockSlow();
        }
        return acquired();
    }

    @Override
    public String toString() {
        return name == null ? "NoSeamMutex" : "NoSeamMutex(" + name + ")";
    }

    private Guard<T> acquired() {
        owner = Thread.currentThread(); // as Mutex.enter: reentrancy detection
        Runnable c = counters; // as Mutex.enter: per-lock statistics, null unless instrumented
        if (c != null) {
            c.run();
        }
        Throwable p = poison;
        if (p != null) {
            unlock();
            throw new IllegalStateException(toString() + " is poisoned", p);
        }
        return new Guard<>(this);
    }

    void unlock() {
        owner = null;
        if (!STATE.compareAndSet(this, LOCKED, 0)) {
            unlockSlow();
        }
    }

    private void lockSlow() {
        boolean interrupted = false;
        int spins = 0;
        Waiter node = null;
        while (true) {
            int s = (int) STATE.getVolatile(this);
            if ((s & LOCKED) == 0) {
                if (STATE.compareAndSet(this, s, s | LOCKED)) {
                    break;
                }
                continue;
            }
            if ((s & QUEUED) == 0 && spins < SPIN_LIMIT) {
                spins++;
                Thread.onSpinWait();
                continue;
            }
            if ((s & QLOCK) != 0 || !STATE.compareAndSet(this, s, s | QLOCK | QUEUED)) {
                Thread.onSpinWait();
                continue;
            }
            if (node == null) {
                node = new Waiter(Thread.currentThread());
            } else {
                node.woken = false;
                node.next = null;
            }
            if (tail == null) {
                head = node;
            } else {
                tail.next = node;
            }
            tail = node;
            STATE.getAndBitwiseAnd(this, ~QLOCK); // volatile: publishes the queue edit
            while (!node.woken) {
                LockSupport.park(this);
                if (Thread.interrupted()) {
                    interrupted = true;
                }
            }
            spins = 0;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void unlockSlow() {
        while (true) {
            int s = (int) STATE.getVolatile(this);
            if ((s & QLOCK) != 0) {
                Thread.onSpinWait();
                continue;
            }
            if ((s & QUEUED) == 0) {
                if (STATE.compareAndSet(this, s, s & ~LOCKED)) {
                    return;
                }
                continue;
            }
            if (!STATE.compareAndSet(this, s, s | QLOCK)) {
                continue;
            }
            Waiter w = head;
            head = w.next;
            if (head == null) {
                tail = null;
            }
            STATE.setRelease(this, head == null ? 0 : QUEUED); // release: publishes section + queue
            w.woken = true;
            LockSupport.unpark(w.thread);
            return;
        }
    }

    /** {@code MutexGuard} without the seam: same closed-flag check on every use. */
    static final class Guard<T> implements AutoCloseable {
        private final NoSeamMutex<T> mutex;
        private boolean closed;

        Guard(NoSeamMutex<T> mutex) {
            this.mutex = mutex;
        }

        T get() {
            check();
            return mutex.value;
        }

        T set(T value) {
            check();
            T old = mutex.value;
            mutex.value = value;
            return old;
        }

        @Override
        public void close() {
            check();
            closed = true;
            mutex.unlock();
        }

        private void check() {
            if (closed) {
                throw new IllegalStateException("guard of " + mutex + " used after it was closed");
            }
        }
    }
}
