package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.braid.async.AsyncModelTest.Cell;
import dev.braid.cancel.CancelledException;
import dev.braid.pool.WorkStealingPool;
import dev.braid.thread.JoinOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 13's hostile input and misuse of tasks and handles, over every executor: each has one
 * documented behaviour (docs/async.md, "Misuse, and what happens"). Double cancel, cancel after
 * completion, spawn on a closed executor and a panic's reporting are in {@link
 * ExecutorContractTest}; this class covers the rest.
 */
class AsyncMisuseTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    private final List<AutoCloseable> opened = new ArrayList<>();

    private AsyncExecutor open(Supplier<AsyncExecutor> make) {
        AsyncExecutor ex = make.get();
        opened.add(ex);
        return ex;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : opened.reversed()) {
            c.close();
        }
    }

    static Stream<Arguments> executors() {
        return ExecutorContractTest.executors();
    }

    /** Waits for {@code h}, at most {@link #LIMIT}: a hang fails the test instead of the build. */
    static <T> T await(AsyncExecutor ex, TaskHandle<T> h) throws InterruptedException {
        if (ex instanceof LocalExecutor l) {
            return switch (l.blockOn(h.timeout(LIMIT))) {
                case Timed.Done<T>(T value) -> value;
                case Timed.Elapsed<T>() -> throw new AssertionError(h + " hung");
            };
        }
        return switch (h.join(LIMIT)) {
            case JoinOutcome.Finished<T>(T value) -> value;
            case JoinOutcome.TimedOut<T>() -> throw new AssertionError(h + " hung");
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("executors")
    void aPollThatReturnsNullPanicsTheTaskInsteadOfLeavingItAsleep(
            String kind, Supplier<AsyncExecutor> make) {
        AsyncExecutor ex = open(make);
        TaskHandle<Integer> h = ex.spawn("nulls", cx -> null);
        assertThatThrownBy(() -> await(ex, h))
                .isInstanceOf(TaskPanicException.class)
                .hasMessageContaining("task 'nulls' panicked")
                .cause()
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("poll returned null");

        Async<Integer> nullLeaf = cx -> null;
        TaskHandle<Integer> inChain = ex.spawn("chain", Async.yieldNow().then(v -> nullLeaf));
        assertThatThrownBy(() -> await(ex, inChain))
                .isInstanceOf(TaskPanicException.class)
                .cause()
                .hasMessageContaining("poll returned null");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("executors")
    void aWakerCalledAfterCompletionNeverPollsTheFutureAgain(
            String kind, Supplier<AsyncExecutor> make) throws Exception {
        AsyncExecutor ex = open(make);
        Cell<Integer> cell = new Cell<>();
        TaskHandle<Integer> h = ex.spawn("once", cell);
        cell.complete(7);
        assertThat(await(ex, h)).isEqualTo(7);
        int polls = cell.polls.get();
        Thread[] wakers = new Thread[3];
        for (int i = 0; i < wakers.length; i++) {
            wakers[i] = Thread.ofPlatform().start(() -> cell.complete(8)); // wakes again
        }
        for (Thread t : wakers) {
            t.join();
        }
        if (ex instanceof LocalExecutor l) {
            l.runUntilStalled();
        }
        assertThat(cell.polls).as("a completed future is never polled again").hasValue(polls);
        assertThat(h.raw().state()).as("no queue entry, no reference").isEqualTo(RawTask.COMPLETE);
        assertThat(h.join()).as("the handle keeps its outcome").isEqualTo(7);
        assertThat(h.poll(new Context(Waker.noop()))).isEqualTo(Poll.ready(7));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("executors")
    void isFinishedTurnsTrueOnlyOnceTheCancellationRanAndEveryJoinSeesIt(
            String kind, Supplier<AsyncExecutor> make) throws Exception {
        AsyncExecutor ex = open(make);
        LocalExecutor idle = LocalExecutor.create("idle"); // nothing runs before we drive it
        opened.add(idle);
        TaskHandle<Object> h = idle.spawn("stuck", Async.never());
        assertThat(h.cancel()).isTrue();
        assertThat(h.isFinished()).as("cancel() only requests; the drop has not run").isFalse();
        assertThat(h.cancel()).as("a second cancel is a no-op").isFalse();
        idle.runUntilStalled();
        assertThat(h.isFinished()).isTrue();
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(h::join)
                    .isInstanceOf(CancelledException.class)
                    .hasMessageContaining("task 'stuck' was cancelled");
        }
        // A task of another executor awaits the cancelled handle: it ends cancelled too, with the
        // same reason (ADR 0073: awaiting something cancelled is not a panic).
        TaskHandle<Object> awaiting = ex.spawn("awaits", h);
        assertThatThrownBy(() -> await(ex, awaiting))
                .isInstanceOf(CancelledException.class)
                .hasMessageContaining("task 'stuck' was cancelled");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("executors")
    void aDropThatThrowsDuringCancellationBecomesThePanic(String kind, Supplier<AsyncExecutor> make)
            throws Exception {
        AsyncExecutor ex = open(make);
        IllegalStateException broken = new IllegalStateException("cleanup broke");
        AtomicInteger polls = new AtomicInteger();
        Async<Integer> badCleanup =
                new Async<>() {
                    @Override
                    public Poll<Integer> poll(Context cx) {
                        polls.incrementAndGet();
                        return Poll.pending();
                    }

                    @Override
                    public void drop() {
                        throw broken;
                    }
                };
        TaskHandle<Integer> h = ex.spawn("bad-drop", badCleanup);
        if (ex instanceof LocalExecutor l) {
            l.runUntilStalled();
        } else {
            long until = System.nanoTime() + LIMIT.toNanos();
            while (polls.get() == 0 && System.nanoTime() < until) {
                Thread.sleep(1);
            }
        }
        assertThat(h.cancel()).isTrue();
        assertThatThrownBy(() -> await(ex, h))
                .isInstanceOf(TaskPanicException.class)
                .hasMessageContaining("bad-drop")
                .hasCause(broken);
    }

    @Test
    void spawnOnAPoolExecutorWhosePoolWasShutDownFailsClearlyAndCloseDoesNotHang() {
        WorkStealingPool pool = WorkStealingPool.builder().parallelism(1).daemon(true).build();
        PoolExecutor ex = PoolExecutor.on("shared", pool);
        pool.close();
        assertThat(ex.isClosed()).as("an executor without a running pool reports closed").isTrue();
        assertThatThrownBy(() -> ex.spawn("late", Async.ready(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("executor 'shared'")
                .hasMessageContaining("shut down");
        assertTimeoutPreemptively(LIMIT, ex::close);
        assertThat(ex.dumpTasks()).isEmpty();
    }

    @Test
    void aTaskWokenAfterItsPoolClosedIsCancelledWithACauseNotLost() throws Exception {
        WorkStealingPool pool = WorkStealingPool.builder().parallelism(2).daemon(true).build();
        PoolExecutor ex = PoolExecutor.on("shared", pool);
        Cell<String> gate = new Cell<>();
        AtomicInteger cleanups = new AtomicInteger();
        TaskHandle<String> h = ex.spawn("sleeper", gate.ensure(cleanups::incrementAndGet));
        long until = System.nanoTime() + LIMIT.toNanos();
        while ((gate.polls.get() == 0 || (h.raw().state() & RawTask.RUNNING) != 0)
                && System.nanoTime() < until) {
            Thread.sleep(1);
        }
        pool.close(); // the owner shuts the shared pool down under a live, idle task
        gate.complete("too late"); // the wake must neither throw nor be lost
        assertThatThrownBy(() -> h.join(LIMIT))
                .isInstanceOf(CancelledException.class)
                .hasMessageContaining("task 'sleeper' could not run")
                .hasMessageContaining("was shut down");
        assertThat(cleanups).as("the cancellation ran the task's cleanup").hasValue(1);
        assertThat(gate.drops).hasValue(1);
        assertThat(h.raw().state() & ~RawTask.CANCELLED).isEqualTo(RawTask.COMPLETE);
        assertTimeoutPreemptively(LIMIT, ex::close);
    }

    /**
     * A task whose poll holds its pool worker until {@code release} opens (ignoring interrupts).
     */
    private static Async<Integer> hog(CountDownLatch started, CountDownLatch release) {
        return cx -> {
            started.countDown();
            boolean interrupted = false;
            while (true) {
                try {
                    release.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // shutdownNow interrupts the worker: hold on anyway
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return Poll.ready(1);
        };
    }

    /** A ready future that counts its drops (its cleanup). */
    private static Async<Integer> counted(AtomicInteger drops) {
        return new Async<>() {
            @Override
            public Poll<Integer> poll(Context cx) {
                return Poll.ready(2);
            }

            @Override
            public void drop() {
                drops.incrementAndGet();
            }
        };
    }

    @ParameterizedTest(name = "{0} pool")
    @ValueSource(strings = {"owned", "shared"})
    void shutdownNowOfThePoolCancelsAQueuedTaskWithACauseInsteadOfLosingIt(String kind)
            throws Exception {
        boolean owned = kind.equals("owned");
        WorkStealingPool shared =
                owned ? null : WorkStealingPool.builder().parallelism(1).daemon(true).build();
        PoolExecutor ex = owned ? PoolExecutor.create("ex", 1) : PoolExecutor.on("ex", shared);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        TaskHandle<Integer> running = ex.spawn("running", hog(started, release));
        started.await();
        AtomicInteger drops = new AtomicInteger();
        TaskHandle<Integer> queued = ex.spawn("queued", counted(drops));
        assertThat(ex.pool().shutdownNow()).as("the pool cancelled the queued poll").hasSize(1);
        // at once, owned or shared pool (the task is CancelAware): neither close() nor the end
        // of the running task is needed for the joiner to learn it
        assertThatThrownBy(() -> queued.join(LIMIT))
                .isInstanceOf(CancelledException.class)
                .hasMessageContaining("task 'queued' could not run")
                .hasMessageContaining("was shut down");
        assertThat(drops).as("the cancellation dropped the future").hasValue(1);
        assertThat(queued.raw().state() & ~RawTask.CANCELLED).isEqualTo(RawTask.COMPLETE);
        release.countDown();
        assertThat(running.join(LIMIT)).isEqualTo(new JoinOutcome.Finished<>(1));
        assertTimeoutPreemptively(LIMIT, ex::close);
        assertThat(ex.dumpTasks()).isEmpty();
        if (shared != null) {
            shared.close();
        }
    }
}
