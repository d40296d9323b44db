package dev.braid.sync;

/**
 * {@link RwLock#toString()}'s text: the lock's label and a snapshot of its state, like the JDK's
 * locks describe themselves. Read without synchronization: a hint for logs and debuggers.
 */
final class RwLockDescription {
    /*
     * Implementation notes
     *
     * Split. Moved out of RwLock unchanged (no behaviour change) to keep RwLock under the house
     * rule's 1,000 lines; only the lock's toString() calls it, never a lock or unlock path.
     *
     * Memory ordering. None promised: the state word is read once (volatile), the other fields
     * (read holds, writer, upgrades, poison) after it, each on its own; the result may mix
     * instants, which is acceptable for a description.
     */

    private RwLockDescription() {}

    /** The description of {@code lock}, whose state word was {@code s}. */
    static String of(RwLock<?> lock, long s) {
        int readers = lock.readHolds();
        Thread w = lock.writer;
        StringBuilder b = new StringBuilder(lock.label()).append('[');
        if ((s & RwLock.WRITER) != 0) {
            b.append(w == null ? "write-claimed" : "write-locked by " + Guards.describe(w));
        } else if (readers != 0) {
            b.append(readers).append(readers == 1 ? " read hold" : " read holds");
        } else {
            b.append("unlocked");
        }
        RwLockUpgrades<?> u = lock.upgrades;
        if (u != null && u.gate.isLocked()) {
            b.append(", upgradable read held");
        }
        if ((s & RwLock.UPGRADING) != 0) {
            b.append(", upgrading");
        }
        if ((s & (RwLock.WWAIT | RwLock.WSPINS)) != 0) {
            b.append(", writer waiting");
        }
        if ((s & RwLock.QUEUED) != 0) {
            b.append(", threads queued");
        }
        Throwable p = lock.poison;
        if (p == Poison.RETIRED) {
            b.append(", retired");
        } else if (p != null) {
            b.append(", poisoned");
        }
        return b.append(']').toString();
    }
}
