package dev.braid.internal.util;

import dev.braid.internal.rt.Rt;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The children of a structured scope ({@code Threads.scope}, {@code TaskScope}, a pool's {@code
 * PoolScope}) that its end must wait for, without keeping every child it ever had: an add that
 * finds the queue doubled since the last prune drops the children already finished (ADRs 0163,
 * 0168). A scope adds each child, polls them all at its end, and calls {@link #awaitPrune()} after
 * its last poll so that it happens-after the children a prune dropped.
 *
 * @param <E> what the scope keeps per child (its handle, or a handle with its registration)
 */
public final class ChildQueue<E> {
    /*
     * Implementation notes
     *
     * Algorithm. `queue` holds the children; `count` is how many were added minus how many a
     * prune dropped (poll and remove, made at the scope's end, leave it: it only paces pruning).
     * An add that brings `count` to `pruneAt` prunes: it walks the queue and unlinks each child
     * the `finished` predicate accepts (handing it to `dropped`, which a TaskScope uses to
     * deregister the child's callback on its token), then re-arms at twice the children kept, so
     * a child is visited O(1) times amortised however long the scope lives, and a scope with many
     * live children does not prune at every add.
     *
     * State. `pruneAt` is the threshold, or PRUNING while one add prunes. One pruner at a time:
     * the add that moves it from a threshold to PRUNING by CAS; others (which see PRUNING, or
     * lose the CAS) only append, and the next add past the new threshold prunes again.
     *
     * Memory ordering. Only finished children are dropped, and `finished` reads each one's
     * completion with acquire (and, under the testkit, acquires from the child's handle). The
     * pruner then releases into this queue (Rt.releaseTo, for the testkit) and ends with the
     * volatile write of `pruneAt`. awaitPrune() reads `pruneAt` (volatile) until it is not
     * PRUNING, then acquires from this queue: whoever calls it after draining the queue
     * happens-after every child, polled or dropped. The ConcurrentLinkedQueue does the rest: a
     * child is either unlinked by a prune (which saw it finished) or polled by the end; an
     * iterator's remove() and a poll() that meet on one node both leave it unlinked.
     *
     * Liveness. A prune is one pass over the queue; a predicate or hook that throws still
     * re-arms (finally), so awaitPrune() cannot wait for ever. awaitPrune() spins with a seam
     * yield: it only waits for an add made concurrently by a thread outside the scope's children
     * (theirs all finished before the end drained them), and that pass is short.
     *
     * Tradeoffs. One atomic add per child on the common path, no allocation but the queue's node;
     * a child is not unlinked as it finishes (that would be O(n) in the queue, or a node per child
     * in a list of its own: ADR 0168's alternatives).
     */

    /** The threshold a fresh queue, or one pruned down to few children, re-arms at. */
    static final int PRUNE_MIN = 64;

    private static final int PRUNING = Integer.MAX_VALUE;
    private static final VarHandle COUNT;
    private static final VarHandle PRUNE_AT;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            COUNT = l.findVarHandle(ChildQueue.class, "count", int.class);
            PRUNE_AT = l.findVarHandle(ChildQueue.class, "pruneAt", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ConcurrentLinkedQueue<E> queue = new ConcurrentLinkedQueue<>();
    private final Predicate<? super E> finished;
    private final Consumer<? super E> dropped;

    @SuppressWarnings("unused") // accessed through COUNT
    private volatile int count; // added minus pruned: the queue's length, roughly

    private volatile int pruneAt = PRUNE_MIN; // PRUNING while an add prunes

    /**
     * A queue that drops the children {@code finished} accepts.
     *
     * @param finished whether a child has finished; must be monotone (once true, always true)
     */
    public ChildQueue(Predicate<? super E> finished) {
        this(finished, child -> {});
    }

    /**
     * A queue that drops the children {@code finished} accepts and hands each to {@code dropped}.
     *
     * @param finished whether a child has finished; must be monotone (once true, always true)
     * @param dropped called on the pruning thread with each child a prune dropped
     */
    public ChildQueue(Predicate<? super E> finished, Consumer<? super E> dropped) {
        this.finished = Args.notNull(finished, "finished");
        this.dropped = Args.notNull(dropped, "dropped");
    }

    /**
     * Appends {@code child} (a volatile write: a scope may read its "ended" flag next, as a Dekker
     * pair with its end), then prunes if the queue has doubled since the last prune.
     *
     * @param child the child
     */
    public void add(E child) {
        queue.add(child);
        if ((int) COUNT.getAndAdd(this, 1) + 1 >= pruneAt) {
            prune();
        }
    }

    /**
     * Takes the oldest child out, for the scope's end.
     *
     * @return the child, or null if none is left
     */
    public E poll() {
        return queue.poll();
    }

    /**
     * Takes {@code child} out again (a spawn that found the scope ended).
     *
     * @param child the child
     * @return whether it was still in the queue
     */
    public boolean remove(E child) {
        return queue.remove(child);
    }

    /**
     * Runs {@code action} on each child still in the queue (weakly consistent, as the queue's
     * iterator: children added or dropped meanwhile may or may not be seen).
     *
     * @param action what to do with each child
     */
    public void forEach(Consumer<? super E> action) {
        queue.forEach(action);
    }

    /**
     * How many children the queue holds now (a traversal: for debugging output only).
     *
     * @return the number of children not yet dropped or polled
     */
    public int size() {
        return queue.size();
    }

    /**
     * Waits out a prune in progress and acquires what it read: called after the last {@link
     * #poll()}, it makes the caller happen-after every child a prune dropped.
     */
    public void awaitPrune() {
        while (pruneAt == PRUNING) { // acquire: the pruner's reads of the dropped children
            Rt.yieldNow(); // only an add from outside the scope's children can still prune
        }
        Rt.acquireFrom(this); // the testkit: the same edge
    }

    /** The threshold at which the next add prunes, or {@code Integer.MAX_VALUE} while pruning. */
    int pruneAt() {
        return pruneAt;
    }

    /** Drops the finished children (see the notes: Algorithm). */
    private void prune() {
        int at = pruneAt;
        if (at == PRUNING || !PRUNE_AT.compareAndSet(this, at, PRUNING)) {
            return; // another add prunes
        }
        int kept = 0;
        int removed = 0;
        try {
            for (Iterator<E> it = queue.iterator(); it.hasNext(); ) {
                E child = it.next();
                if (finished.test(child)) {
                    it.remove();
                    removed++;
                    dropped.accept(child);
                } else {
                    kept++;
                }
            }
        } finally {
            COUNT.getAndAdd(this, -removed);
            Rt.releaseTo(this); // the testkit: what the dropped children did, on to awaitPrune()
            pruneAt = Math.max(PRUNE_MIN, 2 * kept); // volatile: releases the reads to awaitPrune
        }
    }
}
