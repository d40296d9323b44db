package dev.braid.pool;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;

/**
 * JFR event for a pool worker that parked for lack of work. Recorded only while a JFR recording
 * with this event enabled is running, and only for parks longer than the threshold (default 1 ms;
 * e.g. {@code dev.braid.PoolWorkerParked#threshold=0 ms} records every park). Emitted from the
 * sleeping path only, never per task.
 */
@Name("dev.braid.PoolWorkerParked")
@Label("braid Pool Worker Parked")
@Category({"braid", "Pool"})
@Description("A work-stealing pool worker found no work and parked")
@StackTrace(false)
@Threshold("1 ms")
final class WorkerParkedEvent extends jdk.jfr.Event {
    @Label("Worker")
    @Description("The worker thread's name")
    String worker;

    @Label("Woken by work")
    @Description("true if a producer woke it, false if the pool stopped")
    boolean notified;

    /** Starts timing a park; cheap when not recording. */
    static WorkerParkedEvent start() {
        WorkerParkedEvent e = new WorkerParkedEvent();
        e.begin();
        return e;
    }

    void finish(String worker, boolean notified) {
        end();
        if (shouldCommit()) {
            this.worker = worker;
            this.notified = notified;
            commit();
        }
    }
}
