package dev.braid.pool;

import dev.braid.atomic.AtomicI32;
import dev.braid.atomic.Fences;
import dev.braid.atomic.Ordering;
import dev.braid.internal.rt.Op;
import dev.braid.internal.rt.Rt;

/**
 * Which workers search for work and which sleep, and the protocol that wakes a sleeper when work
 * appears without ever losing a wake-up.
 */
final class Idle {
    /*
     * Implementation notes
     *
     * Algorithm. tokio's idle protocol in a simpler form. A worker that finds no work registers as
     * a sleeper (its parkState SLEEPING, then sleepers + 1, then a SEQ_CST fence), re-checks every
     * queue once more by peeking, and only then parks. A producer makes work visible (a deque push
     * or an injector offer), issues a SEQ_CST fence, and reads `sleepers`: if some worker sleeps
     * and nobody is searching, it CASes one sleeper from SLEEPING to SEARCHING, counts it as a
     * searcher and unparks it (ADR 0048): later producers see the searcher and wake nobody else
     * until the woken worker hands the count back in stopSearching. wakeAll (shutdown) uses
     * NOTIFIED, which does not count as searching.
     *
     * No lost wake-up. Producer: write work; fence; read sleepers. Sleeper: write sleepers; fence;
     * read the queues. This is store buffering with SEQ_CST fences on both sides, so at least one
     * side sees the other: either the producer sees the sleeper (and wakes it, or a searcher is
     * running whose search ends in this same re-check), or the sleeper's re-check sees the work.
     * The re-check only peeks: a worker that sees work first leaves the sleeper count and then
     * takes it, so "every worker registered and all queues empty" really means quiescence, which
     * shutdown's termination test relies on.
     *
     * Throttling. At most about half of the workers search (steal) at once: beyond that a worker
     * without work goes straight to the sleeping path, whose re-check still sees any work. A worker
     * that saw work in its re-check may search regardless, so that sleeping cannot spin. When the
     * last searcher finds work it wakes one more sleeper, so that parallelism ramps up one worker
     * at a time as long as there is work to steal (tokio's "transition from searching"). And a
     * worker that takes an outside submission with more queued behind it calls notifyOne (Lea's
     * propagation, ADR 0107): the task it took may block, and without this a push that landed
     * while someone searched could be left to a worker that never comes back for it. With
     * injector runs (ADR 0118) the rest of a run on the claimer's deque counts as queued.
     *
     * Memory ordering. Counters are SEQ_CST (they take part in the fence pattern above); the park
     * state CAS is SEQ_CST; the woken worker reads its state with ACQUIRE, and the unpark itself is
     * a happens-before edge under the testkit.
     *
     * References. tokio's runtime/scheduler/multi_thread/idle.rs; Doug Lea's ForkJoinPool
     * (signalWork / awaitWork and its ctl word).
     */

    static final int AWAKE = 0;
    static final int SLEEPING = 1;
    static final int NOTIFIED = 2;

    /** Woken by {@link #notifyOne}: the worker already counts as searching. */
    static final int SEARCHING = 3;

    /** {@link #sleep}'s result: nothing seen, park ended by a wake-up or shutdown. */
    static final int WOKEN = 0;

    /** {@link #sleep}'s result: the re-check saw work; the worker may search past the throttle. */
    static final int SAW_WORK = 1;

    /** {@link #sleep}'s result: woken as a searcher; the caller must end with stopSearching. */
    static final int WOKEN_SEARCHING = 2;

    /**
     * Spin iterations before a worker parks (production only; 0 under the testkit). The system
     * property {@code braid.pool.idleSpins} overrides it (negative values count as 0): a benchmark
     * knob for A/B runs of the spin-versus-park trade-off, not a tuning promise.
     */
    private static final int SPINS = Math.max(0, Integer.getInteger("braid.pool.idleSpins", 256));

    private final AtomicI32 searching = new AtomicI32();
    private final AtomicI32 sleepers = new AtomicI32();
    private final Worker[] workers;

    Idle(Worker[] workers) {
        this.workers = workers;
    }

    /** Whether the caller may start searching (steal) now: fewer than about half search. */
    boolean tryStartSearching(boolean force) {
        if (!force && 2 * searching.load(Ordering.SEQ_CST) >= workers.length) {
            return false;
        }
        searching.fetchAdd(1, Ordering.SEQ_CST);
        return true;
    }

    /**
     * The caller stops searching; {@code found} says whether it found work. The last searcher to
     * find work wakes a sleeper, so that someone looks for the rest.
     */
    void stopSearching(boolean found) {
        int before = searching.fetchSub(1, Ordering.SEQ_CST);
        if (found && before == 1) {
            notifyOne();
        }
    }

    /** Called after work was made visible: wakes a sleeper unless a searcher will find it. */
    void notifyOne() {
        Fences.fence(Ordering.SEQ_CST); // orders the published work before reading the counters
        if (sleepers.load(Ordering.SEQ_CST) == 0 || searching.load(Ordering.SEQ_CST) > 0) {
            return;
        }
        int n = workers.length;
        int start = (int) ((Rt.nextLong() >>> 1) % n);
        for (int i = 0; i < n; i++) {
            Worker w = workers[(start + i) % n];
            if (w.parkState.compareExchange(SLEEPING, SEARCHING, Ordering.SEQ_CST, Ordering.SEQ_CST)
                    == SLEEPING) {
                // the woken worker counts as searching from now on (tokio, Go): producers that
                // come before it runs see a searcher and wake nobody else; it hands the count back
                // through stopSearching, which wakes the next sleeper if it found work. A worker
                // that was spinning may hand it back before this increment: the count is then one
                // low for a moment, which can only cause an extra wake-up, never a skipped one
                searching.fetchAdd(1, Ordering.SEQ_CST);
                Rt.yieldPoint(Op.UNPARK, w);
                Rt.unpark(w.thread);
                return;
            }
        }
    }

    /** Wakes every sleeper (shutdown). */
    void wakeAll() {
        for (Worker w : workers) {
            if (w.parkState.compareExchange(SLEEPING, NOTIFIED, Ordering.SEQ_CST, Ordering.SEQ_CST)
                    == SLEEPING) {
                Rt.unpark(w.thread);
            }
        }
    }

    /**
     * Parks the calling worker until there may be work. Returns {@link #SAW_WORK} if the worker saw
     * work in its re-check (and may search regardless of throttling), {@link #WOKEN_SEARCHING} if
     * {@link #notifyOne} woke it (it counts as searching), {@link #WOKEN} otherwise.
     */
    int sleep(Worker w) {
        w.parkState.store(SLEEPING, Ordering.SEQ_CST);
        sleepers.fetchAdd(1, Ordering.SEQ_CST);
        Fences.fence(Ordering.SEQ_CST); // orders the registration before the re-check
        boolean sawWork = w.pool.hasVisibleWork() || w.pool.lifecycle.isStopping();
        // a short spin before parking: bursts of submissions then cost no park/unpark pair
        for (int i = Rt.sim() == null ? SPINS : 0; i > 0 && !sawWork; i--) {
            Rt.spinWait();
            if ((i & 7) == 0) {
                sawWork = w.pool.hasVisibleWork();
            }
        }
        if (!sawWork) {
            w.pool.lifecycle.tryTerminate(sleepers.load(Ordering.SEQ_CST));
            WorkerParkedEvent event = null;
            while (w.parkState.load(Ordering.ACQUIRE) == SLEEPING
                    && !w.pool.lifecycle.isStopping()) {
                if (event == null) {
                    event = WorkerParkedEvent.start();
                }
                w.stats.park();
                Rt.yieldPoint(Op.PARK, this);
                Rt.park(this);
            }
            if (event != null) {
                event.finish(w.thread.getName(), !w.pool.lifecycle.isStopping());
            }
        }
        boolean counted = w.parkState.swap(AWAKE, Ordering.SEQ_CST) == SEARCHING;
        sleepers.fetchSub(1, Ordering.SEQ_CST);
        if (counted && w.pool.lifecycle.isStopping()) {
            searching.fetchSub(1, Ordering.SEQ_CST); // not going to search: give the count back
            counted = false;
        }
        return counted ? WOKEN_SEARCHING : sawWork ? SAW_WORK : WOKEN;
    }

    int searching() {
        return searching.load(Ordering.RELAXED);
    }

    int sleepers() {
        return sleepers.load(Ordering.RELAXED);
    }
}
