package dev.braid.async;

import dev.braid.cancel.CancelScope;
import dev.braid.internal.rt.SimWait;
import dev.braid.internal.util.Args;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live tasks of one executor (tokio's OwnedTasks): spawning, the closed flag, cancel-all on
 * close, the live-task dump.
 */
final class TaskRegistry {
    private final String executorName;
    private final TaskScheduler scheduler;
    private final Set<RawTask<?>> live = ConcurrentHashMap.newKeySet();
    private final AtomicLong ids = new AtomicLong();
    private volatile boolean closed;

    TaskRegistry(String executorName, TaskScheduler scheduler) {
        this.executorName = executorName;
        this.scheduler = scheduler;
    }

    <T> TaskHandle<T> spawn(String name, Async<T> future, CancelScope scope) {
        Args.notNull(future, "future");
        if (closed) {
            throw closedException();
        }
        long id = ids.incrementAndGet();
        String n = name != null ? name : executorName + "-task-" + id;
        RawTask<T> task = new RawTask<>(n, id, future, scheduler, scope);
        live.add(task);
        TaskHandle<T> handle = new TaskHandle<>(task);
        scheduler.schedule(task);
        if (closed) { // close() raced with us and may have missed the task: cancel it here
            handle.cancel();
        }
        return handle;
    }

    IllegalStateException closedException() {
        return new IllegalStateException(
                "executor '" + executorName + "' is closed: spawn tasks before close()");
    }

    void removed(RawTask<?> task) {
        live.remove(task);
    }

    boolean isEmpty() {
        return live.isEmpty();
    }

    int size() {
        return live.size();
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
        for (RawTask<?> t : live) {
            t.cancel(Interop.cancelledToken("executor '" + executorName + "' closed"));
        }
        return true;
    }

    List<String> dump() {
        List<RawTask<?>> ts = new ArrayList<>(live);
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
        for (RawTask<?> t : live) {
            if (t.simAwaiting != null && (best == null || t.id < best.id)) {
                best = t;
            }
        }
        if (best == null) {
            return fallback;
        }
        return new TaskAwaits(best.name, best.simAwaiting);
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
