package dev.braid.async;

import dev.braid.cancel.CancelScope;
import dev.braid.internal.rt.Rt;
import dev.braid.internal.rt.SimWait;
import dev.braid.internal.util.Args;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live tasks of one executor (tokio's OwnedTasks): spawning, the closed flag, cancel-all on
 * close, the live-task dump.
 */
final class TaskRegistry {
    /*
     * Implementation notes
     *
     * Algorithm. tokio's OwnedTasks: the live set is sharded intrusive doubly-linked lists, the
     * links being fields of RawTask, each shard guarded by its own monitor. A task goes to shard
     * (id & MASK) at spawn and leaves it at completion: one uncontended lock, a few field writes,
     * no allocation and no identity hash (the ConcurrentHashMap set this replaces allocated a
     * node, hashed by identity and CASed a shared size counter twice per task; ADR 0061).
     *
     * State. closed (volatile, set once); per shard: head (guarded by the shard). A critical
     * section only links or unlinks, or copies a shard into a list: no yield point, no call out,
     * so a simulated thread never parks holding a shard (the testkit cannot deadlock on it).
     *
     * Memory ordering. Monitors and volatiles are synchronization actions, totally ordered. A
     * spawn links, then reads closed; close() writes closed, then locks every shard: either the
     * spawn sees closed (and cancels its task) or close() sees the task. A completion unlinks,
     * then reads closed; close() writes closed, then isEmpty() locks every shard: either the
     * completer sees closed (and checks emptiness) or close()'s check sees the task gone.
     *
     * Observed. Under the testkit or with -Dbraid.async.observe=true the executor's tasks time
     * their polls (for TaskHandle.pollTime and the dump); otherwise only while a JFR recording
     * has the long-poll event on (RawTask reads the clock per poll only then).
     */

    /** Read once: time every poll of every executor (TaskHandle.pollTime, the dump). */
    static final boolean OBSERVE_ALL = Boolean.getBoolean("braid.async.observe");

    private static final int SHARDS = 16; // a power of two, >= a few times the cores of a box
    private static final int MASK = SHARDS - 1;

    /** One shard of the live set: a list threaded through the tasks' own links. */
    private static final class Shard {
        RawTask<?> head; // guarded by this
    }

    private final String executorName;
    final TaskScheduler scheduler;
    private final Shard[] shards = new Shard[SHARDS];
    private final AtomicLong ids = new AtomicLong();
    private volatile boolean closed;

    /** Whether this executor's tasks time their polls (testkit, or the system property). */
    final boolean observed;

    TaskRegistry(String executorName, TaskScheduler scheduler) {
        this.executorName = executorName;
        this.scheduler = scheduler;
        this.observed = OBSERVE_ALL || Rt.simulating();
        for (int i = 0; i < SHARDS; i++) {
            shards[i] = new Shard();
        }
    }

    String executorName() {
        return executorName;
    }

    <T> TaskHandle<T> spawn(String name, Async<T> future, CancelScope scope) {
        Args.notNull(future, "future");
        if (closed) {
            throw closedException();
        }
        long id = ids.incrementAndGet();
        RawTask<T> task = new RawTask<>(name, id, future, this, scope);
        link(task);
        TaskHandle<T> handle = new TaskHandle<>(task);
        scheduler.schedule(task);
        if (closed) { // close() raced with us and may have missed the task: cancel it here
            handle.cancel();
        }
        return handle;
    }

    private static Shard shardOf(Shard[] shards, RawTask<?> t) {
        return shards[(int) t.id & MASK];
    }

    private void link(RawTask<?> t) {
        Shard sh = shardOf(shards, t);
        synchronized (sh) {
            RawTask<?> h = sh.head;
            t.next = h;
            if (h != null) {
                h.prev = t;
            }
            sh.head = t;
        }
    }

    IllegalStateException closedException() {
        return new IllegalStateException(
                "executor '" + executorName + "' is closed: spawn tasks before close()");
    }

    /** Unlinks a completed task (idempotent: a task not linked is left alone). */
    void removed(RawTask<?> task) {
        Shard sh = shardOf(shards, task);
        synchronized (sh) {
            RawTask<?> p = task.prev;
            RawTask<?> n = task.next;
            if (p != null) {
                p.next = n;
            } else if (sh.head == task) {
                sh.head = n;
            } else {
                return; // not linked
            }
            if (n != null) {
                n.prev = p;
            }
            task.prev = null;
            task.next = null;
        }
    }

    boolean isEmpty() {
        for (Shard sh : shards) {
            synchronized (sh) {
                if (sh.head != null) {
                    return false;
                }
            }
        }
        return true;
    }

    int size() {
        return live().size();
    }

    /** A snapshot of the live tasks, shard by shard (each shard copied under its lock). */
    List<RawTask<?>> live() {
        List<RawTask<?>> out = new ArrayList<>();
        for (Shard sh : shards) {
            synchronized (sh) {
                for (RawTask<?> t = sh.head; t != null; t = t.next) {
                    out.add(t);
                }
            }
        }
        return out;
    }

    boolean isClosed() {
        return closed;
    }

    /** Marks closed and cancels every live task; false if it was closed already. */
    boolean close() {
        if (closed) {
            return false;
        }
        closed = true;
        for (RawTask<?> t : live()) {
            t.cancel(Interop.cancelledToken("executor '" + executorName + "' closed"));
        }
        return true;
    }

    List<String> dump() {
        List<RawTask<?>> ts = live();
        ts.sort(Comparator.comparingLong(t -> t.id));
        List<String> lines = new ArrayList<>(ts.size());
        for (RawTask<?> t : ts) {
            lines.add(t.describe());
        }
        return lines;
    }

    /**
     * Under the testkit only: what a driver thread parks on when no task is runnable: the first
     * live task (by id) that awaits a known resource, as a wait on that resource; else {@code
     * fallback}.
     */
    Object simBlocker(Object fallback) {
        RawTask<?> best = null;
        for (RawTask<?> t : live()) {
            if (t.simAwaiting != null && (best == null || t.id < best.id)) {
                best = t;
            }
        }
        if (best == null) {
            return fallback;
        }
        return new TaskAwaits(best.name(), best.simAwaiting);
    }

    /** A task's wait on a resource, as the testkit's deadlock report shows it. */
    private record TaskAwaits(String task, Object blocker) implements SimWait.Delegate {
        @Override
        public Object waitsOn() {
            return blocker;
        }

        @Override
        public String toString() {
            return "task '" + task + "' awaits " + blocker;
        }
    }
}
