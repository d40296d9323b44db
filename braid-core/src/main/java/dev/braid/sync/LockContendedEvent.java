package dev.braid.sync;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;

/**
 * JFR event for a braid lock acquisition that had to wait. Recorded only while a JFR recording with
 * this event enabled is running, and only for waits longer than the threshold (default 1 ms;
 * configurable like any JFR event, e.g. {@code dev.braid.LockContended#threshold=100 us}). Emitted
 * from the contended (slow) path only, so the uncontended path never touches it.
 */
@Name("dev.braid.LockContended")
@Label("braid Lock Contended")
@Category({"braid", "Locks"})
@Description("A thread waited for a braid lock (Mutex, RwLock) longer than the threshold")
@StackTrace(true)
@Threshold("1 ms")
final class LockContendedEvent extends jdk.jfr.Event {
    @Label("Lock")
    @Description("The lock's label: its kind and name, never its value")
    String lock;

    @Label("Mode")
    @Description("exclusive, read or write")
    String mode;

    @Label("Acquired")
    @Description("false when the wait ended by timeout or interrupt")
    boolean acquired;

    /** Starts timing a contended wait; cheap (allocation elided, no timing) when not recording. */
    static LockContendedEvent start() {
        LockContendedEvent e = new LockContendedEvent();
        e.begin();
        return e;
    }

    void finish(Object lock, String mode, boolean acquired) {
        end();
        if (shouldCommit()) {
            this.lock = Guards.label(lock);
            this.mode = mode;
            this.acquired = acquired;
            commit();
        }
    }
}
