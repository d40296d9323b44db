package dev.braid.sync;

import java.util.Optional;

/**
 * Proof of an upgradable read hold on an {@link RwLock} ({@link RwLock#upgradableRead()}): read
 * access alongside plain readers, exclusive among upgradable readers, and the right to {@linkplain
 * #upgrade() upgrade} to the write lock with no writer in between. A closed guard refuses every use
 * with {@link IllegalStateException}. Belongs to the thread that acquired it: any other thread's
 * use throws {@link IllegalStateException} and leaves the lock held.
 *
 * @param <T> the protected value's type
 */
public final class RwLockUpgradableReadGuard<T> implements AutoCloseable {
    private final RwLock<T> lock;
    private final MutexGuard<Void> gate; // makes this the only upgradable reader
    private final ReadHolds holds; // the owner's record of its read holds
    private boolean closed;
    private boolean moved; // closed by an upgrade or downgrade: a later close() does nothing

    RwLockUpgradableReadGuard(RwLock<T> lock, MutexGuard<Void> gate, ReadHolds holds) {
        this.lock = lock;
        this.gate = gate;
        this.holds = holds;
    }

    /**
     * The protected value. Do not mutate it: plain readers may be reading it concurrently.
     *
     * @return the value
     * @throws IllegalStateException if the guard is closed or belongs to another thread
     */
    public T get() {
        check();
        return lock.value;
    }

    /**
     * Turns this hold into the write lock atomically: waits for the other readers to leave (holding
     * arriving readers back meanwhile), and no writer can take the lock in between. Ignores
     * interrupts (the status is kept) and the ambient scope: it waits only for read holds already
     * taken. This guard is closed afterwards; the returned guard can {@linkplain
     * RwLockWriteGuard#downgradeToUpgradable() go back}.
     *
     * @return the write guard now holding the lock
     * @throws IllegalStateException if the guard is closed or belongs to another thread, or this
     *     thread holds other read holds of the lock (the upgrade would wait for them forever)
     */
    public RwLockWriteGuard<T> upgrade() {
        check();
        RwLockUpgrades.of(lock).upgrade(holds);
        closed = true;
        moved = true;
        return new RwLockWriteGuard<>(lock, gate);
    }

    /**
     * The write lock if no other reader holds right now; else empty, and this guard still holds its
     * upgradable read.
     *
     * @return the write guard (this guard is then closed), or empty
     * @throws IllegalStateException if the guard is closed or belongs to another thread, or this
     *     thread holds other read holds of the lock
     */
    public Optional<RwLockWriteGuard<T>> tryUpgrade() {
        check();
        if (!RwLockUpgrades.of(lock).tryUpgrade(holds)) {
            return Optional.empty();
        }
        closed = true;
        moved = true;
        return Optional.of(new RwLockWriteGuard<>(lock, gate));
    }

    /**
     * Gives up the right to upgrade and keeps a plain read hold: another thread can then take an
     * upgradable read. This guard is closed afterwards.
     *
     * @return the plain read guard now holding the lock
     * @throws IllegalStateException if the guard is closed or belongs to another thread
     */
    public RwLockReadGuard<T> downgrade() {
        check();
        closed = true;
        moved = true;
        holds.remove(RwLock.CENTRAL);
        RwLockReadGuard<T> r = lock.readGuard(RwLock.CENTRAL);
        gate.close();
        return r;
    }

    /**
     * Releases the upgradable read hold. After an upgrade or a downgrade, does nothing: the hold
     * lives on in the guard it became, so {@code try (var u = lock.upgradableRead(); var w =
     * u.upgrade())} closes both correctly.
     *
     * @throws IllegalStateException if the guard was already closed, or belongs to another thread
     *     (the hold is then kept)
     */
    @Override
    public void close() {
        if (moved) { // its hold lives on in the guard it became (try-with-resources closes both)
            Guards.checkOwner(holds.thread, "upgradable read guard", lock);
            return;
        }
        check();
        closed = true;
        holds.remove(RwLock.CENTRAL);
        lock.unlockRead(RwLock.CENTRAL);
        gate.close();
    }

    private void check() {
        if (closed) {
            throw new IllegalStateException(
                    "upgradable read guard of " + lock.label() + " used after it was closed");
        }
        Guards.checkOwner(holds.thread, "upgradable read guard", lock);
    }

    /**
     * The lock and the guard's state, for example {@code RwLockUpgradableReadGuard[RwLock(cache),
     * held by "worker-1" (#31)]}. A snapshot read without synchronization.
     *
     * @return a description of this guard
     */
    @Override
    public String toString() {
        return "RwLockUpgradableReadGuard["
                + lock.label()
                + (closed ? ", closed]" : ", held by " + Guards.describe(holds.thread) + "]");
    }
}
