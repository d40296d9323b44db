package dev.braid.testkit.bench;

import static dev.braid.testkit.bench.ChannelBugPrograms.check;
import static dev.braid.testkit.bench.ChannelBugPrograms.spawn;

import dev.braid.async.Async;
import dev.braid.async.AsyncChannels;
import dev.braid.async.Context;
import dev.braid.async.LocalExecutor;
import dev.braid.async.Poll;
import dev.braid.async.PoolExecutor;
import dev.braid.async.TaskHandle;
import dev.braid.async.TaskScope;
import dev.braid.async.ThreadedExecutor;
import dev.braid.async.Waker;
import dev.braid.atomic.AtomicBool;
import dev.braid.atomic.AtomicI32;
import dev.braid.atomic.AtomicRef;
import dev.braid.atomic.Ordering;
import dev.braid.atomic.Plain;
import dev.braid.channel.Channel;
import dev.braid.channel.RecvResult;
import dev.braid.channel.Select;
import dev.braid.channel.SendResult;
import dev.braid.pool.Joined;
import dev.braid.pool.WorkStealingPool;
import dev.braid.sync.Mutex;
import dev.braid.sync.MutexGuard;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.ScopePolicy;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The held-out corpus of testkit 13: small bug programs over channels, the work-stealing pool,
 * async tasks, virtual timers and weak memory, written the way an outside checker writes them (not
 * tuned to the testkit), each with its correct twin. Every program takes {@code buggy}: true plants
 * the bug, false is the twin that must pass every schedule. {@code HeldOutCorpusTest} checks both
 * ways; {@code HeldOutTable} prints which strategy finds which bug within how many schedules.
 */
final class HeldOutPrograms {
    private HeldOutPrograms() {}

    /** One program of the corpus: its name, the kind of failure its bug is, and its body. */
    record Case(String name, String kind, Body body) {
        BugPrograms.Program bug() {
            return new BugPrograms.Program("ho-" + name, kind, () -> body.run(true));
        }

        BugPrograms.Program twin() {
            return new BugPrograms.Program("ctrl-ho-" + name, "control", () -> body.run(false));
        }
    }

    /** A program body with its switch. */
    @FunctionalInterface
    interface Body {
        void run(boolean buggy) throws Throwable;
    }

    /** Every held-out program: these and the ordering ones ({@link HeldOutOrderPrograms}). */
    static List<Case> corpus() {
        List<Case> all = new ArrayList<>(all());
        all.addAll(HeldOutOrderPrograms.all());
        all.addAll(HeldOutLimitPrograms.all());
        return all;
    }

    static List<Case> all() {
        return List.of(
                new Case("ch-closed-flag-drain", "assertion", HeldOutPrograms::closedFlagDrain),
                new Case("ch-select-merge-stops", "assertion", HeldOutPrograms::selectMerge),
                new Case("ch-send-if-open", "thread failure", HeldOutPrograms::sendIfOpen),
                new Case("ch-drain-while-len", "assertion", HeldOutPrograms::drainWhileLen),
                new Case("ch-recv-under-lock", "deadlock cycle", HeldOutPrograms::recvUnderLock),
                new Case("ch-rendezvous-extra-send", "hang", HeldOutPrograms::rendezvousExtraSend),
                new Case("ch-conflated-drops", "assertion", HeldOutPrograms::conflatedDrops),
                new Case("ch-recv-timeout-tie", "assertion", HeldOutPrograms::recvTimeoutTie),
                new Case("pool-child-unjoined", "assertion", HeldOutPrograms::childUnjoined),
                new Case("pool-relaxed-rmw", "assertion", HeldOutPrograms::relaxedRmw),
                new Case("pool-plain-counter", "data race", HeldOutPrograms::plainCounter),
                new Case("pool-join-halves-share", "data race", HeldOutPrograms::joinHalvesShare),
                new Case(
                        "pool-task-thread-join", "deadlock cycle", HeldOutPrograms::taskThreadJoin),
                new Case("pool-relaxed-mp", "weak memory", HeldOutPrograms::relaxedMessagePassing),
                new Case("pool-acqrel-dekker", "weak memory", HeldOutPrograms::acqRelDekker),
                new Case("pool-relaxed-cas-init", "data race", HeldOutPrograms::relaxedCasInit),
                new Case("async-waker-read-first", "lost wake-up", HeldOutPrograms::wakerReadFirst),
                new Case("async-task-sets-flag", "lost wake-up", HeldOutPrograms::taskSetsFlag),
                new Case("async-scope-two-winners", "assertion", HeldOutPrograms::twoWinners),
                new Case("async-sleep-tie", "assertion", HeldOutPrograms::sleepTie),
                new Case("async-lock-chan-cycle", "deadlock", HeldOutPrograms::lockChanCycle),
                new Case("async-plain-counter", "data race", HeldOutPrograms::asyncPlainCounter),
                new Case("async-pool-split-rmw", "assertion", HeldOutPrograms::poolSplitRmw),
                new Case("timer-sleep-tie", "assertion", HeldOutPrograms::threadSleepTie));
    }

    // ---- channels -------------------------------------------------------------------------

    /**
     * The consumer loops while the channel is open; the producer sends three and closes. Elements
     * still buffered at the close are never received. Twin: iterate until closed and drained.
     */
    static void closedFlagDrain(boolean buggy) throws InterruptedException {
        Channel<Integer> ch = Channel.<Integer>builder().name("items").bounded(4).build();
        JoinHandle<Integer> consumer =
                Threads.builder()
                        .name("consumer")
                        .spawn(
                                () -> {
                                    int sum = 0;
                                    if (buggy) {
                                        while (!ch.isClosed()) { // BUG: closed is not drained
                                            RecvResult<Integer> r = ch.recv(Duration.ofMillis(1));
                                            sum += r.valueIfReceived().orElse(0);
                                        }
                                    } else {
                                        for (Integer x : ch) {
                                            sum += x;
                                        }
                                    }
                                    return sum;
                                });
        for (int i = 1; i <= 3; i++) {
            ch.send(i);
        }
        ch.close();
        int sum = consumer.join();
        check(sum == 6, "received a sum of " + sum + " of 6");
    }

    /**
     * A merger selects over two channels and stops at the first close; the other channel may still
     * hold elements. Twin: stop only when both are closed.
     */
    static void selectMerge(boolean buggy) throws InterruptedException {
        Channel<Integer> a = Channel.<Integer>builder().name("a").bounded(2).build();
        Channel<Integer> b = Channel.<Integer>builder().name("b").bounded(2).build();
        JoinHandle<Void> pa = spawn("sender-a", () -> sendThenClose(a, 1));
        JoinHandle<Void> pb = spawn("sender-b", () -> sendThenClose(b, 10));
        int sum = 0;
        boolean aOpen = true;
        boolean bOpen = true;
        while (buggy ? aOpen && bOpen : aOpen || bOpen) { // BUG: stops at the first close
            Select<Integer> s = Select.<Integer>fair();
            if (aOpen) {
                s = s.recvOrClosed(a, r -> r.isReceived() ? r.orElseThrow() : -1);
            }
            if (bOpen) {
                s = s.recvOrClosed(b, r -> r.isReceived() ? r.orElseThrow() : -10);
            }
            int x = s.run();
            if (x == -1) {
                aOpen = false;
            } else if (x == -10) {
                bOpen = false;
            } else {
                sum += x;
            }
        }
        pa.join();
        pb.join();
        check(sum == 33, "merged a sum of " + sum + " of 33");
    }

    private static Void sendThenClose(Channel<Integer> ch, int unit) throws InterruptedException {
        ch.send(unit);
        ch.send(2 * unit);
        ch.close();
        return null;
    }

    /**
     * The producer checks that the channel is open, then sends; a closer closes it meanwhile and
     * the send throws. Twin: the send's own result says whether it was delivered.
     */
    static void sendIfOpen(boolean buggy) throws InterruptedException {
        Channel<Integer> ch = Channel.<Integer>builder().name("events").bounded(4).build();
        AtomicI32 sent = new AtomicI32(0);
        JoinHandle<Void> producer =
                spawn(
                        "producer",
                        () -> {
                            if (buggy) {
                                if (!ch.isClosed()) { // BUG: check, then act
                                    ch.send(1);
                                    sent.fetchAdd(1, Ordering.SEQ_CST);
                                }
                            } else if (ch.trySend(1) instanceof SendResult.Sent) {
                                sent.fetchAdd(1, Ordering.SEQ_CST);
                            }
                            return null;
                        });
        JoinHandle<Void> closer =
                spawn(
                        "closer",
                        () -> {
                            ch.close();
                            return null;
                        });
        producer.join();
        closer.join();
        int got = 0;
        for (Integer x : ch) {
            got += x;
        }
        check(got == sent.load(Ordering.SEQ_CST), "received " + got + ", sent " + sent);
    }

    /**
     * The consumer receives while the channel holds something and stops when it looks empty, though
     * the producer has more to send. Twin: receive until closed.
     */
    static void drainWhileLen(boolean buggy) throws InterruptedException {
        Channel<Integer> ch = Channel.<Integer>builder().name("work").bounded(2).build();
        AtomicI32 sum = new AtomicI32(0);
        JoinHandle<Void> consumer =
                spawn(
                        "consumer",
                        () -> {
                            if (buggy) {
                                do { // BUG: empty now is not done
                                    sum.fetchAdd(ch.recv(), Ordering.SEQ_CST);
                                } while (ch.len() > 0);
                            } else {
                                for (Integer x : ch) {
                                    sum.fetchAdd(x, Ordering.SEQ_CST);
                                }
                            }
                            return null;
                        });
        ch.send(1);
        ch.send(2);
        ch.close();
        consumer.join();
        check(sum.load(Ordering.SEQ_CST) == 3, "consumed " + sum + " of 3");
    }

    /**
     * The consumer holds the log lock while it blocks on an empty channel; the producer takes the
     * same lock before it sends: a cycle through 'log' and 'events'. Twin: receive outside the
     * lock.
     */
    static void recvUnderLock(boolean buggy) throws InterruptedException {
        Channel<Integer> events = Channel.<Integer>builder().name("events").bounded(1).build();
        Mutex<Integer> log = Mutex.named("log", 0);
        JoinHandle<Void> producer =
                spawn(
                        "producer",
                        () -> {
                            for (int i = 1; i <= 2; i++) {
                                try (MutexGuard<Integer> g = log.lock()) {
                                    g.set(g.get() + 1);
                                }
                                events.send(i);
                            }
                            return null;
                        });
        JoinHandle<Void> consumer =
                spawn(
                        "consumer",
                        () -> {
                            for (int i = 1; i <= 2; i++) {
                                if (buggy) {
                                    try (MutexGuard<Integer> g = log.lock()) {
                                        g.set(g.get() + events.recv()); // BUG: blocks, lock held
                                    }
                                } else {
                                    int x = events.recv();
                                    try (MutexGuard<Integer> g = log.lock()) {
                                        g.set(g.get() + x);
                                    }
                                }
                            }
                            return null;
                        });
        producer.join();
        consumer.join();
    }

    /**
     * The main thread hands two items to one receiver over a rendezvous channel, but the receiver
     * takes one only when a flag it read first says there are two: the second send may find no
     * partner. Twin: the receiver iterates until closed.
     */
    static void rendezvousExtraSend(boolean buggy) throws InterruptedException {
        Channel<Integer> ch = Channel.<Integer>builder().name("handoff").rendezvous().build();
        AtomicI32 announced = new AtomicI32(1);
        JoinHandle<Void> receiver =
                spawn(
                        "receiver",
                        () -> {
                            if (buggy) {
                                int n = announced.load(Ordering.SEQ_CST); // BUG: read too early
                                for (int i = 0; i < n; i++) {
                                    ch.recv();
                                }
                            } else {
                                for (Integer ignored : ch) {
                                    announced.fetchAdd(0, Ordering.SEQ_CST);
                                }
                            }
                            return null;
                        });
        announced.store(2, Ordering.SEQ_CST);
        ch.send(1);
        ch.send(2);
        ch.close();
        receiver.join();
    }

    /**
     * A progress reporter publishes through a conflated channel and the reader sums what it sees: a
     * conflated channel keeps only the latest value. Twin: a bounded channel of room enough.
     */
    static void conflatedDrops(boolean buggy) throws InterruptedException {
        Channel<Integer> ch =
                buggy
                        ? Channel.<Integer>builder().name("progress").conflated().build()
                        : Channel.<Integer>builder().name("progress").bounded(3).build();
        JoinHandle<Void> reporter =
                spawn(
                        "reporter",
                        () -> {
                            for (int i = 1; i <= 3; i++) {
                                ch.send(i);
                            }
                            ch.close();
                            return null;
                        });
        int sum = 0;
        for (Integer x : ch) {
            sum += x;
        }
        reporter.join();
        check(sum == 6, "saw a sum of " + sum + " of 6");
    }

    /**
     * The consumer waits 5 ms for the reply and gives up; the producer works exactly 5 ms first.
     * Both are due at one virtual instant: when the timeout wins, the reply is never taken. Twin:
     * the consumer waits longer than the producer works.
     */
    static void recvTimeoutTie(boolean buggy) throws InterruptedException {
        Channel<Integer> reply = Channel.<Integer>builder().name("reply").bounded(1).build();
        JoinHandle<Void> producer =
                spawn(
                        "producer",
                        () -> {
                            Threads.sleep(Duration.ofMillis(5));
                            reply.send(42);
                            return null;
                        });
        RecvResult<Integer> r = reply.recv(Duration.ofMillis(buggy ? 5 : 6)); // BUG: a tie
        producer.join();
        check(r.isReceived(), "the reply timed out: " + r);
    }

    // ---- pool ---------------------------------------------------------------------------

    /**
     * A pool task forks a child that fills a plain cell and reads the cell without joining the
     * child. Twin: join the child first.
     */
    static void childUnjoined(boolean buggy) throws InterruptedException {
        try (WorkStealingPool pool = WorkStealingPool.builder().parallelism(2).build()) {
            Plain<Integer> cell = new Plain<>(0);
            dev.braid.pool.TaskHandle<Integer> parent =
                    pool.submit(
                            () -> {
                                dev.braid.pool.TaskHandle<Void> child =
                                        pool.submit(() -> cell.set(42));
                                if (!buggy) {
                                    child.join();
                                }
                                int v = cell.get(); // BUG: the child may be running
                                if (buggy) {
                                    child.join();
                                }
                                return v;
                            });
            check(parent.join() == 42, "the parent read the cell before the child wrote it");
        }
    }

    /**
     * Four tasks increment a shared counter by a relaxed load and a relaxed store: updates are lost
     * when tasks run on two workers. Twin: fetchAdd.
     */
    static void relaxedRmw(boolean buggy) throws InterruptedException {
        try (WorkStealingPool pool = WorkStealingPool.builder().parallelism(2).build()) {
            AtomicI32 hits = new AtomicI32(0);
            pool.scope(
                    s -> {
                        for (int t = 0; t < 4; t++) {
                            s.spawn(
                                    () -> {
                                        if (buggy) { // BUG: a load and a store, not one update
                                            hits.store(
                                                    hits.load(Ordering.RELAXED) + 1,
                                                    Ordering.RELAXED);
                                        } else {
                                            hits.fetchAdd(1, Ordering.RELAXED);
                                        }
                                    });
                        }
                    });
            check(hits.load(Ordering.SEQ_CST) == 4, "lost update: " + hits);
        }
    }

    /** Two pool tasks increment a plain counter: a data race. Twin: each under a mutex. */
    static void plainCounter(boolean buggy) throws InterruptedException {
        try (WorkStealingPool pool = WorkStealingPool.builder().parallelism(2).build()) {
            Plain<Integer> count = new Plain<>(0);
            Mutex<Integer> lock = Mutex.named("count", 0);
            dev.braid.pool.TaskHandle<Void> a = pool.submit(() -> bump(count, lock, buggy));
            dev.braid.pool.TaskHandle<Void> b = pool.submit(() -> bump(count, lock, buggy));
            a.join();
            b.join();
            check(count.get() == 2, "count " + count.get());
        }
    }

    private static void bump(Plain<Integer> count, Mutex<Integer> lock, boolean buggy) {
        if (buggy) {
            count.set(count.get() + 1); // BUG: unsynchronized
        } else {
            try (MutexGuard<Integer> g = lock.lock()) {
                g.set(g.get() + 1);
                count.set(count.get() + 1);
            }
        }
    }

    /**
     * Both halves of a fork-join add into one plain accumulator: the halves run in parallel when
     * the second is stolen. Twin: each half returns its part and the caller adds.
     */
    static void joinHalvesShare(boolean buggy) throws InterruptedException {
        try (WorkStealingPool pool = WorkStealingPool.builder().parallelism(2).build()) {
            Plain<Integer> total = new Plain<>(0);
            dev.braid.pool.TaskHandle<Integer> root =
                    pool.submit(
                            () -> {
                                Joined<Integer, Integer> j =
                                        pool.join(
                                                () -> half(total, 1, buggy),
                                                () -> half(total, 2, buggy));
                                return buggy ? total.get() : j.first() + j.second();
                            });
            check(root.join() == 3, "total " + root.join());
        }
    }

    private static int half(Plain<Integer> total, int part, boolean buggy) {
        if (buggy) {
            total.set(total.get() + part); // BUG: both halves write one plain cell
        }
        return part;
    }

    /**
     * A braid thread joins a pool task whose handle it reads from a shared reference, and the task
     * joins the thread: a cycle through a thread and a task. Twin: the task does not join.
     */
    static void taskThreadJoin(boolean buggy) throws InterruptedException {
        try (WorkStealingPool pool = WorkStealingPool.builder().parallelism(1).build()) {
            AtomicRef<JoinHandle<Integer>> thread = new AtomicRef<>(null);
            AtomicRef<dev.braid.pool.TaskHandle<Integer>> task = new AtomicRef<>(null);
            task.store(
                    pool.submit(
                            () -> {
                                JoinHandle<Integer> t = thread.load(Ordering.ACQUIRE);
                                // BUG: the thread may be joining this task
                                return buggy && t != null ? t.join() + 1 : 1;
                            }),
                    Ordering.RELEASE);
            thread.store(
                    Threads.builder()
                            .name("auditor")
                            .spawn(() -> task.load(Ordering.ACQUIRE).join() + 10),
                    Ordering.RELEASE);
            task.load(Ordering.ACQUIRE).join();
            thread.load(Ordering.ACQUIRE).join();
        }
    }

    /**
     * Message passing with relaxed atomics in two pool tasks: the reader can see the flag and an
     * old value of the data (a weak-memory outcome, no plain cell). Twin: release/acquire flag.
     */
    static void relaxedMessagePassing(boolean buggy) throws InterruptedException {
        Ordering st = buggy ? Ordering.RELAXED : Ordering.RELEASE;
        Ordering ld = buggy ? Ordering.RELAXED : Ordering.ACQUIRE;
        try (WorkStealingPool pool = WorkStealingPool.builder().parallelism(2).build()) {
            AtomicI32 data = new AtomicI32(0);
            AtomicBool ready = new AtomicBool(false);
            dev.braid.pool.TaskHandle<Void> writer =
                    pool.submit(
                            () -> {
                                data.store(42, Ordering.RELAXED);
                                ready.store(true, st);
                            });
            dev.braid.pool.TaskHandle<Integer> reader =
                    pool.submit(() -> ready.load(ld) ? data.load(Ordering.RELAXED) : 42);
            writer.join();
            int seen = reader.join();
            check(seen == 42, "the reader saw the flag but data " + seen);
        }
    }

    /**
     * Dekker's entry with release stores and acquire loads in two pool tasks: both can read the
     * other's flag as false (store buffering) and enter together. Twin: SeqCst.
     */
    static void acqRelDekker(boolean buggy) throws InterruptedException {
        Ordering st = buggy ? Ordering.RELEASE : Ordering.SEQ_CST;
        Ordering ld = buggy ? Ordering.ACQUIRE : Ordering.SEQ_CST;
        try (WorkStealingPool pool = WorkStealingPool.builder().parallelism(2).build()) {
            AtomicBool wantA = new AtomicBool(false);
            AtomicBool wantB = new AtomicBool(false);
            AtomicI32 inside = new AtomicI32(0);
            dev.braid.pool.TaskHandle<Integer> a =
                    pool.submit(() -> enter(wantA, wantB, inside, st, ld));
            dev.braid.pool.TaskHandle<Integer> b =
                    pool.submit(() -> enter(wantB, wantA, inside, st, ld));
            int both = a.join() + b.join();
            check(both <= 1, "both tasks entered the critical section");
        }
    }

    private static int enter(
            AtomicBool mine, AtomicBool theirs, AtomicI32 inside, Ordering st, Ordering ld) {
        mine.store(true, st);
        return theirs.load(ld) ? 0 : 1; // BUG (release/acquire): not a store-load fence
    }

    /** A box published by a relaxed CAS. */
    static final class Box {
        final Plain<Integer> value = new Plain<>(0);
    }

    /**
     * Lazy initialization in pool tasks: one fills a box and installs it with a relaxed CAS; the
     * other loads it relaxed and reads the box's plain field: a data race. Twin: CAS with release,
     * load with acquire.
     */
    static void relaxedCasInit(boolean buggy) throws InterruptedException {
        Ordering cas = buggy ? Ordering.RELAXED : Ordering.ACQ_REL;
        Ordering ld = buggy ? Ordering.RELAXED : Ordering.ACQUIRE;
        try (WorkStealingPool pool = WorkStealingPool.builder().parallelism(2).build()) {
            AtomicRef<Box> ref = new AtomicRef<>(null);
            dev.braid.pool.TaskHandle<Void> init =
                    pool.submit(
                            () -> {
                                Box b = new Box();
                                b.value.set(42);
                                ref.compareExchange(null, b, cas, Ordering.RELAXED);
                            });
            dev.braid.pool.TaskHandle<Integer> use =
                    pool.submit(
                            () -> {
                                Box b = ref.load(ld);
                                return b == null ? 42 : b.value.get();
                            });
            init.join();
            check(use.join() == 42, "read a box before its value");
        }
    }

    // ---- async --------------------------------------------------------------------------

    /**
     * A one-shot signal future whose setter reads the waker before it sets the flag: the poll can
     * store its waker and see the flag unset in between, and the wake is lost. Twin: set, then
     * read.
     */
    static final class Signal implements Async<Boolean> {
        final AtomicBool flag = new AtomicBool(false);
        final AtomicRef<Waker> waker = new AtomicRef<>(null);

        @Override
        public Poll<Boolean> poll(Context cx) {
            waker.store(cx.waker(), Ordering.SEQ_CST);
            return flag.load(Ordering.SEQ_CST) ? Poll.ready(true) : Poll.pending();
        }

        void set(boolean buggy) {
            Waker w = buggy ? waker.load(Ordering.SEQ_CST) : null; // BUG: read before the set
            flag.store(true, Ordering.SEQ_CST);
            if (!buggy) {
                w = waker.load(Ordering.SEQ_CST);
            }
            if (w != null) {
                w.wake();
            }
        }
    }

    static void wakerReadFirst(boolean buggy) throws InterruptedException {
        try (LocalExecutor ex = LocalExecutor.create("exec")) {
            Signal s = new Signal();
            JoinHandle<Void> setter = Threads.builder().name("setter").spawn(() -> s.set(buggy));
            check(ex.blockOn(ex.spawn("signal-task", s)), "wrong value");
            setter.join();
        }
    }

    /**
     * On a two-thread executor one task polls a future that checks its flag and then stores its
     * waker; another task sets the flag and wakes whatever waker it finds. Twin: store the waker,
     * then check.
     */
    static final class CheckFirst implements Async<String> {
        final AtomicBool flag = new AtomicBool(false);
        final AtomicRef<Waker> waker = new AtomicRef<>(null);
        final boolean buggy;

        CheckFirst(boolean buggy) {
            this.buggy = buggy;
        }

        @Override
        public Poll<String> poll(Context cx) {
            if (buggy && flag.load(Ordering.ACQUIRE)) { // BUG: checked before the waker is out
                return Poll.ready("set");
            }
            waker.store(cx.waker(), Ordering.SEQ_CST);
            return !buggy && flag.load(Ordering.SEQ_CST) ? Poll.ready("set") : Poll.pending();
        }
    }

    static void taskSetsFlag(boolean buggy) throws InterruptedException {
        try (ThreadedExecutor ex = ThreadedExecutor.create("exec", 2)) {
            CheckFirst f = new CheckFirst(buggy);
            TaskHandle<String> waiter = ex.spawn("waiter", f);
            TaskHandle<Void> setter =
                    ex.spawn(
                            "setter",
                            Async.ready((Void) null)
                                    .map(
                                            v -> {
                                                f.flag.store(true, Ordering.SEQ_CST);
                                                Waker w = f.waker.load(Ordering.SEQ_CST);
                                                if (w != null) {
                                                    w.wake();
                                                }
                                                return null;
                                            }));
            setter.join();
            check(waiter.join().equals("set"), "wrong value");
        }
    }

    /**
     * A FIRST_SUCCESS scope races two replicas; each counts itself a winner when it finishes. The
     * second can finish before the first's success cancels it: two winners. Twin: a replica wins
     * only by a CAS on the winner cell.
     */
    static void twoWinners(boolean buggy) throws InterruptedException {
        try (ThreadedExecutor ex = ThreadedExecutor.create("exec", 2)) {
            AtomicI32 winners = new AtomicI32(0);
            AtomicI32 winner = new AtomicI32(0);
            try (TaskScope scope = TaskScope.open(ex, ScopePolicy.FIRST_SUCCESS)) {
                for (int id = 1; id <= 2; id++) {
                    int me = id;
                    scope.spawn(
                            "replica-" + id,
                            Async.yieldNow()
                                    .map(
                                            v -> {
                                                if (buggy) { // BUG: the cancel may come too late
                                                    winners.fetchAdd(1, Ordering.SEQ_CST);
                                                } else if (winner.compareExchange(
                                                                0,
                                                                me,
                                                                Ordering.SEQ_CST,
                                                                Ordering.SEQ_CST)
                                                        == 0) {
                                                    winners.fetchAdd(1, Ordering.SEQ_CST);
                                                }
                                                return me;
                                            }));
                }
                scope.join();
            }
            check(winners.load(Ordering.SEQ_CST) == 1, winners + " winners");
        }
    }

    /**
     * Two tasks sleep 10 ms; the second assumes the first's timer, registered first, fires first.
     * Twin: the second sleeps 11 ms.
     */
    static void sleepTie(boolean buggy) throws InterruptedException {
        try (ThreadedExecutor ex = ThreadedExecutor.create("exec", 2)) {
            AtomicBool written = new AtomicBool(false);
            TaskHandle<Void> first =
                    ex.spawn(
                            "first",
                            Async.sleep(Duration.ofMillis(10))
                                    .map(
                                            v -> {
                                                written.store(true, Ordering.SEQ_CST);
                                                return null;
                                            }));
            TaskHandle<Boolean> second =
                    ex.spawn(
                            "second",
                            Async.sleep(Duration.ofMillis(buggy ? 10 : 11)) // BUG: a tie
                                    .map(v -> written.load(Ordering.SEQ_CST)));
            first.join();
            check(second.join(), "the second timer fired first");
        }
    }

    /**
     * A thread holds a mutex while it waits for a channel; a task takes the same mutex (blocking,
     * inside its poll) before it sends. Twin: the thread receives before it locks.
     */
    static void lockChanCycle(boolean buggy) throws InterruptedException {
        Channel<Integer> ch = Channel.<Integer>builder().name("orders").bounded(1).build();
        Mutex<Integer> book = Mutex.named("book", 0);
        try (ThreadedExecutor ex = ThreadedExecutor.create("exec", 1)) {
            JoinHandle<Void> clerk =
                    spawn(
                            "clerk",
                            () -> {
                                if (buggy) {
                                    try (MutexGuard<Integer> g = book.lock()) {
                                        g.set(ch.recv()); // BUG: waits with the lock held
                                    }
                                } else {
                                    int x = ch.recv();
                                    try (MutexGuard<Integer> g = book.lock()) {
                                        g.set(x);
                                    }
                                }
                                return null;
                            });
            TaskHandle<SendResult> task =
                    ex.spawn(
                            "order-task",
                            Async.ready(1)
                                    .then(
                                            v -> {
                                                try (MutexGuard<Integer> g = book.lock()) {
                                                    g.set(g.get() + v);
                                                }
                                                return AsyncChannels.send(ch, v);
                                            }));
            task.join();
            clerk.join();
        }
    }

    /** Two tasks on two executor threads increment a plain cell. Twin: an atomic fetchAdd. */
    static void asyncPlainCounter(boolean buggy) throws InterruptedException {
        try (ThreadedExecutor ex = ThreadedExecutor.create("exec", 2)) {
            Plain<Integer> plain = new Plain<>(0);
            AtomicI32 atomic = new AtomicI32(0);
            List<TaskHandle<Void>> tasks = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                tasks.add(
                        ex.spawn(
                                "inc-" + t,
                                Async.ready((Void) null)
                                        .map(
                                                v -> {
                                                    if (buggy) { // BUG: not synchronized
                                                        plain.set(plain.get() + 1);
                                                    } else {
                                                        atomic.fetchAdd(1, Ordering.SEQ_CST);
                                                    }
                                                    return null;
                                                })));
            }
            for (TaskHandle<Void> t : tasks) {
                t.join();
            }
            check(plain.get() + atomic.load(Ordering.SEQ_CST) == 2, "lost update");
        }
    }

    /**
     * On the pool executor two tasks read a balance, await, and write it back: a lost update across
     * stolen tasks. Twin: one fetchAdd after the await.
     */
    static void poolSplitRmw(boolean buggy) throws InterruptedException {
        try (PoolExecutor ex = PoolExecutor.create("pool-exec", 2)) {
            AtomicI32 balance = new AtomicI32(0);
            List<TaskHandle<Void>> tasks = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                tasks.add(
                        ex.spawn(
                                "deposit-" + t,
                                Async.ready(0)
                                        .then(
                                                u -> {
                                                    int read = balance.load(Ordering.ACQUIRE);
                                                    return Async.yieldNow()
                                                            .map(
                                                                    v -> {
                                                                        if (buggy) { // BUG
                                                                            balance.store(
                                                                                    read + 5,
                                                                                    Ordering
                                                                                            .RELEASE);
                                                                        } else {
                                                                            balance.fetchAdd(
                                                                                    5,
                                                                                    Ordering
                                                                                            .ACQ_REL);
                                                                        }
                                                                        return null;
                                                                    });
                                                })));
            }
            for (TaskHandle<Void> t : tasks) {
                t.join();
            }
            check(balance.load(Ordering.SEQ_CST) == 10, "balance " + balance);
        }
    }

    // ---- timers -------------------------------------------------------------------------

    /**
     * Two threads sleep 3 ms; the reader assumes the writer, started first, wakes first. Twin: the
     * reader sleeps 4 ms.
     */
    static void threadSleepTie(boolean buggy) throws InterruptedException {
        AtomicI32 value = new AtomicI32(0);
        JoinHandle<Void> writer =
                spawn(
                        "writer",
                        () -> {
                            Threads.sleep(Duration.ofMillis(3));
                            value.store(7, Ordering.SEQ_CST);
                            return null;
                        });
        JoinHandle<Integer> reader =
                Threads.builder()
                        .name("reader")
                        .spawn(
                                () -> {
                                    Threads.sleep(Duration.ofMillis(buggy ? 3 : 4)); // BUG: a tie
                                    return value.load(Ordering.SEQ_CST);
                                });
        writer.join();
        check(reader.join() == 7, "the reader woke first");
    }
}
