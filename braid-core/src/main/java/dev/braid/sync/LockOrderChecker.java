package dev.braid.sync;

import dev.braid.internal.util.Args;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.Consumer;

/**
 * An opt-in checker that finds lock-order deadlocks <em>before</em> they happen. While enabled, it
 * records, per thread, which braid locks ({@link Mutex}, {@link RwLock}, read and write holds
 * alike, and {@link Semaphore} permits) are held, and adds an edge {@code A -> B} to a global
 * lock-order graph whenever a thread acquires {@code B} while holding {@code A}, remembering the
 * stack of that acquisition. If a new edge would close a cycle, the acquisition is a potential
 * deadlock: some interleaving of the threads that established the two orders blocks forever. The
 * checker reports a {@link LockOrderViolation} naming both locks, with the current stack and the
 * stack of the earlier, conflicting acquisition — even if this run never deadlocks. Re-acquiring a
 * lock already held (a read hold included) is reported too.
 *
 * <p>Use in tests and staging: {@link #enable()} throws the violation from the acquiring call (the
 * lock is then not taken); {@link #enable(Consumer)} passes it to a reporter and lets the
 * acquisition proceed. Only blocking and timed acquisitions are checked ({@code tryLock()} cannot
 * deadlock), but every successful acquisition counts as held. While disabled the checker costs
 * nothing: the hooks fold away in the JIT.
 *
 * <p>RwLock read holds are nodes like exclusive holds: with writer preference, two readers taking
 * two RwLocks in opposite orders can deadlock behind queued writers, so read-read inversions are
 * real. The graph holds locks weakly (a collected lock's edges stay as labels only).
 *
 * <p><b>Semaphores.</b> {@link Semaphore} permits taken by {@link Semaphore#acquire} or a timed
 * {@code tryAcquire} count as held by the acquiring thread until their {@link Permits} are closed
 * or forgotten — by that thread or by any other (permits may be handed over): a semaphore held
 * while taking a lock, or taken while holding one, is a node of the graph like a lock, and an
 * inversion between, say, a connection-pool semaphore and a mutex is reported. Taking more permits
 * of a semaphore the thread already holds permits of is not reported (with enough permits that is
 * not a deadlock; exhausting a pool this way is a resource deadlock the testkit finds, not a lock
 * order). Raw {@link Semaphore#release(int)} is a signal, not a return of held permits, and is not
 * tracked.
 *
 * <p><b>Adding a primitive.</b> A new blocking primitive joins by calling the package's hooks —
 * {@code LockHooks.beforeBlocking(this)} before a blocking or timed acquisition, {@code
 * LockHooks.acquired(this)} after every successful one, and {@code LockHooks.released(this)} on
 * release — exactly as Mutex and RwLock do (Semaphore uses the Permits variants).
 *
 * <p>Guava's {@code CycleDetectingLockFactory} is the precedent; unlike it, braid treats RwLock
 * reads precisely as above and needs no special lock factory.
 */
public final class LockOrderChecker {
    private static final Object GRAPH = new Object();
    private static final Map<Object, Node> NODES = new WeakHashMap<>(); // guarded by GRAPH
    private static volatile Consumer<? super LockOrderViolation> reporter;
    private static volatile long generation;
    private static final ThreadLocal<Held> HELD = ThreadLocal.withInitial(Held::new);

    private LockOrderChecker() {}

    private static final class Node {
        final String label;
        final Map<Node, Throwable> out = new LinkedHashMap<>(); // edge -> where it was first seen

        Node(String label) {
            this.label = label;
        }
    }

    private static final class Held {
        long generation;
        final List<Object> locks = new ArrayList<>();
    }

    /** Enables checking; a violation is thrown from the acquiring call, which does not acquire. */
    public static void enable() {
        enable(
                v -> {
                    throw v;
                });
    }

    /**
     * Enables checking; violations go to {@code reporter} and the acquisition proceeds.
     *
     * @param reporter receives every violation
     * @throws NullPointerException if {@code reporter} is null
     */
    public static void enable(Consumer<? super LockOrderViolation> reporter) {
        Args.notNull(reporter, "reporter");
        LockOrderChecker.reporter = reporter;
        LockHooks.setChecking(true);
    }

    /** Disables checking. The graph is kept until {@link #reset()}. */
    public static void disable() {
        LockHooks.setChecking(false);
    }

    /**
     * Whether checking is enabled.
     *
     * @return whether checking is enabled
     */
    public static boolean isEnabled() {
        return LockHooks.checking();
    }

    /** Forgets the lock-order graph and every thread's held locks. */
    public static void reset() {
        synchronized (GRAPH) {
            NODES.clear();
            generation++;
        }
    }

    // ---- hooks (called through LockHooks) ----

    static void beforeAcquire(Object lock) {
        List<Object> held = held();
        if (held.isEmpty()) {
            return;
        }
        List<LockOrderViolation> found = new ArrayList<>(1);
        synchronized (GRAPH) {
            Node to = node(lock);
            for (int i = 0; i < held.size(); i++) {
                Object h = held.get(i);
                if (h instanceof Permits p) {
                    if (p.isReleased()) { // closed by another thread: no longer ours
                        held.remove(i--);
                        continue;
                    }
                    h = p.semaphore();
                    if (h == lock) {
                        continue; // more permits of a semaphore we hold: not an order (see above)
                    }
                }
                if (h == lock) {
                    found.add(
                            new LockOrderViolation(
                                    "potential deadlock: thread '"
                                            + Thread.currentThread().getName()
                                            + "' acquires "
                                            + to.label
                                            + " while already holding it (braid locks are not"
                                            + " reentrant)",
                                    to.label,
                                    to.label,
                                    null));
                    continue;
                }
                Node from = node(h);
                if (from.out.containsKey(to)) {
                    continue;
                }
                List<Node> path = path(to, from);
                if (path == null) {
                    from.out.put(to, site(from, to));
                } else {
                    found.add(violation(from, to, path));
                }
            }
        }
        Consumer<? super LockOrderViolation> r = reporter;
        for (LockOrderViolation v : found) {
            r.accept(v);
        }
    }

    /** {@code lock} is a Mutex or RwLock, or the {@link Permits} taken from a Semaphore. */
    static void acquired(Object lock) {
        List<Object> held = held();
        held.removeIf(h -> h instanceof Permits p && p.isReleased()); // closed elsewhere
        held.add(lock);
    }

    static void released(Object lock) {
        List<Object> held = held();
        for (int i = held.size() - 1; i >= 0; i--) {
            if (held.get(i) == lock) {
                held.remove(i);
                return;
            }
        }
    }

    // ---- internals ----

    private static List<Object> held() {
        Held h = HELD.get();
        long g = generation;
        if (h.generation != g) {
            h.generation = g;
            h.locks.clear();
        }
        return h.locks;
    }

    private static Node node(Object lock) {
        return NODES.computeIfAbsent(lock, l -> new Node(Guards.label(l)));
    }

    private static Throwable site(Node from, Node to) {
        return new Throwable(
                "earlier: thread '"
                        + Thread.currentThread().getName()
                        + "' acquired "
                        + to.label
                        + " while holding "
                        + from.label);
    }

    /** A path of edges from {@code start} to {@code goal}, as its nodes, or null. */
    private static List<Node> path(Node start, Node goal) {
        Map<Node, Node> parent = new LinkedHashMap<>();
        Set<Node> seen = new HashSet<>();
        Deque<Node> work = new ArrayDeque<>();
        work.add(start);
        seen.add(start);
        while (!work.isEmpty()) {
            Node n = work.poll();
            if (n == goal) {
                List<Node> p = new ArrayList<>();
                for (Node x = goal; x != null; x = parent.get(x)) {
                    p.addFirst(x);
                }
                return p;
            }
            for (Node m : n.out.keySet()) {
                if (seen.add(m)) {
                    parent.put(m, n);
                    work.add(m);
                }
            }
        }
        return null;
    }

    private static LockOrderViolation violation(Node from, Node to, List<Node> path) {
        StringBuilder cycle = new StringBuilder(from.label);
        for (Node n : path) {
            cycle.append(" -> ").append(n.label);
        }
        Throwable earlier = path.get(0).out.get(path.get(1));
        return new LockOrderViolation(
                "potential deadlock: thread '"
                        + Thread.currentThread().getName()
                        + "' acquires "
                        + to.label
                        + " while holding "
                        + from.label
                        + ", but the opposite order was seen before ("
                        + earlier.getMessage().substring("earlier: ".length())
                        + "); lock-order cycle: "
                        + cycle,
                to.label,
                from.label,
                earlier);
    }
}
