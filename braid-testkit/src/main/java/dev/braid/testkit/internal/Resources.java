package dev.braid.testkit.internal;

import dev.braid.internal.rt.SimWait;
import dev.braid.sync.Barrier;
import dev.braid.sync.Lazy;
import dev.braid.sync.Mutex;
import dev.braid.sync.OnceCell;
import dev.braid.sync.RwLock;
import dev.braid.sync.Semaphore;
import dev.braid.testkit.SimResult;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who holds what, from {@code Rt.acquired}/{@code Rt.released}, and deterministic labels for
 * resources; builds the wait-for graph of a deadlock. The identity maps here are only ever looked
 * up, never iterated: reports walk the tasks in id order.
 */
final class Resources {
    private final Map<Object, Integer> numbers = new IdentityHashMap<>();
    private final Map<Object, List<Task>> holders = new IdentityHashMap<>();

    /** The resource's number in order of first appearance in this run (1, 2, ...). */
    int number(Object resource) {
        Integer n = numbers.get(resource);
        if (n == null) {
            n = numbers.size() + 1;
            numbers.put(resource, n);
        }
        return n;
    }

    void acquired(Task task, Object resource) {
        number(resource);
        holders.computeIfAbsent(resource, r -> new ArrayList<>(1)).add(task);
        task.held.add(resource);
    }

    void released(Task task, Object resource) {
        List<Task> list = holders.get(resource);
        if (list != null) {
            removeSame(list, task);
            if (list.isEmpty()) {
                holders.remove(resource);
            }
        }
        removeSame(task.held, resource);
    }

    private static <T> void removeSame(List<T> list, T item) {
        for (int i = list.size() - 1; i >= 0; i--) {
            if (list.get(i) == item) {
                list.remove(i);
                return;
            }
        }
    }

    /**
     * The resource behind a chain of {@link SimWait.Delegate} waits (a thread joins a task that
     * awaits a task that awaits a channel: the channel; probe16), or null; bounded, so a cycle of
     * delegates ends the walk.
     */
    private static Object unwrap(Object blocker) {
        for (int hops = 0; blocker instanceof SimWait.Delegate d && hops < 64; hops++) {
            blocker = d.waitsOn();
        }
        return blocker instanceof SimWait.Delegate ? null : blocker;
    }

    /** Tasks that hold {@code blocker}: its holders, or for a thread blocker that thread. */
    List<Task> holdersOf(Object blocker, List<Task> tasks) {
        blocker = unwrap(blocker); // an async task's wait: the holders of what it awaits
        if (blocker instanceof SimWait.AnyOf any) { // a select: whoever can end any clause
            List<Task> all = new ArrayList<>();
            for (Object on : any.waitsOnAny()) {
                for (Task t : holdersOf(on, tasks)) {
                    if (!all.contains(t)) {
                        all.add(t);
                    }
                }
            }
            return all;
        }
        if (blocker instanceof Thread thread) {
            for (Task t : tasks) {
                if (t.thread == thread) {
                    return List.of(t);
                }
            }
            return List.of();
        }
        List<Task> list = blocker == null ? null : holders.get(blocker);
        return list == null ? List.of() : list;
    }

    /** A label that does not depend on identity hash codes. */
    String label(Object blocker, List<Task> tasks) {
        if (blocker == null) {
            return "a park without blocker";
        }
        if (blocker instanceof Thread thread) {
            for (Task t : tasks) {
                if (t.thread == thread) {
                    return "join(" + t.name + ")";
                }
            }
            return "join(" + thread.getName() + ")";
        }
        String lock = lockLabel(blocker);
        if (lock != null) {
            return lock;
        }
        if (overridesToString(blocker.getClass())) {
            return String.valueOf(blocker);
        }
        String simple = blocker.getClass().getSimpleName();
        return (simple.isEmpty() ? blocker.getClass().getName() : simple) + "#" + number(blocker);
    }

    /** braid's sync types print their state in toString(): reports use their stable label. */
    private static String lockLabel(Object blocker) {
        return switch (blocker) {
            case Mutex<?> m -> m.label();
            case RwLock<?> l -> l.label();
            case Semaphore s -> s.label();
            case Barrier b -> b.label();
            case OnceCell<?> c -> c.label();
            case Lazy<?> z -> z.label();
            default -> null;
        };
    }

    private static boolean overridesToString(Class<?> type) {
        try {
            return type.getMethod("toString").getDeclaringClass() != Object.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /** The wait-for graph of the parked tasks, and one cycle through it if there is one. */
    SimResult.Deadlock deadlock(List<Task> tasks, String schedule, long steps) {
        List<Task> blocked = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (Task t : tasks) {
            if (t.alive()) {
                blocked.add(t);
                labels.add(label(t.blocker, tasks));
            }
        }
        // Two different resources with the same text get their run-local numbers appended.
        for (int i = 0; i < blocked.size(); i++) {
            for (int j = 0; j < blocked.size(); j++) {
                Object a = blocked.get(i).blocker;
                Object b = blocked.get(j).blocker;
                if (a != b && labels.get(i).equals(labels.get(j)) && a != null) {
                    labels.set(i, labels.get(i) + "#" + number(a));
                }
            }
        }
        List<SimResult.Wait> waits = new ArrayList<>();
        for (int i = 0; i < blocked.size(); i++) {
            Task t = blocked.get(i);
            List<String> names = new ArrayList<>();
            for (Task h : holdersOf(t.blocker, tasks)) {
                names.add(holderName(h));
            }
            waits.add(new SimResult.Wait(t.name, labels.get(i), names));
        }
        String cycle = cycle(blocked, labels, tasks);
        if (cycle.isEmpty()) {
            cycle = assumedCycle(blocked, labels, tasks);
        }
        return new SimResult.Deadlock(schedule, steps, waits, cycle);
    }

    /**
     * Whether {@code blocker} is a wait that any thread may end ({@link SimWait.Open}, a channel
     * side; for a select, any of its clauses) and no live thread has been seen to serve yet: then
     * every other live thread is assumed able to (ADR 0135).
     */
    boolean assumesServers(Object blocker, List<Task> tasks) {
        blocker = unwrap(blocker);
        if (blocker instanceof SimWait.AnyOf any) {
            for (Object on : any.waitsOnAny()) {
                if (assumesServers(on, tasks)) {
                    return true;
                }
            }
            return false;
        }
        if (!(blocker instanceof SimWait.Open)) {
            return false;
        }
        for (Task h : holdersOf(blocker, tasks)) {
            if (h.alive()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code blocker} waits for another thread's or task's progress as a whole: a join of a
     * thread, of a pool task or of an async task, or a thread driving a task ({@link
     * SimWait.Delegate}). Such a thread acts on no channel before that wait ends.
     */
    private static boolean isJoin(Object blocker) {
        return blocker instanceof Thread || blocker instanceof SimWait.Delegate;
    }

    /**
     * The cycle to report when no cycle runs through known holders only, but one runs through a
     * channel wait that no live thread has served yet (ADR 0135): such a wait is assumed to be
     * ended by any other blocked thread except one that is joining a thread or task or driving a
     * task (it acts on no channel before that ends). The shortest such cycle, the first in thread
     * order; empty if there is none.
     */
    private String assumedCycle(List<Task> blocked, List<String> labels, List<Task> tasks) {
        int n = blocked.size();
        boolean[][] edge = new boolean[n][n];
        boolean any = false;
        for (int i = 0; i < n; i++) {
            for (Task h : holdersOf(blocked.get(i).blocker, tasks)) {
                int j = blocked.indexOf(h);
                if (j >= 0 && j != i) {
                    edge[i][j] = true;
                }
            }
            if (assumesServers(blocked.get(i).blocker, tasks)) {
                for (int j = 0; j < n; j++) {
                    if (j != i && !edge[i][j] && !isJoin(blocked.get(j).blocker)) {
                        edge[i][j] = true;
                        any = true;
                    }
                }
            }
        }
        int[] best = null;
        for (int s = 0; any && s < n; s++) {
            int[] prev = new int[n];
            java.util.Arrays.fill(prev, -1);
            java.util.ArrayDeque<Integer> queue = new java.util.ArrayDeque<>();
            queue.add(s);
            prev[s] = s;
            int last = -1;
            while (!queue.isEmpty() && last < 0) {
                int u = queue.poll();
                for (int v = 0; v < n; v++) {
                    if (!edge[u][v]) {
                        continue;
                    }
                    if (v == s) {
                        last = u;
                        break;
                    }
                    if (prev[v] < 0) {
                        prev[v] = u;
                        queue.add(v);
                    }
                }
            }
            if (last >= 0) {
                int[] p = path(prev, s, last);
                if (best == null || p.length < best.length) {
                    best = p;
                }
            }
        }
        if (best == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (int i : best) {
            sb.append(blocked.get(i).name).append(" -> ").append(labels.get(i)).append(" -> ");
        }
        return sb.append(blocked.get(best[0]).name)
                .append(" (assumed: a channel side no live thread has used yet is served by the")
                .append(" thread after it)")
                .toString();
    }

    /** The nodes from {@code s} to {@code u} along {@code prev}, in order. */
    private static int[] path(int[] prev, int s, int u) {
        List<Integer> rev = new ArrayList<>();
        for (int v = u; v != s; v = prev[v]) {
            rev.add(v);
        }
        rev.add(s);
        int[] p = new int[rev.size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = rev.get(p.length - 1 - i);
        }
        return p;
    }

    /** A holder's name; one that ended says so, and names the throwable it died with. */
    private static String holderName(Task h) {
        if (h.alive()) {
            return h.name;
        }
        if (h.failure == null) {
            return h.name + " (finished)";
        }
        return h.name + " (died with " + h.failure + ")";
    }

    private String cycle(List<Task> blocked, List<String> labels, List<Task> tasks) {
        for (Task start : blocked) {
            List<Task> path = new ArrayList<>();
            Task t = start;
            while (t != null && !path.contains(t)) {
                path.add(t);
                Task next = null;
                for (Task h : holdersOf(t.blocker, tasks)) {
                    if (h != t && blocked.contains(h)) {
                        next = h;
                        break;
                    }
                }
                t = next;
            }
            if (t != null) {
                StringBuilder sb = new StringBuilder();
                for (int i = path.indexOf(t); i < path.size(); i++) {
                    Task p = path.get(i);
                    sb.append(p.name)
                            .append(" -> ")
                            .append(labels.get(blocked.indexOf(p)))
                            .append(" -> ");
                }
                return sb.append(t.name).toString();
            }
        }
        return "";
    }
}
