package dev.braid.testkit.bench;

import dev.braid.atomic.AtomicI32;
import dev.braid.atomic.Ordering;
import dev.braid.sync.Condvar;
import dev.braid.sync.Mutex;
import dev.braid.sync.MutexGuard;
import dev.braid.testkit.SimBody;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.util.ArrayList;
import java.util.List;

/**
 * The bug benchmark: small programs with planted concurrency bugs of known kinds, and bug-free
 * controls. Each program throws (or deadlocks) exactly when its bug shows.
 */
public final class BugPrograms {
    private BugPrograms() {}

    /**
     * One benchmark program.
     *
     * @param name its name in the table
     * @param kind what kind of bug it plants ("control" for none)
     * @param body the program
     */
    record Program(String name, String kind, SimBody body) {
        boolean control() {
            return kind.equals("control");
        }
    }

    static List<Program> all() {
        List<Program> p = new ArrayList<>();
        p.add(new Program("lost-update", "atomicity, 1 preemption", BugPrograms::lostUpdate));
        p.add(new Program("split-lock-3", "atomicity, 3 threads", BugPrograms::splitLock3));
        p.add(new Program("check-then-act", "atomicity", BugPrograms::checkThenAct));
        p.add(new Program("lazy-init", "atomicity (double init)", BugPrograms::lazyInit));
        p.add(new Program("bank-audit", "atomicity, invariant", BugPrograms::bankAudit));
        p.add(new Program("ring-2", "2 preemptions", () -> ring(2)));
        p.add(new Program("ring-3", "3 preemptions", () -> ring(3)));
        p.add(new Program("ring-4", "4 preemptions", () -> ring(4)));
        p.add(new Program("use-before-init", "order violation", BugPrograms::useBeforeInit));
        p.add(new Program("use-after-close", "order violation", BugPrograms::useAfterClose));
        p.add(new Program("abba", "deadlock, 2 locks", BugPrograms::abba));
        p.add(new Program("three-lock-cycle", "deadlock, 3 locks", BugPrograms::threeLockCycle));
        p.add(new Program("lost-wakeup", "lost wake-up (condvar)", BugPrograms::lostWakeup));
        p.add(new Program("if-not-while", "lost wake-up (if, not while)", BugPrograms::ifNotWhile));
        p.add(new Program("runs-last", "a thread must run last", BugPrograms::runsLast));
        p.add(new Program("starved-long", "a thread starved 24 steps", BugPrograms::starvedLong));
        p.add(new Program("window-deep", "order, 3 constraints", BugPrograms::windowDeep));
        p.add(new Program("ctrl-atomic", "control", BugPrograms::atomicCounter));
        p.add(new Program("ctrl-mutex-3", "control", BugPrograms::mutexCounter3));
        p.add(new Program("ctrl-ordered-locks", "control", BugPrograms::orderedLocks));
        p.add(new Program("ctrl-condvar", "control", BugPrograms::condvarHandshake));
        p.add(new Program("ctrl-ring-locked", "control", BugPrograms::ringLocked));
        p.addAll(channelPoolAsync());
        return p;
    }

    /**
     * The programs over channels, select, the pool and async tasks (bugs and their correct twins).
     */
    static List<Program> channelPoolAsync() {
        List<Program> p = new ArrayList<>(ChannelBugPrograms.all());
        p.addAll(PoolBugPrograms.all());
        p.addAll(AsyncBugPrograms.all());
        return p;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new AssertionError(message);
        }
    }

    private static void joinAll(List<JoinHandle<Void>> hs) throws InterruptedException {
        for (JoinHandle<Void> h : hs) {
            h.join();
        }
    }

    private static List<JoinHandle<Void>> spawn(int n, java.util.function.IntConsumer body) {
        List<JoinHandle<Void>> hs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int me = i;
            hs.add(Threads.spawn(() -> body.accept(me)));
        }
        return hs;
    }

    static void lostUpdate() throws InterruptedException {
        AtomicI32 x = new AtomicI32(0);
        joinAll(spawn(2, i -> x.store(x.load(Ordering.SEQ_CST) + 1, Ordering.SEQ_CST)));
        check(x.load(Ordering.SEQ_CST) == 2, "lost update");
    }

    static void splitLock3() throws InterruptedException {
        Mutex<Integer> m = Mutex.named("count", 0);
        joinAll(
                spawn(
                        3,
                        i -> {
                            int read = m.withLock(v -> v);
                            m.update(v -> read + 1);
                        }));
        check(m.withLock(v -> v) == 3, "lost update under a split lock");
    }

    static void checkThenAct() throws InterruptedException {
        AtomicI32 owner = new AtomicI32(0);
        AtomicI32 winners = new AtomicI32(0);
        joinAll(
                spawn(
                        2,
                        i -> {
                            if (owner.load(Ordering.SEQ_CST) == 0) {
                                owner.store(i + 1, Ordering.SEQ_CST);
                                winners.fetchAdd(1, Ordering.SEQ_CST);
                            }
                        }));
        check(winners.load(Ordering.SEQ_CST) == 1, "two threads took ownership");
    }

    static void lazyInit() throws InterruptedException {
        AtomicI32 instance = new AtomicI32(0);
        AtomicI32 created = new AtomicI32(0);
        joinAll(
                spawn(
                        3,
                        i -> {
                            if (instance.load(Ordering.ACQUIRE) == 0) {
                                created.fetchAdd(1, Ordering.SEQ_CST);
                                instance.store(i + 1, Ordering.RELEASE);
                            }
                        }));
        check(created.load(Ordering.SEQ_CST) == 1, "initialized more than once");
    }

    static void bankAudit() throws InterruptedException {
        AtomicI32 a = new AtomicI32(100);
        AtomicI32 b = new AtomicI32(100);
        AtomicI32 bad = new AtomicI32(0);
        JoinHandle<Void> transfer =
                Threads.spawn(
                        () -> {
                            for (int k = 0; k < 3; k++) {
                                a.fetchAdd(-10, Ordering.SEQ_CST);
                                b.fetchAdd(10, Ordering.SEQ_CST);
                            }
                        });
        JoinHandle<Void> audit =
                Threads.spawn(
                        () -> {
                            int sum = a.load(Ordering.SEQ_CST) + b.load(Ordering.SEQ_CST);
                            if (sum != 200) {
                                bad.store(sum, Ordering.SEQ_CST);
                            }
                        });
        transfer.join();
        audit.join();
        check(bad.load(Ordering.SEQ_CST) == 0, "audit saw " + bad.load(Ordering.SEQ_CST));
    }

    /**
     * n threads: raise own flag, read the next one's, lower own; fails if all saw a raised flag.
     */
    static void ring(int n) throws InterruptedException {
        AtomicI32[] flags = new AtomicI32[n];
        for (int i = 0; i < n; i++) {
            flags[i] = new AtomicI32(0);
        }
        AtomicI32 seen = new AtomicI32(0);
        joinAll(
                spawn(
                        n,
                        me -> {
                            flags[me].store(1, Ordering.SEQ_CST);
                            int next = flags[(me + 1) % n].load(Ordering.SEQ_CST);
                            flags[me].store(0, Ordering.SEQ_CST);
                            seen.fetchAdd(next, Ordering.SEQ_CST);
                        }));
        check(seen.load(Ordering.SEQ_CST) < n, "every thread saw its neighbour's flag");
    }

    static void useBeforeInit() throws InterruptedException {
        AtomicI32 config = new AtomicI32(0);
        AtomicI32 bad = new AtomicI32(0);
        JoinHandle<Void> worker =
                Threads.spawn(
                        () -> {
                            if (config.load(Ordering.ACQUIRE) == 0) {
                                bad.store(1, Ordering.SEQ_CST);
                            }
                        });
        config.store(42, Ordering.RELEASE);
        worker.join();
        check(bad.load(Ordering.SEQ_CST) == 0, "worker used the config before it was set");
    }

    static void useAfterClose() throws InterruptedException {
        AtomicI32 closed = new AtomicI32(0);
        AtomicI32 work = new AtomicI32(0);
        JoinHandle<Void> user =
                Threads.spawn(
                        () -> {
                            for (int k = 0; k < 6; k++) {
                                work.fetchAdd(1, Ordering.SEQ_CST);
                            }
                            check(closed.load(Ordering.SEQ_CST) == 0, "used after close");
                        });
        JoinHandle<Void> closer =
                Threads.spawn(
                        () -> {
                            if (work.load(Ordering.SEQ_CST) >= 2) {
                                closed.store(1, Ordering.SEQ_CST);
                            }
                        });
        closer.join();
        user.join();
    }

    static void abba() throws InterruptedException {
        Mutex<Integer> a = Mutex.named("a", 0);
        Mutex<Integer> b = Mutex.named("b", 0);
        JoinHandle<Void> t =
                Threads.spawn(
                        () -> {
                            try (MutexGuard<Integer> ga = a.lock();
                                    MutexGuard<Integer> gb = b.lock()) {
                                gb.set(ga.get() + 1);
                            }
                        });
        try (MutexGuard<Integer> gb = b.lock();
                MutexGuard<Integer> ga = a.lock()) {
            ga.set(gb.get() + 1);
        }
        t.join();
    }

    static void threeLockCycle() throws InterruptedException {
        List<Mutex<Integer>> locks =
                List.of(Mutex.named("l0", 0), Mutex.named("l1", 0), Mutex.named("l2", 0));
        joinAll(
                spawn(
                        3,
                        i -> {
                            try (MutexGuard<Integer> first = locks.get(i).lock();
                                    MutexGuard<Integer> second = locks.get((i + 1) % 3).lock()) {
                                second.set(first.get() + 1);
                            }
                        }));
    }

    static void lostWakeup() throws InterruptedException {
        Mutex<Boolean> ready = Mutex.named("ready", false);
        Condvar cv = Condvar.named("cv");
        AtomicI32 flag = new AtomicI32(0);
        JoinHandle<Void> waiter =
                Threads.spawn(
                        () -> {
                            if (flag.load(Ordering.SEQ_CST) == 0) { // checked outside the lock
                                try (MutexGuard<Boolean> g = ready.lock()) {
                                    cv.awaitUninterruptibly(g);
                                }
                            }
                        });
        flag.store(1, Ordering.SEQ_CST);
        cv.notifyOne(); // without the lock: may come before the waiter waits
        waiter.join();
    }

    static void ifNotWhile() throws InterruptedException {
        Mutex<Integer> items = Mutex.named("items", 0);
        Condvar nonEmpty = Condvar.named("nonEmpty");
        AtomicI32 bad = new AtomicI32(0);
        List<JoinHandle<Void>> consumers =
                spawn(
                        2,
                        i -> {
                            try (MutexGuard<Integer> g = items.lock()) {
                                if (g.get() == 0) { // should be while
                                    nonEmpty.awaitUninterruptibly(g);
                                }
                                if (g.get() == 0) {
                                    bad.store(1, Ordering.SEQ_CST);
                                } else {
                                    g.set(g.get() - 1);
                                }
                            }
                        });
        for (int k = 0; k < 2; k++) {
            try (MutexGuard<Integer> g = items.lock()) {
                g.set(g.get() + 1);
                nonEmpty.notifyAllWaiters();
            }
        }
        joinAll(consumers);
        check(bad.load(Ordering.SEQ_CST) == 0, "a consumer took from an empty buffer");
    }

    static void runsLast() throws InterruptedException {
        AtomicI32 count = new AtomicI32(0);
        AtomicI32 sawAll = new AtomicI32(0);
        List<JoinHandle<Void>> hs =
                spawn(
                        3,
                        i -> {
                            for (int k = 0; k < 6; k++) {
                                count.fetchAdd(1, Ordering.SEQ_CST);
                            }
                        });
        JoinHandle<Void> observer =
                Threads.spawn(
                        () -> {
                            if (count.load(Ordering.SEQ_CST) == 18) {
                                sawAll.store(1, Ordering.SEQ_CST);
                            }
                        });
        joinAll(hs);
        observer.join();
        check(sawAll.load(Ordering.SEQ_CST) == 0, "the observer ran last");
    }

    /**
     * A thread starved 24 steps: the poker's single store must come after the worker's 24
     * increments and its load (also used by {@code CoverageSteeringTest}).
     *
     * @throws InterruptedException if a join is interrupted
     */
    public static void starvedLong() throws InterruptedException {
        AtomicI32 poked = new AtomicI32(0);
        AtomicI32 steps = new AtomicI32(0);
        JoinHandle<Void> poker = Threads.spawn(() -> poked.store(1, Ordering.SEQ_CST));
        JoinHandle<Void> worker =
                Threads.spawn(
                        () -> {
                            for (int k = 0; k < 24; k++) {
                                steps.fetchAdd(1, Ordering.SEQ_CST);
                            }
                            check(poked.load(Ordering.SEQ_CST) == 1, "the poker was starved");
                        });
        poker.join();
        worker.join();
    }

    /** Three order constraints across two threads: a1 < b1 < a2 < b2 with work between. */
    static void windowDeep() throws InterruptedException {
        AtomicI32 phase = new AtomicI32(0);
        AtomicI32 hits = new AtomicI32(0);
        JoinHandle<Void> b =
                Threads.spawn(
                        () -> {
                            for (int k = 0; k < 4; k++) {
                                if (phase.load(Ordering.SEQ_CST) == 2 * k + 1) {
                                    phase.store(2 * k + 2, Ordering.SEQ_CST);
                                    hits.fetchAdd(1, Ordering.SEQ_CST);
                                }
                            }
                        });
        for (int k = 0; k < 4; k++) {
            if (phase.load(Ordering.SEQ_CST) == 2 * k) {
                phase.store(2 * k + 1, Ordering.SEQ_CST);
            }
        }
        b.join();
        check(hits.load(Ordering.SEQ_CST) < 2, "the threads alternated twice");
    }

    static void atomicCounter() throws InterruptedException {
        AtomicI32 x = new AtomicI32(0);
        joinAll(spawn(3, i -> x.fetchAdd(1, Ordering.SEQ_CST)));
        check(x.load(Ordering.SEQ_CST) == 3, "control: atomic counter");
    }

    static void mutexCounter3() throws InterruptedException {
        Mutex<Integer> m = Mutex.named("count", 0);
        joinAll(spawn(3, i -> m.update(v -> v + 1)));
        check(m.withLock(v -> v) == 3, "control: mutex counter");
    }

    static void orderedLocks() throws InterruptedException {
        Mutex<Integer> a = Mutex.named("a", 0);
        Mutex<Integer> b = Mutex.named("b", 0);
        joinAll(
                spawn(
                        2,
                        i -> {
                            try (MutexGuard<Integer> ga = a.lock();
                                    MutexGuard<Integer> gb = b.lock()) {
                                gb.set(ga.get() + 1);
                            }
                        }));
    }

    static void condvarHandshake() throws InterruptedException {
        Mutex<Boolean> ready = Mutex.named("ready", false);
        Condvar cv = Condvar.named("cv");
        JoinHandle<Void> waiter =
                Threads.spawn(
                        () -> {
                            try (MutexGuard<Boolean> g = ready.lock()) {
                                while (!g.get()) {
                                    cv.awaitUninterruptibly(g);
                                }
                            }
                        });
        try (MutexGuard<Boolean> g = ready.lock()) {
            g.set(true);
            cv.notifyOne();
        }
        waiter.join();
    }

    static void ringLocked() throws InterruptedException {
        Mutex<Integer> lock = Mutex.named("ring", 0);
        AtomicI32[] flags = {new AtomicI32(0), new AtomicI32(0)};
        AtomicI32 seen = new AtomicI32(0);
        joinAll(
                spawn(
                        2,
                        me -> {
                            try (MutexGuard<Integer> g = lock.lock()) {
                                flags[me].store(1, Ordering.SEQ_CST);
                                int next = flags[1 - me].load(Ordering.SEQ_CST);
                                flags[me].store(0, Ordering.SEQ_CST);
                                seen.fetchAdd(next, Ordering.SEQ_CST);
                                g.set(g.get() + 1);
                            }
                        }));
        check(seen.load(Ordering.SEQ_CST) < 2, "control: ring under a lock");
    }
}
