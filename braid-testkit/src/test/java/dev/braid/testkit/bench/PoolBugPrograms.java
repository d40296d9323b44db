package dev.braid.testkit.bench;

import static dev.braid.testkit.bench.ChannelBugPrograms.check;

import dev.braid.atomic.AtomicBool;
import dev.braid.atomic.AtomicI32;
import dev.braid.atomic.AtomicRef;
import dev.braid.atomic.Ordering;
import dev.braid.atomic.Plain;
import dev.braid.channel.Channel;
import dev.braid.pool.TaskHandle;
import dev.braid.pool.WorkStealingPool;
import java.util.List;

/**
 * Bug programs over the work-stealing pool: joins that close a cycle on a one-worker pool, a scope
 * read before its join, a publication through a relaxed flag, a worker starved by a blocked task.
 * Each throws, deadlocks or races exactly when its bug shows; the {@code ctrl-} programs are the
 * correct twins.
 */
final class PoolBugPrograms {
    private PoolBugPrograms() {}

    static List<BugPrograms.Program> all() {
        return List.of(
                new BugPrograms.Program(
                        "pool-child-joins-parent",
                        "deadlock: a task joins its parent (1 worker)",
                        PoolBugPrograms::childJoinsParent),
                new BugPrograms.Program(
                        "pool-sibling-join-cycle",
                        "deadlock: two tasks join each other",
                        PoolBugPrograms::siblingJoinCycle),
                new BugPrograms.Program(
                        "pool-scope-read-early",
                        "order: scope result read before join",
                        () -> scopeRead(true)),
                new BugPrograms.Program(
                        "pool-relaxed-publish",
                        "weak memory: plain data, relaxed flag",
                        () -> publish(Ordering.RELAXED, Ordering.RELAXED)),
                new BugPrograms.Program(
                        "pool-blocked-worker",
                        "deadlock: a task blocks the only worker",
                        PoolBugPrograms::blockedWorker),
                new BugPrograms.Program("ctrl-pool-scope-read", "control", () -> scopeRead(false)),
                new BugPrograms.Program(
                        "ctrl-pool-release-publish",
                        "control",
                        () -> publish(Ordering.RELEASE, Ordering.ACQUIRE)));
    }

    /**
     * On a one-worker pool a parent task submits a child and joins it; the child joins the parent
     * through a handle the submitter published. The child runs on the parent's worker (the join
     * helps), so it waits for a task that waits for it.
     */
    static void childJoinsParent() throws InterruptedException {
        try (WorkStealingPool pool = WorkStealingPool.builder().parallelism(1).build()) {
            AtomicRef<TaskHandle<Integer>> parent = new AtomicRef<>(null);
            TaskHandle<Integer> p =
                    pool.submit(
                            () -> {
                                TaskHandle<Integer> child =
                                        pool.submit(
                                                () -> {
                                                    TaskHandle<Integer> up =
                                                            parent.load(Ordering.ACQUIRE);
                                                    // BUG: waits for the task that waits for it
                                                    return up == null ? 1 : up.join() + 1;
                                                });
                                return child.join();
                            });
            parent.store(p, Ordering.RELEASE);
            check(p.join() == 1, "parent saw the wrong value");
        }
    }

    /**
     * Two tasks each join the other once its handle is published: when both see the other's handle,
     * a join cycle (on two workers, or one worker helping).
     */
    static void siblingJoinCycle() throws InterruptedException {
        try (WorkStealingPool pool = WorkStealingPool.builder().parallelism(2).build()) {
            AtomicRef<TaskHandle<Integer>> left = new AtomicRef<>(null);
            AtomicRef<TaskHandle<Integer>> right = new AtomicRef<>(null);
            TaskHandle<Integer> l = pool.submit(() -> joinOther(right));
            left.store(l, Ordering.RELEASE);
            TaskHandle<Integer> r = pool.submit(() -> joinOther(left));
            right.store(r, Ordering.RELEASE);
            l.join();
            r.join();
        }
    }

    private static int joinOther(AtomicRef<TaskHandle<Integer>> other) throws InterruptedException {
        TaskHandle<Integer> h = other.load(Ordering.ACQUIRE);
        return h == null ? 0 : h.join() + 1; // BUG: the other may be joining this one
    }

    /**
     * A scope spawns a task that stores its result; the buggy body reads it before the scope has
     * joined the task. The correct twin takes the value from the task's handle after the scope.
     */
    static void scopeRead(boolean early) throws InterruptedException {
        try (WorkStealingPool pool = WorkStealingPool.builder().parallelism(2).build()) {
            AtomicI32 result = new AtomicI32(0);
            AtomicI32 seen = new AtomicI32(-1);
            AtomicRef<TaskHandle<Integer>> task = new AtomicRef<>(null);
            pool.scope(
                    s -> {
                        task.store(
                                s.spawn(
                                        () -> {
                                            result.store(42, Ordering.RELEASE);
                                            return 42;
                                        }),
                                Ordering.RELAXED);
                        if (early) { // BUG: the task may not have run
                            seen.store(result.load(Ordering.ACQUIRE), Ordering.RELAXED);
                        }
                    });
            if (!early) {
                seen.store(task.load(Ordering.RELAXED).join(), Ordering.RELAXED);
            }
            check(seen.load(Ordering.RELAXED) == 42, "read " + seen.load(Ordering.RELAXED));
        }
    }

    /**
     * A writer task sets plain data and then raises a flag; a reader task uses the data once it
     * sees the flag. With a relaxed flag nothing orders the data write before the read: a data race
     * when the tasks run on different workers. Release/acquire is the correct twin.
     */
    static void publish(Ordering storeOrder, Ordering loadOrder) throws InterruptedException {
        try (WorkStealingPool pool = WorkStealingPool.builder().parallelism(2).build()) {
            Plain<Integer> data = new Plain<>(0);
            AtomicBool ready = new AtomicBool(false);
            TaskHandle<Void> writer =
                    pool.submit(
                            () -> {
                                data.set(42);
                                ready.store(true, storeOrder);
                            });
            TaskHandle<Integer> reader = pool.submit(() -> ready.load(loadOrder) ? data.get() : 42);
            writer.join();
            check(reader.join() == 42, "the reader saw the flag before the data");
        }
    }

    /**
     * On a one-worker pool a task waits on a channel for a value that a task queued behind it
     * sends: the only worker is blocked, the sender never runs (thread-starvation deadlock).
     */
    static void blockedWorker() throws InterruptedException {
        try (WorkStealingPool pool = WorkStealingPool.builder().parallelism(1).build()) {
            Channel<Integer> ready = Channel.<Integer>builder().name("ready").bounded(1).build();
            TaskHandle<Integer> waiter = pool.submit(() -> ready.recv()); // BUG: blocks the worker
            TaskHandle<Void> sender =
                    pool.submit(
                            () -> {
                                ready.send(1);
                                return null;
                            });
            check(waiter.join() == 1, "wrong value");
            sender.join();
        }
    }
}
