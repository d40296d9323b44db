package dev.braid.sync;

import static dev.braid.sync.RwLock.CENTRAL;
import static dev.braid.sync.RwLock.QUEUED;
import static dev.braid.sync.RwLock.READER;
import static dev.braid.sync.RwLock.READERS;
import static dev.braid.sync.RwLock.READ_BLOCKERS;
import static dev.braid.sync.RwLock.UPGRADING;
import static dev.braid.sync.RwLock.WRITER;

import dev.braid.internal.rt.Op;
import dev.braid.internal.rt.Rt;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Optional;

/**
 * The upgradable reads of one {@link RwLock} ({@link RwLock#upgradableRead()}): the gate that
 * admits one upgradable reader at a time, and the acquisition, upgrade and downgrade paths. Created
 * the first time the lock is asked for an upgradable read, then kept; plain reads and writes never
 * touch it, except the central read release that must wake a waiting upgrader. The state word, its
 * bits and the rest of the protocol are described in RwLock's implementation notes.
 *
 * @param <T> the protected value's type
 */
final class RwLockUpgrades<T> {
    /*
     * Implementation notes
     *
     * Algorithm (ADR 0038). An upgradable reader holds `gate` (a Mutex, so at most one) and one
     * read hold counted in the lock's state word (never in a stripe). upgrade() turns that hold
     * into WRITER in one CAS once it is the only central reader (ignoring WWAIT, WSPIN and HANDOFF:
     * it is a holder, and its write release dispatches), setting UPGRADING meanwhile, then drains
     * the stripes like any claiming writer. No writer can come in between: its own central hold
     * keeps WRITER clear until the CAS that replaces it. Plain writers never touch the gate.
     * tryUpgrade() fails without waiting while striped readers hold, and if one comes in after its
     * claim it turns the claim back into its read hold (as a downgrade does) and fails.
     *
     * State. UPGRADING (bit 31 of the lock's state word) is set while the upgrader waits for the
     * other readers to leave: arriving readers hold back (it is one of READ_BLOCKERS), and the
     * central release that leaves it the only reader unparks `upgrader`. The upgrading CAS clears
     * it.
     *
     * Memory ordering. `upgrader` is written (volatile) before the getAndBitwiseOr that sets
     * UPGRADING; a releaser reads it after the getAndAdd that leaves one reader. Both pairs are
     * volatile accesses to the state word then to `upgrader` in opposite order (Dekker): either the
     * releaser sees the upgrader, or the upgrader's next look at the state sees the release, so the
     * wake-up cannot be lost. The upgrade CAS is an acquire like any write acquisition. The lock's
     * `upgrades` field is published by CAS before UPGRADING can be set, so a releaser that sees
     * UPGRADING also sees this object.
     *
     * Liveness. upgrade() ignores interrupts (status kept) and the ambient scope: it waits only for
     * read holds already taken, each of which is released in finite time or is the caller's own
     * (refused up front: it would wait for itself forever).
     *
     * Tradeoffs. One Mutex per lock that ever reads upgradably, allocated lazily; the gate makes a
     * second upgradable reader wait for the first even when neither upgrades (parking_lot's rule:
     * two upgraders could otherwise deadlock each waiting for the other's read).
     *
     * References. parking_lot's RawRwLock upgradable reads (A. d'Antras); the lock's own notes.
     */

    private static final VarHandle UPGRADES;

    static {
        try {
            UPGRADES =
                    MethodHandles.lookup()
                            .findVarHandle(RwLock.class, "upgrades", RwLockUpgrades.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final RwLock<T> lock;

    /** Held by the upgradable reader (at most one). */
    final Mutex<Void> gate;

    /** The upgradable reader parked in upgrade() until the other readers leave, or null. */
    private volatile Thread upgrader;

    RwLockUpgrades(RwLock<T> lock) {
        this.lock = lock;
        this.gate = Mutex.named(lock.label() + ".upgradable", null);
    }

    /** {@code lock}'s upgradable-read machinery, created on first use (then never again null). */
    @SuppressWarnings("unchecked") // the field holds only this lock's RwLockUpgrades<T>
    static <T> RwLockUpgrades<T> of(RwLock<T> lock) {
        RwLockUpgrades<T> u = lock.upgrades;
        if (u == null) {
            RwLockUpgrades<T> mine = new RwLockUpgrades<>(lock);
            u = (RwLockUpgrades<T>) UPGRADES.compareAndExchange(lock, null, mine);
            if (u == null) {
                u = mine;
            }
        }
        return u;
    }

    /**
     * Refuses an upgradable read the caller already holds, or one that could never upgrade because
     * the caller holds a read hold (or the write lock). {@code upgrades} may be null (none yet).
     */
    static void refuseReentry(RwLock<?> lock, RwLockUpgrades<?> upgrades) {
        ReadHolds.refuseReentry(lock, false);
        if (upgrades != null && upgrades.gate.isHeldByCurrentThread()) {
            throw new IllegalStateException(
                    lock.label()
                            + " already has an upgradable read (or a write upgraded from one) held"
                            + " by this thread: use that guard");
        }
        if (lock.readHolds.get().count() != 0) {
            throw new IllegalStateException(
                    lock.label()
                            + " is read-held by this thread, so an upgradable read could never"
                            + " upgrade (it would wait for that read): close the read guard first");
        }
    }

    /** Takes the gate and a central read hold, waiting as {@link RwLock#upgradableRead()} says. */
    RwLockUpgradableReadGuard<T> read() {
        MutexGuard<Void> g = gate.lock();
        try {
            acquireCentralRead();
            return enter(g);
        } catch (Throwable t) {
            g.close();
            throw t;
        }
    }

    /** Like {@link #read()}, but only if the gate and a read hold are available right now. */
    Optional<RwLockUpgradableReadGuard<T>> tryRead() {
        Optional<MutexGuard<Void>> og = gate.tryLock();
        if (og.isEmpty()) {
            return Optional.empty();
        }
        MutexGuard<Void> g = og.get();
        try {
            Rt.yieldPoint(Op.LOCK, lock);
            long s;
            while (((s = lock.stateVolatile()) & READ_BLOCKERS) == 0) {
                if (lock.casState(s, s + READER)) {
                    return Optional.of(enter(g));
                }
            }
        } catch (Throwable t) {
            g.close();
            throw t;
        }
        g.close();
        return Optional.empty();
    }

    /** A read hold counted in the state word, for an upgradable reader (ignores interrupts). */
    private void acquireCentralRead() {
        Rt.yieldPoint(Op.LOCK, lock);
        LockHooks.beforeBlocking(lock);
        long s;
        while (((s = lock.stateVolatile()) & READ_BLOCKERS) == 0) {
            if (lock.casState(s, s + READER)) {
                return;
            }
        }
        try {
            RwLockAcquisitions.acquireSlow(
                    lock, false, false, 0L, false); // a queued reader is counted centrally
        } catch (InterruptedException e) {
            throw new AssertionError("uninterruptible wait was interrupted", e);
        }
    }

    /** The caller holds the gate and a central read hold: checks poison, returns the guard. */
    private RwLockUpgradableReadGuard<T> enter(MutexGuard<Void> g) {
        lock.enterReadHold(CENTRAL, true);
        return guard(lock, g);
    }

    /** A guard for the caller's gate and (already taken) central read hold. */
    static <T> RwLockUpgradableReadGuard<T> guard(RwLock<T> lock, MutexGuard<Void> gate) {
        ReadHolds holds = lock.readHolds.get();
        holds.add(CENTRAL);
        return new RwLockUpgradableReadGuard<>(lock, gate, holds);
    }

    /**
     * Turns the caller's upgradable read hold (counted in the state word) into the write lock: once
     * it is the only central reader, one CAS replaces its READER unit with WRITER, so no writer can
     * come in between; meanwhile UPGRADING holds arriving readers back and makes the last other
     * central reader's release unpark it. Then drains the stripes like a claiming writer. Ignores
     * interrupts (status kept) and the scope: it waits only for holds already taken.
     */
    void upgrade(ReadHolds holds) {
        refuseOtherReadHolds(holds);
        Rt.yieldPoint(Op.LOCK, lock);
        boolean interrupted = false;
        boolean announced = false;
        while (true) {
            long s = lock.stateVolatile();
            if ((s & READERS) == READER) {
                // ignores WWAIT, WSPIN and HANDOFF: we hold the lock, and our release dispatches
                if (lock.casState(s, (s & ~UPGRADING) - READER + WRITER)) {
                    break;
                }
                continue;
            }
            if (!announced) {
                upgrader = Thread.currentThread(); // before UPGRADING: the releaser reads it after
                lock.orState(UPGRADING);
                announced = true;
                continue; // the last other reader may have left before it could see UPGRADING
            }
            Rt.park(lock);
            if (Thread.interrupted()) {
                interrupted = true;
            }
        }
        upgrader = null;
        holds.remove(CENTRAL);
        try {
            lock.awaitStripesDrained(false, 0L, false, false);
        } catch (InterruptedException e) {
            throw new AssertionError("uninterruptible wait was interrupted", e);
        }
        lock.writer = Thread.currentThread();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Like {@link #upgrade}, but only if no other reader holds right now; true once written. */
    boolean tryUpgrade(ReadHolds holds) {
        refuseOtherReadHolds(holds);
        Rt.yieldPoint(Op.LOCK, lock);
        RwLockStripes st0 = lock.stripes;
        if (st0 != null && st0.sum() != 0) { // striped readers hold: fail without disturbing them
            return false;
        }
        long s;
        while (((s = lock.stateVolatile()) & READERS) == READER) {
            if (lock.casState(s, s - READER + WRITER)) {
                RwLockStripes st = lock.stripes; // read after the claim, as in tryWrite
                if (st == null || st.sum() == 0) {
                    holds.remove(CENTRAL);
                    lock.writer = Thread.currentThread();
                    return true;
                }
                // a striped reader holds: back to our read hold, as a downgrade does
                long n = lock.addState(WRITER + READER);
                if ((n & QUEUED) != 0) {
                    lock.dispatch(true);
                }
                return false;
            }
        }
        return false;
    }

    /** Called by the central read release that leaves the upgrader the only reader. */
    void wakeUpgrader() {
        Thread u = upgrader; // read after the releasing RMW; set before UPGRADING was (Dekker)
        if (u != null) {
            Rt.unpark(u); // it is the one reader left: let it upgrade
        }
    }

    private void refuseOtherReadHolds(ReadHolds holds) {
        if (holds.count() != 1) {
            throw new IllegalStateException(
                    lock.label()
                            + " is read-held by this thread besides its upgradable read, so the"
                            + " upgrade would wait for itself forever: close those read guards"
                            + " first");
        }
    }
}
