package dev.braid.sync;

import dev.braid.internal.rt.Rt;
import dev.braid.internal.util.Args;

/**
 * Proof that the caller holds an {@link RwLock}'s write lock: exclusive access to the value until
 * closed or {@linkplain #downgrade() downgraded}. A closed guard refuses every use with {@link
 * IllegalStateException}. Belongs to the thread that acquired it: any other thread's use throws
 * {@link IllegalStateException} and leaves the lock held.
 *
 * @param <T> the protected value's type
 */
public final class RwLockWriteGuard<T> implements ExclusiveGuard<T> {
    private final RwLock<T> lock;
    private final Thread owner = Thread.currentThread();
    private final MutexGuard<Void> gate; // the upgrade gate, if this hold came from an upgrade
    private boolean closed;
    private boolean moved; // closed by an upgrade or downgrade: a later close() does nothing

    RwLockWriteGuard(RwLock<T> lock) {
        this(lock, null);
    }

    RwLockWriteGuard(RwLock<T> lock, MutexGuard<Void> gate) {
        this.lock = lock;
        this.gate = gate;
    }

    @Override
    public T get() {
        check();
        return lock.value;
    }

    @Override
    public T set(T value) {
        check();
        T old = lock.value;
        lock.value = value;
        return old;
    }

    /**
     * Poisons the lock: until cleared, {@link RwLock#read()} and {@link RwLock#write()} throw
     * {@link PoisonedException} with {@code cause}.
     *
     * @param cause why the value may be inconsistent
     * @throws NullPointerException if {@code cause} is null
     * @throws IllegalStateException if the guard is closed or belongs to another thread
     */
    @Override
    public void poison(Throwable cause) {
        Args.notNull(cause, "cause");
        check();
        lock.poison = cause;
        Rt.releaseTo(cause); // the testkit: isPoisoned() acquires from the poisoner
    }

    @Override
    public void clearPoison() {
        check();
        lock.poison = null;
    }

    /**
     * Turns this write hold into a read hold atomically: no writer can slip in between, and readers
     * queued behind this writer are admitted alongside. This guard is closed afterwards. If this
     * hold came from {@link RwLockUpgradableReadGuard#upgrade()}, the upgradable slot is given up
     * too (see {@link #downgradeToUpgradable()} to keep it).
     *
     * @return the read guard now holding the lock
     * @throws IllegalStateException if the guard is closed or belongs to another thread
     */
    public RwLockReadGuard<T> downgrade() {
        check();
        closed = true;
        moved = true;
        lock.downgrade();
        RwLockReadGuard<T> r = lock.readGuard(RwLock.CENTRAL);
        if (gate != null) {
            gate.close();
        }
        return r;
    }

    /**
     * Turns this write hold back into the upgradable read it was {@linkplain
     * RwLockUpgradableReadGuard#upgrade() upgraded} from, atomically: no writer can slip in
     * between, readers are admitted alongside, and a later {@code upgrade()} can write again. This
     * guard is closed afterwards.
     *
     * @return the upgradable read guard now holding the lock
     * @throws IllegalStateException if the guard is closed or belongs to another thread, or this
     *     hold did not come from an upgrade (use {@link #downgrade()})
     */
    public RwLockUpgradableReadGuard<T> downgradeToUpgradable() {
        check();
        if (gate == null) {
            throw new IllegalStateException(
                    "write guard of "
                            + lock.label()
                            + " did not come from upgrade(): downgrade() to a plain read instead");
        }
        closed = true;
        moved = true;
        lock.downgrade();
        return RwLockUpgrades.guard(lock, gate);
    }

    /**
     * Releases the write lock (and, for a hold that came from an upgrade, the upgradable slot).
     * After a downgrade, does nothing: the hold lives on in the guard it became, so {@code try (var
     * w = lock.write(); var r = w.downgrade())} closes both correctly.
     *
     * @throws IllegalStateException if the guard was already closed, or belongs to another thread
     *     (the lock then stays held)
     */
    @Override
    public void close() {
        if (moved) { // its hold lives on in the guard it became (try-with-resources closes both)
            Guards.checkOwner(owner, "write guard", lock);
            return;
        }
        check();
        closed = true;
        lock.unlockWrite();
        if (gate != null) {
            gate.close();
        }
    }

    RwLock<T> lockForWait() {
        check();
        return lock;
    }

    private void check() {
        if (closed) {
            throw new IllegalStateException(
                    "write guard of " + lock.label() + " used after it was closed");
        }
        Guards.checkOwner(owner, "write guard", lock);
    }

    /**
     * The lock and the guard's state, for example {@code RwLockWriteGuard[RwLock(cache), held by
     * "worker-1" (#31)]}. A snapshot read without synchronization.
     *
     * @return a description of this guard
     */
    @Override
    public String toString() {
        return "RwLockWriteGuard["
                + lock.label()
                + (closed ? ", closed]" : ", held by " + Guards.describe(owner) + "]");
    }
}
