package dev.braid.testkit.internal;

import dev.braid.internal.rt.SimMemory;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;
import java.util.function.UnaryOperator;

/** The weak-memory model and happens-before tracker of one simulated run. */
final class MemoryModel {
    /*
     * Implementation notes
     *
     * Algorithm. An operational, view-based model in the style of the promise-free fragment of the
     * "promising" semantics and of CDSChecker/C11Tester: every atomic location keeps its stores in
     * modification order (mo); every thread keeps a View: a vector clock (happens-before) and, per
     * location, a coherence floor, the mo-newest store it has written, read, or learnt about through
     * synchronization. A load may read any store at or after its floor (a recorded choice; choice 0
     * is the newest, so a strategy that does not care gets sequentially consistent reads). A store
     * is placed anywhere in mo after the writer's floor (another recorded choice; 0 = the end): the
     * 2+2W and R shapes need a store ordered before stores that have already executed. A store is
     * never placed between a read-modify-write and the store it read (RMW atomicity); RMWs read the
     * newest store and go to the end of mo. Reads only see executed stores, so there is no load
     * buffering, as the JMM requires for opaque and stronger modes.
     *
     * Synchronization. A release store (or one after a release fence) carries a message: a copy of
     * the writer's view. An acquire load that reads it joins the message into its view, which gives
     * happens-before (clocks) and coherence (floors) at once; a relaxed load keeps it pending for a
     * later acquire fence. An RMW passes on the message of the store it read (release sequences).
     * Spawn, join, unpark-to-park and lock release-to-acquire are the same edge between threads.
     * braid-core's own objects are keyed views too (announced(): ADR 0130 at yield points, and
     * Rt.acquireFrom/releaseTo without one, ADR 0134: a join or poll that reads a completion
     * acquires only, as the acquire read it stands for).
     *
     * SeqCst. A global SC view holds floors only: every SEQ_CST access or fence first joins it and
     * then publishes its floors into it, and SEQ_CST stores go to the end of mo. When every access
     * is SEQ_CST each load therefore reads the newest store: the interleaving (SC) semantics, which
     * RC11 guarantees for such programs; SB, IRIW, 2+2W, R and S are forbidden exactly. The SC view
     * carries no clock, so it adds no happens-before between unrelated locations (no hidden races).
     * For programs that mix SEQ_CST with weaker accesses to the same location the model is a
     * sound-for-testing approximation of RC11's psc, not exact (docs/memory-ordering.md).
     *
     * Data races. Plain cells remember the last write and the reads since it, each as (thread,
     * epoch, stack); an access races with a remembered one of another thread whose epoch the
     * accessor's clock does not cover (FastTrack's check without its epoch compression).
     *
     * Determinism. Locations, plain cells and lock views are looked up in identity maps but never
     * iterated; every choice goes through the scheduler's log.
     *
     * References. Lahav, Vafeiadis, Kang, Hur, Dreyer, "Repairing sequential consistency in C/C++11"
     * (RC11, PLDI 2017); Kang et al., "A promising semantics for relaxed-memory concurrency" (POPL
     * 2017); Norris and Demsky, "CDSChecker" (OOPSLA 2013); Luo and Demsky, "C11Tester" (ASPLOS
     * 2021); Lahav, Giannarakis, Vafeiadis, "Taming release-acquire consistency" (POPL 2016); Bender
     * and Palsberg, "A formalization of Java's concurrent access modes" (OOPSLA 2019); Flanagan and
     * Freund, "FastTrack" (PLDI 2009).
     */

    /** One remembered access to a plain cell. */
    record Access(int task, int epoch, boolean write, List<StackTraceElement> site) {}

    /** A race between two accesses to a plain cell, {@code first} before {@code second}. */
    record Race(int cell, Access first, Access second) {}

    private static final class ThreadView {
        final View now = new View();
        View releaseFence;
        final View pendingAcquire = new View();
        final View unparks = new View();
    }

    private static final class PlainState {
        final int id;
        Access lastWrite;
        final List<Access> reads = new ArrayList<>(2);

        PlainState(int id) {
            this.id = id;
        }
    }

    private final IntUnaryOperator chooser;
    private final List<ThreadView> threads = new ArrayList<>();
    private final Map<Object, Location> locations = new IdentityHashMap<>();
    private final Map<Object, PlainState> plains = new IdentityHashMap<>();
    private final Map<Object, View> locks = new IdentityHashMap<>();
    private final View sc = new View();

    /** Whether a SEQ_CST access or fence touched the SC view since the last takeSeqCst(). */
    private boolean seqCstSeen;

    /** {@code chooser} maps an option count (at least 2) to a recorded choice in [0, count). */
    MemoryModel(IntUnaryOperator chooser) {
        this.chooser = chooser;
    }

    private int choose(int count) {
        return count <= 1 ? 0 : chooser.applyAsInt(count);
    }

    private ThreadView thread(int task) {
        while (threads.size() <= task) {
            ThreadView t = new ThreadView();
            t.now.tick(threads.size()); // epochs start at 1: clock 0 means "nothing seen"
            threads.add(t);
        }
        return threads.get(task);
    }

    private Location location(Object cell, Object current) {
        Location loc = locations.get(cell);
        if (loc == null) {
            loc = new Location(locations.size(), current);
            locations.put(cell, loc);
        }
        return loc;
    }

    private static boolean acquires(int order) {
        return order == SimMemory.ACQUIRE
                || order == SimMemory.ACQ_REL
                || order == SimMemory.SEQ_CST;
    }

    private static boolean releases(int order) {
        return order == SimMemory.RELEASE
                || order == SimMemory.ACQ_REL
                || order == SimMemory.SEQ_CST;
    }

    // ---- threads and synchronization edges ----

    /** {@code child} starts with everything {@code parent} knows. */
    void spawn(int parent, int child) {
        ThreadView p = thread(parent);
        thread(child).now.join(p.now);
        p.now.tick(parent);
    }

    /** {@code task} synchronizes with everything {@code other} has done so far (join). */
    void acquireFrom(int task, int other) {
        ThreadView o = thread(other);
        thread(task).now.join(o.now);
        o.now.tick(other);
    }

    void unpark(int task, int target) {
        ThreadView me = thread(task);
        thread(target).unparks.join(me.now);
        me.now.tick(task);
    }

    /** Returning from a park acquires what unparkers released to it. */
    void unparked(int task) {
        ThreadView me = thread(task);
        me.now.join(me.unparks);
    }

    /**
     * An operation of braid-core announced on {@code object}, a core object whose own memory
     * accesses the model does not see (a channel, a task handle, a token; ADR 0130): {@code
     * acquire} joins what earlier operations on it released, {@code release} publishes the caller's
     * view to later ones, as the volatile accesses and CASes inside it do.
     */
    void announced(int task, Object object, boolean acquire, boolean release) {
        if (acquire) {
            View released = locks.get(object);
            if (released != null) {
                thread(task).now.join(released);
            }
        }
        if (release) {
            lockReleased(task, object);
        }
    }

    /**
     * What was released into {@code from} is also released into {@code to}, joined with what was
     * there (ADR 0134: a CAS or swap by {@code task} that read {@code from}). The caller acquires
     * the clock of it only (ADR 0152): what those releasers did happens before what the caller does
     * next, as in production, while its coherence floors, and so the options of its later weak
     * loads, stay as they were and recorded choices keep their option counts.
     */
    void passOn(int task, Object from, Object to) {
        View released = locks.get(from);
        if (released == null) {
            return;
        }
        thread(task).now.joinClock(released);
        View into = locks.get(to);
        if (into == null) {
            locks.put(to, released.copy());
        } else {
            into.join(released);
        }
    }

    void lockAcquired(int task, Object lock) {
        thread(task).now.join(locks.get(lock));
    }

    void lockReleased(int task, Object lock) {
        ThreadView me = thread(task);
        View released = locks.get(lock);
        if (released == null) {
            locks.put(lock, me.now.copy());
        } else {
            released.assign(me.now); // no allocation per unlock; only this map holds the view
        }
        me.now.tick(task);
    }

    // ---- atomics ----

    Object load(int task, Object cell, Object current, int order) {
        ThreadView me = thread(task);
        Location loc = location(cell, current);
        boolean seqCst = order == SimMemory.SEQ_CST;
        if (seqCst) {
            me.now.joinFloors(sc);
        }
        Store floor = me.now.floor(loc);
        int lowest = floor == null ? 0 : floor.rank;
        int newest = loc.mo.size() - 1;
        Store s = loc.mo.get(newest - choose(newest - lowest + 1));
        readFrom(me, s, acquires(order));
        if (seqCst) {
            sc.joinFloors(me.now);
            seqCstSeen = true;
        }
        return s.value;
    }

    Object store(int task, Object cell, Object current, Object value, int order) {
        ThreadView me = thread(task);
        Location loc = location(cell, current);
        boolean seqCst = order == SimMemory.SEQ_CST;
        if (seqCst) {
            me.now.joinFloors(sc);
        }
        int position = loc.mo.size();
        if (!seqCst) {
            Store floor = me.now.floor(loc);
            int lowest = (floor == null ? 0 : floor.rank) + 1;
            // candidates, newest first: the end, then before each store after the floor, except
            // right before an RMW (it must stay adjacent to the store it read)
            int[] positions = new int[loc.mo.size() - lowest + 1];
            int n = 0;
            for (int p = loc.mo.size(); p >= lowest; p--) {
                if (p == loc.mo.size() || !loc.mo.get(p).rmw) {
                    positions[n++] = p;
                }
            }
            position = positions[choose(n)];
        }
        Store s = new Store(loc, value, task, false);
        loc.insert(position, s);
        publish(task, me, s, releases(order), null);
        if (seqCst) {
            sc.joinFloors(me.now);
            seqCstSeen = true;
        }
        return loc.last().value;
    }

    Object readModifyWrite(
            int task,
            Object cell,
            Object current,
            UnaryOperator<Object> update,
            int success,
            int failure) {
        ThreadView me = thread(task);
        Location loc = location(cell, current);
        boolean seqCst = success == SimMemory.SEQ_CST || failure == SimMemory.SEQ_CST;
        if (seqCst) {
            me.now.joinFloors(sc);
        }
        Store read = loc.last();
        Object next = update.apply(read.value);
        if (next == SimMemory.NO_WRITE) {
            readFrom(me, read, acquires(failure));
        } else {
            readFrom(me, read, acquires(success));
            Store s = new Store(loc, next, task, true);
            loc.insert(loc.mo.size(), s);
            publish(task, me, s, releases(success), read.message);
        }
        if (seqCst) {
            sc.joinFloors(me.now);
            seqCstSeen = true;
        }
        return read.value;
    }

    /**
     * Whether a SEQ_CST access or fence ran since the last call (which clears it): such a step does
     * not commute with another task's SEQ_CST step on any cell.
     */
    boolean takeSeqCst() {
        boolean seen = seqCstSeen;
        seqCstSeen = false;
        return seen;
    }

    void fence(int task, int order) {
        ThreadView me = thread(task);
        if (acquires(order)) {
            me.now.join(me.pendingAcquire);
        }
        if (order == SimMemory.SEQ_CST) {
            me.now.joinFloors(sc);
            sc.joinFloors(me.now);
            seqCstSeen = true;
        }
        if (releases(order)) {
            me.releaseFence = me.now.copy();
            me.now.tick(task);
        }
    }

    private static void readFrom(ThreadView me, Store s, boolean acquire) {
        me.now.see(s);
        if (s.message != null) {
            if (acquire) {
                me.now.join(s.message);
            } else {
                me.pendingAcquire.join(s.message);
            }
        }
    }

    private static void publish(int task, ThreadView me, Store s, boolean release, View sequence) {
        me.now.see(s);
        View message = release ? me.now.copy() : me.releaseFence;
        if (sequence != null) {
            message = message == null ? sequence : joined(message, sequence);
        }
        s.message = message;
        if (release) {
            me.now.tick(task);
        }
    }

    private static View joined(View a, View b) {
        View v = a.copy();
        v.join(b);
        return v;
    }

    // ---- data races ----

    /** Records an access to a plain cell; returns the race it makes, or null. */
    Race plainAccess(int task, Object cell, boolean write, List<StackTraceElement> site) {
        ThreadView me = thread(task);
        PlainState st = plains.get(cell);
        if (st == null) {
            st = new PlainState(plains.size() + 1);
            plains.put(cell, st);
        }
        Access access = new Access(task, me.now.clock(task), write, site);
        if (st.lastWrite != null && !ordered(me, st.lastWrite)) {
            return new Race(st.id, st.lastWrite, access);
        }
        if (write) {
            for (Access r : st.reads) {
                if (!ordered(me, r)) {
                    return new Race(st.id, r, access);
                }
            }
            st.lastWrite = access;
            st.reads.clear();
        } else {
            st.reads.removeIf(r -> r.task() == task);
            st.reads.add(access);
        }
        return null;
    }

    private static boolean ordered(ThreadView me, Access earlier) {
        return me.now.clock(earlier.task()) >= earlier.epoch();
    }
}
