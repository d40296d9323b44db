package dev.braid.testkit.bench;

import static dev.braid.testkit.bench.ChannelBugPrograms.check;
import static dev.braid.testkit.bench.ChannelBugPrograms.spawn;

import dev.braid.async.Async;
import dev.braid.async.AsyncChannels;
import dev.braid.async.TaskHandle;
import dev.braid.async.ThreadedExecutor;
import dev.braid.atomic.AtomicI32;
import dev.braid.atomic.Ordering;
import dev.braid.channel.Channel;
import dev.braid.channel.RecvResult;
import dev.braid.pool.WorkStealingPool;
import dev.braid.thread.JoinHandle;
import java.time.Duration;
import java.util.List;

/**
 * Held-out programs at the edges of what the testkit sees: a timeout that production can fire while
 * the other side still computes, a failure inside a pool task nobody joins, and a cycle of two
 * async tasks over two channels.
 */
final class HeldOutLimitPrograms {
    private HeldOutLimitPrograms() {}

    static List<HeldOutPrograms.Case> all() {
        return List.of(
                new HeldOutPrograms.Case(
                        "ch-timeout-while-busy", "assertion", HeldOutLimitPrograms::busyTimeout),
                new HeldOutPrograms.Case(
                        "pool-unjoined-task-fails",
                        "assertion",
                        HeldOutLimitPrograms::unjoinedTaskFails),
                new HeldOutPrograms.Case(
                        "async-unjoined-task-fails",
                        "assertion",
                        HeldOutLimitPrograms::unjoinedAsyncTaskFails),
                new HeldOutPrograms.Case(
                        "async-two-task-cycle", "deadlock", HeldOutLimitPrograms::twoTaskCycle));
    }

    /**
     * The consumer gives the producer 1 ms to reply; the producer computes first (no sleep). In
     * production the timeout can fire while it computes; on virtual time it fires only when no
     * thread can run. Twin: no timeout.
     */
    static void busyTimeout(boolean buggy) throws InterruptedException {
        Channel<Integer> reply = Channel.<Integer>builder().name("reply").bounded(1).build();
        AtomicI32 work = new AtomicI32(0);
        JoinHandle<Void> producer =
                spawn(
                        "producer",
                        () -> {
                            for (int i = 0; i < 3; i++) {
                                work.fetchAdd(1, Ordering.RELAXED); // the computation
                            }
                            reply.send(42);
                            return null;
                        });
        RecvResult<Integer> r =
                buggy
                        ? reply.recv(Duration.ofMillis(1)) // BUG: the work may take longer
                        : new RecvResult.Received<>(reply.recv());
        producer.join();
        check(r.isReceived(), "the reply timed out: " + r);
    }

    /** A pool task checks an invariant that fails; nobody joins it. Twin: the invariant holds. */
    static void unjoinedTaskFails(boolean buggy) throws InterruptedException {
        try (WorkStealingPool pool = WorkStealingPool.builder().parallelism(2).build()) {
            AtomicI32 stock = new AtomicI32(buggy ? -1 : 1);
            pool.submit(() -> check(stock.load(Ordering.ACQUIRE) >= 0, "negative stock"));
        }
    }

    /** As {@link #unjoinedTaskFails} for an async task. */
    static void unjoinedAsyncTaskFails(boolean buggy) throws InterruptedException {
        try (ThreadedExecutor ex = ThreadedExecutor.create("exec", 2)) {
            AtomicI32 stock = new AtomicI32(buggy ? -1 : 1);
            ex.spawn(
                    "audit",
                    Async.ready(0)
                            .map(
                                    v -> {
                                        check(stock.load(Ordering.ACQUIRE) >= 0, "negative stock");
                                        return v;
                                    }));
        }
    }

    /**
     * Two tasks each await the other's channel before sending on their own: a cycle of two tasks.
     * Twin: one of them sends first.
     */
    static void twoTaskCycle(boolean buggy) throws InterruptedException {
        Channel<Integer> ping = Channel.<Integer>builder().name("ping").bounded(1).build();
        Channel<Integer> pong = Channel.<Integer>builder().name("pong").bounded(1).build();
        try (ThreadedExecutor ex = ThreadedExecutor.create("exec", 2)) {
            TaskHandle<Integer> a =
                    ex.spawn(
                            "pinger",
                            buggy
                                    ? AsyncChannels.recv(pong) // BUG: waits before it sends
                                            .then(r -> AsyncChannels.send(ping, 1))
                                            .map(s -> 1)
                                    : AsyncChannels.send(ping, 1)
                                            .then(s -> AsyncChannels.recv(pong))
                                            .map(RecvResult::orElseThrow));
            TaskHandle<Integer> b =
                    ex.spawn(
                            "ponger",
                            AsyncChannels.recv(ping)
                                    .then(r -> AsyncChannels.send(pong, 2))
                                    .map(s -> 2));
            check(a.join() + b.join() > 0, "unreachable");
        }
    }
}
