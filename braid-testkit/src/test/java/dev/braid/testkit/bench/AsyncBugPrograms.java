package dev.braid.testkit.bench;

import static dev.braid.testkit.bench.ChannelBugPrograms.check;
import static dev.braid.testkit.bench.ChannelBugPrograms.spawn;

import dev.braid.async.Async;
import dev.braid.async.AsyncChannels;
import dev.braid.async.Context;
import dev.braid.async.LocalExecutor;
import dev.braid.async.Poll;
import dev.braid.async.TaskHandle;
import dev.braid.async.ThreadedExecutor;
import dev.braid.async.Timed;
import dev.braid.async.Waker;
import dev.braid.atomic.AtomicBool;
import dev.braid.atomic.AtomicI32;
import dev.braid.atomic.AtomicRef;
import dev.braid.atomic.Ordering;
import dev.braid.atomic.Plain;
import dev.braid.channel.Channel;
import dev.braid.channel.RecvResult;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Bug programs over async tasks: hand-written futures that lose a wake-up, a read-modify-write
 * split by an await, a timeout assumed to lose a tie, and a cycle through a task, a thread and a
 * channel. The {@code ctrl-} programs are the correct twins.
 */
final class AsyncBugPrograms {
    private AsyncBugPrograms() {}

    static List<BugPrograms.Program> all() {
        return List.of(
                new BugPrograms.Program(
                        "async-check-then-waker",
                        "lost wake-up: check, then store the waker",
                        () -> flagFuture(true)),
                new BugPrograms.Program(
                        "async-first-wake-only",
                        "lost wake-up: only the first wake sent",
                        () -> countFuture(true)),
                new BugPrograms.Program(
                        "async-counter-across-await",
                        "atomicity: a counter split by an await",
                        () -> counterAcrossAwait(true)),
                new BugPrograms.Program(
                        "async-timeout-tie",
                        "order: timeout assumed to lose a tie",
                        AsyncBugPrograms::timeoutTie),
                new BugPrograms.Program(
                        "async-task-thread-cycle",
                        "deadlock: task, thread and channel",
                        AsyncBugPrograms::taskThreadCycle),
                new BugPrograms.Program(
                        "ctrl-async-waker-then-check", "control", () -> flagFuture(false)),
                new BugPrograms.Program(
                        "ctrl-async-every-wake", "control", () -> countFuture(false)),
                new BugPrograms.Program(
                        "ctrl-async-counter-atomic", "control", () -> counterAcrossAwait(false)),
                new BugPrograms.Program(
                        "ctrl-async-plain-over-join", "control", AsyncBugPrograms::plainOverJoin),
                new BugPrograms.Program(
                        "ctrl-async-plain-over-thread-join",
                        "control",
                        AsyncBugPrograms::plainOverThreadJoin));
    }

    /**
     * A braid thread writes a plain cell; the caller awaits {@code Async.join(thread)} on a local
     * executor and then reads it: the completion orders the write before the read (ADR 0134).
     */
    static void plainOverThreadJoin() throws InterruptedException {
        Plain<Integer> data = new Plain<>(0);
        JoinHandle<Integer> writer =
                Threads.builder()
                        .name("writer")
                        .spawn(
                                () -> {
                                    data.set(42);
                                    return 42;
                                });
        try (LocalExecutor ex = LocalExecutor.create("exec")) {
            check(ex.blockOn(Async.join(writer)) == 42, "wrong value");
        }
        check(data.get() == 42, "read " + data.get());
    }

    /**
     * A task on a two-thread executor writes a plain cell; the caller joins the task and then reads
     * it: the join orders the write before the read in every schedule (ADR 0130).
     */
    static void plainOverJoin() throws InterruptedException {
        try (ThreadedExecutor ex = ThreadedExecutor.create("exec", 2)) {
            Plain<Integer> data = new Plain<>(0);
            TaskHandle<Integer> writer =
                    ex.spawn(
                            "writer",
                            Async.ready(42)
                                    .map(
                                            v -> {
                                                data.set(v);
                                                return v;
                                            }));
            check(writer.join() == 42, "wrong value");
            check(data.get() == 42, "read " + data.get());
        }
    }

    /**
     * A future ready once a flag is set by another thread. The buggy poll checks the flag before it
     * publishes its waker: the setter can run in between, find no waker, and the task sleeps for
     * ever. The correct poll publishes the waker first and then checks.
     */
    static final class FlagFuture implements Async<String> {
        final AtomicBool flag = new AtomicBool(false);
        final AtomicRef<Waker> waker = new AtomicRef<>(null);
        private final boolean buggy;

        FlagFuture(boolean buggy) {
            this.buggy = buggy;
        }

        @Override
        public Poll<String> poll(Context cx) {
            if (buggy) {
                if (flag.load(Ordering.SEQ_CST)) {
                    return Poll.ready("set");
                }
                waker.store(cx.waker(), Ordering.SEQ_CST);
                return Poll.pending();
            }
            waker.store(cx.waker(), Ordering.SEQ_CST);
            return flag.load(Ordering.SEQ_CST) ? Poll.ready("set") : Poll.pending();
        }

        void set() {
            flag.store(true, Ordering.SEQ_CST);
            Waker w = waker.load(Ordering.SEQ_CST);
            if (w != null) {
                w.wake();
            }
        }
    }

    static void flagFuture(boolean buggy) throws InterruptedException {
        try (LocalExecutor ex = LocalExecutor.create("exec")) {
            FlagFuture f = new FlagFuture(buggy);
            JoinHandle<Void> setter = Threads.builder().name("setter").spawn(f::set);
            check(ex.blockOn(ex.spawn("flag-task", f)).equals("set"), "wrong value");
            setter.join();
        }
    }

    /**
     * A future ready after two events. The buggy notifier wakes only on the first event (it
     * remembers it has notified): when the task's second poll comes before the second event, that
     * event wakes nobody.
     */
    static final class CountFuture implements Async<Integer> {
        final AtomicI32 events = new AtomicI32(0);
        final AtomicBool notified = new AtomicBool(false);
        final AtomicRef<Waker> waker = new AtomicRef<>(null);
        private final boolean buggy;

        CountFuture(boolean buggy) {
            this.buggy = buggy;
        }

        @Override
        public Poll<Integer> poll(Context cx) {
            waker.store(cx.waker(), Ordering.SEQ_CST);
            int n = events.load(Ordering.SEQ_CST);
            return n >= 2 ? Poll.ready(n) : Poll.pending();
        }

        void event() {
            events.fetchAdd(1, Ordering.SEQ_CST);
            if (buggy && notified.swap(true, Ordering.SEQ_CST)) {
                return; // BUG: already woken once, so later events are dropped
            }
            Waker w = waker.load(Ordering.SEQ_CST);
            if (w != null) {
                w.wake();
            }
        }
    }

    static void countFuture(boolean buggy) throws InterruptedException {
        try (LocalExecutor ex = LocalExecutor.create("exec")) {
            CountFuture f = new CountFuture(buggy);
            JoinHandle<Void> source =
                    Threads.builder()
                            .name("events")
                            .spawn(
                                    () -> {
                                        f.event();
                                        f.event();
                                    });
            check(ex.blockOn(ex.spawn("count-task", f)) == 2, "wrong count");
            source.join();
        }
    }

    /**
     * Two tasks on a two-thread executor each read a counter, await a yield, and write the value
     * back plus one: the await splits the read-modify-write and an update is lost. The correct twin
     * increments with one fetchAdd after the await.
     */
    static void counterAcrossAwait(boolean buggy) throws InterruptedException {
        try (ThreadedExecutor ex = ThreadedExecutor.create("exec", 2)) {
            AtomicI32 counter = new AtomicI32(0);
            TaskHandle<Void> a = ex.spawn("inc-a", increment(counter, buggy));
            TaskHandle<Void> b = ex.spawn("inc-b", increment(counter, buggy));
            a.join();
            b.join();
            check(counter.load(Ordering.SEQ_CST) == 2, "lost update: " + counter);
        }
    }

    private static Async<Void> increment(AtomicI32 counter, boolean buggy) {
        if (!buggy) {
            return Async.yieldNow().map(u -> discard(counter.fetchAdd(1, Ordering.SEQ_CST)));
        }
        return Async.ready(0)
                .then(
                        u -> {
                            int read = counter.load(Ordering.SEQ_CST);
                            return Async.yieldNow() // BUG: the other task may write meanwhile
                                    .map(
                                            v -> {
                                                counter.store(read + 1, Ordering.SEQ_CST);
                                                return null;
                                            });
                        });
    }

    private static Void discard(int ignored) {
        return null;
    }

    /**
     * A completer thread finishes a future after 10 ms; the caller awaits it with a 10 ms timeout
     * and assumes the completion wins the tie. Both orders are possible: the timer and the
     * completer are due at the same virtual instant.
     */
    static void timeoutTie() throws InterruptedException {
        try (LocalExecutor ex = LocalExecutor.create("exec")) {
            CompletableFuture<String> cf = new CompletableFuture<>();
            JoinHandle<Void> completer =
                    Threads.builder()
                            .name("completer")
                            .spawn(
                                    () -> {
                                        Threads.sleep(Duration.ofMillis(10));
                                        cf.complete("value");
                                        return null;
                                    });
            Timed<String> r =
                    ex.blockOn(
                            ex.spawn(
                                    "wait-task",
                                    Async.fromStage(cf).timeout(Duration.ofMillis(10))));
            completer.join();
            check(r.isDone(), "the timeout won the tie"); // BUG: the user assumed one order
        }
    }

    /**
     * A task 'client' sends a request and awaits the reply; the thread 'server' receives the
     * request and, before replying, joins the client task (it wants the client's result first). The
     * task awaits the server, which awaits the task.
     */
    static void taskThreadCycle() throws InterruptedException {
        Channel<Integer> requests = Channel.<Integer>builder().name("requests").bounded(1).build();
        Channel<Integer> replies = Channel.<Integer>builder().name("replies").bounded(1).build();
        try (ThreadedExecutor ex = ThreadedExecutor.create("exec", 1)) {
            TaskHandle<Integer> client =
                    ex.spawn(
                            "client",
                            AsyncChannels.send(requests, 1)
                                    .then(s -> AsyncChannels.recv(replies))
                                    .map(RecvResult::orElseThrow));
            JoinHandle<Void> server =
                    spawn(
                            "server",
                            () -> {
                                int q = requests.recv();
                                client.join(); // BUG: the client waits for this reply
                                replies.send(q * 10);
                                return null;
                            });
            check(client.join() == 10, "wrong reply");
            server.join();
        }
    }
}
