package dev.braid.testkit.bench;

import static dev.braid.testkit.bench.ChannelBugPrograms.check;
import static dev.braid.testkit.bench.ChannelBugPrograms.spawn;

import dev.braid.async.Async;
import dev.braid.async.AsyncChannels;
import dev.braid.async.TaskHandle;
import dev.braid.async.TaskScope;
import dev.braid.async.ThreadedExecutor;
import dev.braid.atomic.AtomicBool;
import dev.braid.atomic.AtomicI32;
import dev.braid.atomic.Fences;
import dev.braid.atomic.Ordering;
import dev.braid.atomic.Plain;
import dev.braid.channel.Channel;
import dev.braid.channel.RecvResult;
import dev.braid.channel.Select;
import dev.braid.pool.WorkStealingPool;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.ScopePolicy;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.List;

/**
 * Held-out programs about ordering: a plain cell written on one side of a braid object and read on
 * the other. The buggy version reads without the synchronizing operation (a data race the testkit
 * must report); the twin reads after it (no schedule may report one, or the model lacks an edge
 * that production has).
 */
final class HeldOutOrderPrograms {
    private HeldOutOrderPrograms() {}

    static List<HeldOutPrograms.Case> all() {
        return List.of(
                new HeldOutPrograms.Case(
                        "pool-poll-finished", "data race", HeldOutOrderPrograms::pollFinished),
                new HeldOutPrograms.Case(
                        "async-poll-finished",
                        "data race",
                        HeldOutOrderPrograms::asyncPollFinished),
                new HeldOutPrograms.Case(
                        "pool-timed-join", "data race", HeldOutOrderPrograms::poolTimedJoin),
                new HeldOutPrograms.Case(
                        "ch-flavours-publish", "data race", HeldOutOrderPrograms::flavours),
                new HeldOutPrograms.Case(
                        "ch-close-publishes", "data race", HeldOutOrderPrograms::closePublishes),
                new HeldOutPrograms.Case(
                        "select-send-publishes",
                        "data race",
                        HeldOutOrderPrograms::selectSendPublishes),
                new HeldOutPrograms.Case(
                        "async-recv-publishes",
                        "data race",
                        HeldOutOrderPrograms::asyncRecvPublishes),
                new HeldOutPrograms.Case(
                        "async-scope-publishes", "data race", HeldOutOrderPrograms::scopePublishes),
                new HeldOutPrograms.Case(
                        "pool-fence-mp", "data race", HeldOutOrderPrograms::fenceMessagePassing),
                new HeldOutPrograms.Case(
                        "pool-release-sequence",
                        "data race",
                        HeldOutOrderPrograms::releaseSequence));
    }

    /**
     * A caller polls a pool task's {@code isFinished()} (sleeping between polls) and then reads
     * what the task wrote: {@code isFinished} is an acquire read of the outcome the completion
     * published, so the twin is ordered. The bug reads after the first poll whatever it said.
     */
    static void pollFinished(boolean buggy) throws InterruptedException {
        try (WorkStealingPool pool = WorkStealingPool.builder().parallelism(1).build()) {
            Plain<Integer> cell = new Plain<>(0);
            dev.braid.pool.TaskHandle<Void> h = pool.submit(() -> cell.set(42));
            while (!h.isFinished() && !buggy) {
                Threads.sleep(Duration.ofMillis(1));
            }
            int v = cell.get(); // BUG (buggy): the task may not have finished
            h.join();
            check(v == 42 || buggy, "read " + v);
        }
    }

    /** As {@link #pollFinished} for an async task's {@code isFinished()}. */
    static void asyncPollFinished(boolean buggy) throws InterruptedException {
        try (ThreadedExecutor ex = ThreadedExecutor.create("exec", 1)) {
            Plain<Integer> cell = new Plain<>(0);
            TaskHandle<Void> h =
                    ex.spawn(
                            "writer",
                            Async.ready((Void) null)
                                    .map(
                                            v -> {
                                                cell.set(42);
                                                return null;
                                            }));
            while (!h.isFinished() && !buggy) {
                Threads.sleep(Duration.ofMillis(1));
            }
            int v = cell.get(); // BUG (buggy): the task may not have finished
            h.join();
            check(v == 42 || buggy, "read " + v);
        }
    }

    /**
     * A timed join that returns the task's value orders its writes before the caller's reads. The
     * bug reads even when the timed join timed out.
     */
    static void poolTimedJoin(boolean buggy) throws InterruptedException {
        try (WorkStealingPool pool = WorkStealingPool.builder().parallelism(2).build()) {
            Plain<Integer> cell = new Plain<>(0);
            dev.braid.pool.TaskHandle<Integer> h =
                    pool.submit(
                            () -> {
                                Threads.sleep(Duration.ofMillis(2));
                                cell.set(42);
                                return 42;
                            });
            if (h.join(Duration.ofMillis(buggy ? 1 : 50)).isFinished() || buggy) {
                int v = cell.get(); // BUG (buggy): read after a timed-out join
                check(v == 42 || buggy, "read " + v);
            }
            h.join();
        }
    }

    /**
     * A plain cell written before a send and read after the matching receive, over a rendezvous, an
     * unbounded and a conflated channel and by {@code tryRecv} and a timed {@code recv}. The bug
     * reads the last cell before its receive.
     */
    static void flavours(boolean buggy) throws InterruptedException {
        List<Channel<Integer>> channels =
                List.of(
                        Channel.<Integer>builder().name("rendezvous").rendezvous().build(),
                        Channel.<Integer>builder().name("unbounded").unbounded().build(),
                        Channel.<Integer>builder().name("conflated").conflated().build(),
                        Channel.<Integer>builder().name("polled").bounded(1).build(),
                        Channel.<Integer>builder().name("timed").bounded(1).build());
        List<Plain<Integer>> cells =
                List.of(
                        new Plain<>(0),
                        new Plain<>(0),
                        new Plain<>(0),
                        new Plain<>(0),
                        new Plain<>(0));
        JoinHandle<Void> producer =
                spawn(
                        "producer",
                        () -> {
                            for (int i = 0; i < channels.size(); i++) {
                                cells.get(i).set(i + 1);
                                channels.get(i).send(i + 1);
                            }
                            return null;
                        });
        int sum = 0;
        for (int i = 0; i < 3; i++) {
            channels.get(i).recv();
            sum += cells.get(i).get();
        }
        RecvResult<Integer> r = channels.get(3).tryRecv();
        while (!r.isReceived()) {
            Threads.sleep(Duration.ofMillis(1));
            r = channels.get(3).tryRecv();
        }
        sum += cells.get(3).get();
        if (buggy) {
            sum += cells.get(4).get(); // BUG: before the receive
        }
        RecvResult<Integer> t = channels.get(4).recv(Duration.ofSeconds(1));
        check(t.isReceived(), "timed out");
        if (!buggy) {
            sum += cells.get(4).get();
        }
        producer.join();
        check(sum == 15 || buggy, "sum " + sum);
    }

    /**
     * The producer writes a cell and closes the channel; the consumer reads the cell once its
     * receive reports the close. The bug reads the cell while it still iterates.
     */
    static void closePublishes(boolean buggy) throws InterruptedException {
        Channel<Integer> ch = Channel.<Integer>builder().name("done").bounded(1).build();
        Plain<Integer> cell = new Plain<>(0);
        JoinHandle<Void> producer =
                spawn(
                        "producer",
                        () -> {
                            ch.send(1);
                            cell.set(42);
                            ch.close();
                            return null;
                        });
        int seen = 0;
        for (Integer x : ch) {
            if (buggy) {
                seen = cell.get(); // BUG: the close has not been seen yet
            }
        }
        if (!buggy) {
            seen = cell.get();
            check(seen == 42, "read " + seen);
        }
        producer.join();
    }

    /**
     * A select that sends: what the sender wrote before its select is visible to the receiver after
     * its receive. The bug writes after the select.
     */
    static void selectSendPublishes(boolean buggy) throws InterruptedException {
        Channel<Integer> out = Channel.<Integer>builder().name("out").bounded(1).build();
        Channel<Integer> other = Channel.<Integer>builder().name("other").bounded(1).build();
        Plain<Integer> cell = new Plain<>(0);
        JoinHandle<Void> sender =
                spawn(
                        "sender",
                        () -> {
                            if (!buggy) {
                                cell.set(42);
                            }
                            Select.<Integer>fair().send(out, 1, () -> 1).recv(other, v -> v).run();
                            if (buggy) {
                                cell.set(42); // BUG: after the send
                            }
                            return null;
                        });
        out.recv();
        int v = cell.get();
        sender.join();
        check(v == 42 || buggy, "read " + v);
    }

    /**
     * A thread writes a cell and sends; a task receives with {@code AsyncChannels.recv} and then
     * reads the cell. The bug reads before the receive.
     */
    static void asyncRecvPublishes(boolean buggy) throws InterruptedException {
        Channel<Integer> ch = Channel.<Integer>builder().name("feed").bounded(1).build();
        Plain<Integer> cell = new Plain<>(0);
        try (ThreadedExecutor ex = ThreadedExecutor.create("exec", 1)) {
            TaskHandle<Integer> reader =
                    ex.spawn(
                            "reader",
                            Async.ready(0)
                                    .then(
                                            u -> {
                                                int early = buggy ? cell.get() : 42; // BUG
                                                return AsyncChannels.recv(ch)
                                                        .map(r -> buggy ? early : cell.get());
                                            }));
            JoinHandle<Void> writer =
                    spawn(
                            "writer",
                            () -> {
                                cell.set(42);
                                ch.send(1);
                                return null;
                            });
            int v = reader.join();
            writer.join();
            check(v == 42 || buggy, "read " + v);
        }
    }

    /**
     * Children of a task scope write cells; the owner reads them after {@code join()}. The bug
     * reads one before.
     */
    static void scopePublishes(boolean buggy) throws InterruptedException {
        try (ThreadedExecutor ex = ThreadedExecutor.create("exec", 2)) {
            Plain<Integer> a = new Plain<>(0);
            Plain<Integer> b = new Plain<>(0);
            int early = 0;
            try (TaskScope scope = TaskScope.open(ex, ScopePolicy.COLLECT_ALL)) {
                scope.spawn("a", write(a, 1));
                scope.spawn("b", write(b, 2));
                if (buggy) {
                    early = a.get(); // BUG: before join
                }
                scope.join();
            }
            check(buggy || a.get() + b.get() == 3, "read " + (a.get() + b.get()));
            check(early >= 0, "unreachable");
        }
    }

    private static Async<Void> write(Plain<Integer> cell, int value) {
        return Async.yieldNow()
                .map(
                        v -> {
                            cell.set(value);
                            return null;
                        });
    }

    /**
     * Message passing by fences in two pool tasks: a release fence before a relaxed flag store, an
     * acquire fence after the relaxed flag load. The bug leaves out the acquire fence.
     */
    static void fenceMessagePassing(boolean buggy) throws InterruptedException {
        try (WorkStealingPool pool = WorkStealingPool.builder().parallelism(2).build()) {
            Plain<Integer> data = new Plain<>(0);
            AtomicBool ready = new AtomicBool(false);
            dev.braid.pool.TaskHandle<Void> writer =
                    pool.submit(
                            () -> {
                                data.set(42);
                                Fences.fence(Ordering.RELEASE);
                                ready.store(true, Ordering.RELAXED);
                            });
            dev.braid.pool.TaskHandle<Integer> reader =
                    pool.submit(
                            () -> {
                                if (!ready.load(Ordering.RELAXED)) {
                                    return 42;
                                }
                                if (!buggy) {
                                    Fences.fence(Ordering.ACQUIRE); // BUG (buggy): left out
                                }
                                return data.get();
                            });
            writer.join();
            check(reader.join() == 42, "read stale data");
        }
    }

    /**
     * A release store heads a release sequence that a relaxed RMW of another task continues; a
     * reader that acquires the RMW's value synchronizes with the release store. The bug makes the
     * head relaxed.
     */
    static void releaseSequence(boolean buggy) throws InterruptedException {
        try (WorkStealingPool pool = WorkStealingPool.builder().parallelism(2).build()) {
            Plain<Integer> data = new Plain<>(0);
            AtomicI32 flag = new AtomicI32(0);
            dev.braid.pool.TaskHandle<Void> head =
                    pool.submit(
                            () -> {
                                data.set(42);
                                flag.store(1, buggy ? Ordering.RELAXED : Ordering.RELEASE);
                            });
            dev.braid.pool.TaskHandle<Integer> bump =
                    pool.submit(
                            () -> {
                                int n = flag.fetchAdd(1, Ordering.RELAXED);
                                return n;
                            });
            JoinHandle<Integer> reader =
                    Threads.builder()
                            .name("reader")
                            .spawn(() -> flag.load(Ordering.ACQUIRE) == 2 ? data.get() : 42);
            check(reader.join() == 42, "read stale data");
            head.join();
            bump.join();
        }
    }
}
