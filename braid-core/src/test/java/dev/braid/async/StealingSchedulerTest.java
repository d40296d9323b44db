package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.cancel.CancelledException;
import dev.braid.cancel.Deadline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ThreadedExecutor}'s work-stealing scheduler (ADR 0050): a yield goes behind the other
 * runnable tasks, tasks woken from outside are not starved by tasks waking each other, stolen work
 * runs exactly once, and close() cancels what sits in local queues. The executor-wide contract (no
 * lost wake-up, one poller at a time) is {@link ExecutorContractTest}'s.
 */
class StealingSchedulerTest {
    private final List<AsyncExecutor> opened = new ArrayList<>();

    private ThreadedExecutor open(int threads) {
        ThreadedExecutor ex = ThreadedExecutor.create("steal", threads);
        opened.add(ex);
        return ex;
    }

    @AfterEach
    void closeAll() {
        opened.forEach(AsyncExecutor::close);
    }

    /** A task that records each poll in {@code log} and yields {@code n} times before it ends. */
    static Async<Void> yielder(String name, int n, List<String> log) {
        return new Async<>() {
            int left = n;

            @Override
            public Poll<Void> poll(Context cx) {
                synchronized (log) {
                    log.add(name);
                }
                if (left-- > 0) {
                    cx.waker().wake();
                    return Poll.pending();
                }
                return Poll.ready(null);
            }
        };
    }

    /** A task that records its one poll in {@code log} and ends. */
    static Async<Void> logs(String name, List<String> log) {
        return cx -> {
            synchronized (log) {
                log.add(name);
            }
            return Poll.ready(null);
        };
    }

    @Test
    void theLastTaskAFirstPollSpawnsRunsNextAndTheOthersAfterItInOrder() throws Exception {
        // ADR 0153: spawns of a first poll are held in that task, not in the worker's LIFO slot;
        // the order must stay the slot's: the last spawn next, the displaced ones in the queue
        List<String> log = new ArrayList<>();
        spawnABCFromATaskAndJoin(open(1), n -> logs(n, log));
        assertThat(log).containsExactly("c", "a", "b");
    }

    /**
     * Spawns a task whose one poll spawns tasks a, b and c (so all three start on a worker: the
     * LIFO slot, the local queue), then joins all four.
     */
    static void spawnABCFromATaskAndJoin(ThreadedExecutor ex, Function<String, Async<Void>> body)
            throws InterruptedException {
        List<TaskHandle<Void>> kids = new ArrayList<>();
        TaskHandle<Void> root =
                ex.spawn(
                        cx -> {
                            for (String n : List.of("a", "b", "c")) {
                                kids.add(ex.spawn(n, body.apply(n)));
                            }
                            return Poll.ready(null);
                        });
        root.join();
        for (TaskHandle<Void> k : kids) {
            k.join();
        }
    }

    @Test
    void aJoinerWokenAsAFirstPollEndsRunsBeforeWhatThatPollSpawned() throws Exception {
        // ADR 0153: a task with joiners queues its hand-off before their wakes, so the joiner
        // woken last displaces it from the LIFO slot, as before hand-offs
        ThreadedExecutor ex = open(1);
        List<String> log = new ArrayList<>();
        List<TaskHandle<Void>> kids = new java.util.concurrent.CopyOnWriteArrayList<>();
        TaskHandle<Void> root =
                ex.spawn(
                        cx -> {
                            TaskHandle<Void> r =
                                    ex.spawn(
                                            "r",
                                            cy -> {
                                                kids.add(ex.spawn("x", logs("x", log)));
                                                return logs("r", log).poll(cy);
                                            });
                            kids.add(r);
                            // spawned last, so it runs first and waits for r before r runs
                            kids.add(
                                    ex.spawn(
                                            "j",
                                            cy -> {
                                                if (r.poll(cy).isReady()) {
                                                    return logs("j-done", log).poll(cy);
                                                }
                                                synchronized (log) {
                                                    log.add("j-waits");
                                                }
                                                return Poll.pending();
                                            }));
                            return Poll.ready(null);
                        });
        root.join();
        for (int i = 0; i < 3; i++) {
            while (kids.size() < 3) {
                Thread.onSpinWait(); // x is spawned by r's poll
            }
            kids.get(i).join();
        }
        assertThat(log).containsExactly("j-waits", "r", "j-done", "x");
    }

    @Test
    void aYieldingTaskGoesBehindTheOtherRunnableTasks() throws Exception {
        List<String> log = new ArrayList<>();
        spawnABCFromATaskAndJoin(open(1), n -> yielder(n, 20, log));
        assertThat(log).hasSize(63);
        // while all three are runnable, no task is polled twice in a row: round robin
        List<String> whileAllRunnable = log.subList(0, 60);
        for (int i = 1; i < whileAllRunnable.size(); i++) {
            assertThat(whileAllRunnable.get(i))
                    .as("poll %d of %s", i, whileAllRunnable)
                    .isNotEqualTo(whileAllRunnable.get(i - 1));
        }
    }

    @Test
    void tasksWakingEachOtherDoNotStarveATaskSpawnedFromOutside() throws Exception {
        ThreadedExecutor ex = open(1);
        int limit = 1_000_000;
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger rounds = new AtomicInteger();
        Waker[] wakers = new Waker[2];
        CountDown started = new CountDown(2);
        List<TaskHandle<Void>> pair = new ArrayList<>();
        for (int side = 0; side < 2; side++) {
            int me = side;
            pair.add(
                    ex.spawn(
                            "side-" + side,
                            cx -> {
                                if (wakers[me] == null) {
                                    wakers[me] = cx.waker();
                                    started.down();
                                }
                                if (stop.get() || rounds.incrementAndGet() >= limit) {
                                    Waker other = wakers[1 - me];
                                    if (other != null) {
                                        other.wake(); // let the partner see `stop` too
                                    }
                                    return Poll.ready(null);
                                }
                                Waker other = wakers[1 - me];
                                if (other != null) {
                                    other.wake(); // the partner runs next, from the LIFO slot
                                } else {
                                    cx.waker().wake();
                                }
                                return Poll.pending();
                            }));
        }
        started.await();
        TaskHandle<Void> outsider =
                ex.spawn(
                        "outsider",
                        cx -> {
                            stop.set(true);
                            return Poll.ready(null);
                        });
        outsider.join();
        for (TaskHandle<Void> h : pair) {
            h.join();
        }
        assertThat(rounds.get()).as("the outsider ran before the pair gave up").isLessThan(limit);
    }

    /**
     * A worker woken for a task must stop counting as searching once it runs it; otherwise every
     * later push believes a searcher will pick it up and wakes nobody, and the other workers sleep
     * while one is busy. The busy task here spins (bounded) until a task spawned after it ran.
     */
    @Test
    void aTaskSpawnedWhileAWorkerIsBusyRunsOnAnIdleWorker() throws Exception {
        ThreadedExecutor ex = open(2);
        AtomicBoolean seen = new AtomicBoolean();
        CountDown started = new CountDown(1);
        awaitIdle(ex, 2);
        TaskHandle<Boolean> busy = ex.spawn("busy", spinUntil(seen, started));
        started.await();
        awaitIdle(ex, 1); // the other worker sleeps: only a notify can start it
        ex.spawn(
                "other",
                cx -> {
                    seen.set(true);
                    return Poll.ready(null);
                });
        assertThat(busy.join()).as("the second task ran while the first was busy").isTrue();
    }

    /**
     * A notify reads the sleeper count before any worker's idle flag (ADR 0120), so the count must
     * cover every parked worker and no busy one: a parked worker left out would never be woken (the
     * test above would then hang until its bound), and a busy one counted would send every outside
     * spawn back to scanning the flags.
     */
    @Test
    void theSleeperCountCoversEveryParkedWorkerAndNoBusyOne() throws Exception {
        ThreadedExecutor ex = open(2);
        awaitIdle(ex, 2);
        assertThat(ex.sleepers()).as("both workers parked").isEqualTo(2);
        AtomicBoolean release = new AtomicBoolean();
        CountDown started = new CountDown(1);
        TaskHandle<Boolean> busy = ex.spawn("busy", spinUntil(release, started));
        started.await();
        awaitIdle(ex, 1);
        assertThat(ex.sleepers()).as("one worker busy, one parked").isEqualTo(1);
        release.set(true);
        assertThat(busy.join()).isTrue();
        awaitIdle(ex, 2);
        assertThat(ex.sleepers()).as("both parked again").isEqualTo(2);
    }

    /**
     * A task that counts {@code started} down, then keeps its worker busy spinning (bounded: 10 s)
     * until {@code flag} is set; ready with whether it was.
     */
    private static Async<Boolean> spinUntil(AtomicBoolean flag, CountDown started) {
        return cx -> {
            started.down();
            long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!flag.get() && System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            return Poll.ready(flag.get());
        };
    }

    /** Waits (bounded) until {@code n} workers of {@code ex} are idle. */
    private static void awaitIdle(ThreadedExecutor ex, int n) throws InterruptedException {
        for (int i = 0; i < 10_000 && ex.idleWorkers() != n; i++) {
            Thread.sleep(1);
        }
        assertThat(ex.idleWorkers()).as("idle workers").isEqualTo(n);
    }

    /**
     * ADR 0132: the worker lookup of schedule() compares thread keys; an outside thread whose probe
     * starts at a worker's key walks on to the empty one and is told it is no worker, and each
     * worker still finds itself. (With one worker the table has two keys: about half of all threads
     * start at the worker's.)
     */
    @Test
    void anOutsideThreadWhoseLookupStartsAtAWorkersKeyIsNoWorker() throws Exception {
        ThreadedExecutor ex = open(1);
        assertThat(ex.spawn(cx -> Poll.ready(ex.workerIndex())).join()).isZero();
        int startedAtTheWorker = 0;
        for (int i = 0; i < 32; i++) {
            int[] seen = new int[2];
            Thread t =
                    Thread.ofPlatform()
                            .start(
                                    () -> {
                                        seen[0] = ex.workerIndex();
                                        seen[1] = ex.probeStartsAtAWorker() ? 1 : 0;
                                    });
            t.join();
            assertThat(seen[0]).as("outside thread %d", i).isEqualTo(-1);
            startedAtTheWorker += seen[1];
        }
        assertThat(startedAtTheWorker)
                .as("outside threads that probed past the worker")
                .isPositive();
        CountDown ran = new CountDown(1);
        ex.spawn( // and an outside spawn still reaches the worker through the injector
                cx -> {
                    ran.down();
                    return Poll.ready(null);
                });
        ran.await();
    }

    @Test
    void aTreeOfSpawnsStolenAcrossWorkersAddsUpExactly() throws Exception {
        ThreadedExecutor ex = open(3);
        AtomicInteger polls = new AtomicInteger();
        long sum = ex.spawn(node(ex, 0, 1_000, polls)).join();
        assertThat(sum).isEqualTo(1_000L * 999 / 2);
        assertThat(ex.dumpTasks()).isEmpty();
    }

    /** Skynet's node: spawns ten children per level and sums their results. */
    static Async<Long> node(AsyncExecutor ex, long num, int size, AtomicInteger polls) {
        if (size == 1) {
            return Async.ready(num);
        }
        int sub = size / 10;
        return new Async<>() {
            Async<List<Long>> all;

            @Override
            public Poll<Long> poll(Context cx) {
                polls.incrementAndGet();
                if (all == null) {
                    List<TaskHandle<Long>> kids = new ArrayList<>(10);
                    for (int i = 0; i < 10; i++) {
                        kids.add(ex.spawn(node(ex, num + (long) i * sub, sub, polls)));
                    }
                    all = Async.joinAll(kids);
                }
                if (all.poll(cx) instanceof Poll.Ready<List<Long>>(List<Long> xs)) {
                    long s = 0;
                    for (long x : xs) {
                        s += x;
                    }
                    return Poll.ready(s);
                }
                return Poll.pending();
            }
        };
    }

    @Test
    void closeCancelsTasksSittingInLocalQueuesAndEndsTheWorkers() throws Exception {
        ThreadedExecutor ex = open(2);
        List<TaskHandle<Void>> kids = new ArrayList<>();
        List<String> log = new ArrayList<>();
        CountDown spawned = new CountDown(1);
        ex.spawn(
                cx -> {
                    for (int i = 0; i < 50; i++) {
                        synchronized (kids) {
                            kids.add(ex.spawn(yielder("y" + i, Integer.MAX_VALUE, log)));
                        }
                    }
                    spawned.down();
                    return Poll.ready(null);
                });
        spawned.await();
        ex.close();
        assertThat(ex.dumpTasks()).isEmpty();
        synchronized (kids) {
            assertThat(kids).hasSize(50);
            for (TaskHandle<Void> k : kids) {
                assertThat(k.isFinished()).isTrue();
                assertThatThrownBy(k::join).isInstanceOf(CancelledException.class);
            }
        }
    }

    /** A one-shot latch on braid's own completion, so the test needs no j.u.c. latch. */
    static final class CountDown {
        private final AtomicInteger left;
        private final Completion<Void> done = new Completion<>();

        CountDown(int n) {
            left = new AtomicInteger(n);
        }

        void down() {
            if (left.decrementAndGet() == 0) {
                done.complete(new Completion.Success<>(null));
            }
        }

        void await() throws InterruptedException {
            assertThat(done.await(Deadline.after(Duration.ofSeconds(30)), false, this))
                    .as("counted down within 30 s")
                    .isNotNull();
        }
    }
}
