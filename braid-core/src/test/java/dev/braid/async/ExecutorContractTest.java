package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.async.AsyncModelTest.Cell;
import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancelledException;
import dev.braid.cancel.DeadlineExceededException;
import dev.braid.thread.JoinOutcome;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The executor and task-handle contract, over the local executor, threaded ones of 1 and 3, and
 * pool-backed ones of 1 and 3.
 */
class ExecutorContractTest {
    static Stream<Arguments> executors() {
        return Stream.of(
                Arguments.of(
                        "local", (Supplier<AsyncExecutor>) () -> LocalExecutor.create("local")),
                Arguments.of(
                        "threaded-1",
                        (Supplier<AsyncExecutor>) () -> ThreadedExecutor.create("t1", 1)),
                Arguments.of(
                        "threaded-3",
                        (Supplier<AsyncExecutor>) () -> ThreadedExecutor.create("t3", 3)),
                Arguments.of(
                        "pool-1", (Supplier<AsyncExecutor>) () -> PoolExecutor.create("p1", 1)),
                Arguments.of(
                        "pool-3", (Supplier<AsyncExecutor>) () -> PoolExecutor.create("p3", 3)));
    }

    private final List<AsyncExecutor> opened = new ArrayList<>();

    private AsyncExecutor open(Supplier<AsyncExecutor> make) {
        AsyncExecutor ex = make.get();
        opened.add(ex);
        return ex;
    }

    @AfterEach
    void closeAll() {
        opened.forEach(AsyncExecutor::close);
    }

    /** Waits for {@code h}: drives a local executor, joins on a threaded one. */
    static <T> T await(AsyncExecutor ex, TaskHandle<T> h) throws InterruptedException {
        return ex instanceof LocalExecutor l ? l.blockOn(h) : h.join();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("executors")
    void spawnedTaskGivesItsValueToEveryJoinAndPoll(String kind, Supplier<AsyncExecutor> make)
            throws Exception {
        AsyncExecutor ex = open(make);
        TaskHandle<Integer> h = ex.spawn("answer", Async.yieldNow().map(v -> 42));
        assertThat(h.name()).isEqualTo("answer");
        assertThat(await(ex, h)).isEqualTo(42);
        assertThat(h.isFinished()).isTrue();
        assertThat(h.join()).isEqualTo(42);
        assertThat(h.join(Duration.ZERO)).isEqualTo(new JoinOutcome.Finished<>(42));
        assertThat(h.poll(new Context(Waker.noop()))).isEqualTo(Poll.ready(42));
        assertThat(h.raw().state()).as("no machinery reference left").isEqualTo(RawTask.COMPLETE);
        assertThat(ex.dumpTasks()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("executors")
    void aPanicIsRethrownWithTheOriginalAndTheTaskName(String kind, Supplier<AsyncExecutor> make) {
        AsyncExecutor ex = open(make);
        IOException io = new IOException("disk full");
        TaskHandle<String> h = ex.spawn("writer", Async.yieldNow().then(v -> Async.failed(io)));
        assertThatThrownBy(() -> await(ex, h))
                .isInstanceOf(TaskPanicException.class)
                .hasMessageContaining("task 'writer' panicked")
                .hasCause(io)
                .satisfies(
                        t -> assertThat(((TaskPanicException) t).taskName()).isEqualTo("writer"));
        assertThatThrownBy(h::join).isInstanceOf(TaskPanicException.class).cause().isSameAs(io);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("executors")
    void cancelStopsAtTheNextPendingPointAndRunsCleanup(String kind, Supplier<AsyncExecutor> make)
            throws Exception {
        AsyncExecutor ex = open(make);
        AtomicInteger cleanups = new AtomicInteger();
        Cell<String> gate = new Cell<>();
        TaskHandle<String> h = ex.spawn("waiter", gate.ensure(cleanups::incrementAndGet));
        if (ex instanceof LocalExecutor l) {
            l.runUntilStalled();
        } else {
            long until = System.nanoTime() + 5_000_000_000L;
            while (gate.polls.get() == 0 && System.nanoTime() < until) {
                Thread.sleep(1);
            }
        }
        assertThat(gate.polls).hasValue(1);
        assertThat(h.cancel()).isTrue();
        assertThat(h.cancel()).as("double cancel is a no-op").isFalse();
        assertThatThrownBy(() -> await(ex, h))
                .isInstanceOf(CancelledException.class)
                .hasMessageContaining("task 'waiter' was cancelled");
        assertThat(cleanups).hasValue(1);
        assertThat(gate.drops).hasValue(1);
        assertThat(gate.polls).as("not polled after cancel").hasValue(1);
        gate.complete("late"); // a wake after completion does nothing
        assertThat(h.cancel()).isFalse();
        assertThat(h.raw().state() & ~RawTask.CANCELLED).isEqualTo(RawTask.COMPLETE);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("executors")
    void cancelBeforeTheFirstPollNeverPollsIt(String kind, Supplier<AsyncExecutor> make) {
        AsyncExecutor ex = open(make);
        AtomicInteger polls = new AtomicInteger();
        LocalExecutor gate = LocalExecutor.create("gate"); // a task that cannot run before cancel
        TaskHandle<Integer> h =
                (ex instanceof LocalExecutor ? ex : gate)
                        .spawn(
                                cx -> {
                                    polls.incrementAndGet();
                                    return Poll.ready(1);
                                });
        assertThat(h.cancel()).isTrue();
        gate.close();
        assertThatThrownBy(() -> await(ex instanceof LocalExecutor ? ex : gate, h))
                .isInstanceOf(Exception.class);
        assertThat(polls).hasValue(0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("executors")
    void spawnOnAClosedExecutorFailsAndCloseCancelsLiveTasks(
            String kind, Supplier<AsyncExecutor> make) {
        AsyncExecutor ex = make.get();
        TaskHandle<Object> forever = ex.spawn("forever", Async.never());
        ex.close();
        ex.close();
        assertThat(ex.isClosed()).isTrue();
        assertThat(forever.isFinished()).isTrue();
        assertThatThrownBy(forever::join).isInstanceOf(CancelledException.class);
        assertThatThrownBy(() -> ex.spawn(Async.ready(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is closed");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("executors")
    void wakesFromOtherThreadsAreNeverLost(String kind, Supplier<AsyncExecutor> make)
            throws Exception {
        AsyncExecutor ex = open(make);
        int rounds = 2_000;
        Async<Integer> body =
                new Async<>() {
                    int seen;
                    Cell<Integer> current;

                    @Override
                    public Poll<Integer> poll(Context cx) {
                        while (true) {
                            if (current == null) {
                                if (seen == rounds) {
                                    return Poll.ready(seen);
                                }
                                Cell<Integer> c = new Cell<>();
                                current = c;
                                Thread.ofVirtual().start(() -> c.complete(1)); // races the poll
                            }
                            if (!current.poll(cx).isReady()) {
                                return Poll.pending();
                            }
                            current = null;
                            seen++;
                        }
                    }
                };
        TaskHandle<Integer> h = ex.spawn("pinger", body);
        assertThat(await(ex, h)).isEqualTo(rounds);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("executors")
    void aTaskIsNeverPolledByTwoThreadsAtOnce(String kind, Supplier<AsyncExecutor> make)
            throws Exception {
        AsyncExecutor ex = open(make);
        AtomicBoolean inPoll = new AtomicBoolean();
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger polls = new AtomicInteger();
        List<Thread> wakers = new ArrayList<>();
        Async<Integer> f =
                cx -> {
                    if (!inPoll.compareAndSet(false, true)) {
                        overlaps.incrementAndGet();
                    }
                    try {
                        Waker w = cx.waker();
                        w.wake(); // a wake during the poll, from this thread and others
                        if (polls.get() < 4) {
                            for (int i = 0; i < 2; i++) {
                                Thread t =
                                        Thread.ofVirtual()
                                                .start(
                                                        () -> {
                                                            for (int k = 0; k < 50; k++) {
                                                                w.wake();
                                                            }
                                                        });
                                synchronized (wakers) {
                                    wakers.add(t);
                                }
                            }
                        }
                        return polls.incrementAndGet() >= 500
                                ? Poll.ready(polls.get())
                                : Poll.pending();
                    } finally {
                        inPoll.set(false);
                    }
                };
        TaskHandle<Integer> h = ex.spawn(f);
        assertThat(await(ex, h)).isGreaterThanOrEqualTo(500);
        assertThat(overlaps).hasValue(0);
        for (Thread t : wakers) {
            t.join();
        }
        assertThat(h.raw().state()).isEqualTo(RawTask.COMPLETE);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("executors")
    void theCooperativeBudgetLetsOtherTasksRun(String kind, Supplier<AsyncExecutor> make)
            throws Exception {
        AsyncExecutor ex = open(make);
        TaskHandle<Integer> done = ex.spawn(Async.ready(1));
        await(ex, done);
        AtomicBoolean otherRan = new AtomicBoolean();
        AtomicInteger yieldsSeen = new AtomicInteger();
        // A task whose every operation is ready: 1,000 polls of a finished handle.
        Async<Boolean> busy =
                new Async<>() {
                    int left = 1_000;
                    boolean sawOther;

                    @Override
                    public Poll<Boolean> poll(Context cx) {
                        while (left > 0) {
                            if (!done.poll(cx).isReady()) {
                                yieldsSeen.incrementAndGet();
                                return Poll.pending(); // budget spent: the handle woke us
                            }
                            left--;
                            sawOther |= otherRan.get();
                        }
                        return Poll.ready(sawOther);
                    }
                };
        TaskHandle<Boolean> b = ex.spawn("busy", busy);
        ex.spawn(
                "other",
                cx -> {
                    otherRan.set(true);
                    return Poll.ready(null);
                });
        boolean sawOther = await(ex, b);
        if (ex instanceof LocalExecutor) {
            // Deterministic here: nothing runs before blockOn, and the queue is FIFO, so "other"
            // runs at busy's first yield. (Threaded workers may finish busy before "other" is even
            // spawned; there the yields are the evidence.)
            assertThat(sawOther).as("the other task ran while busy was yielding").isTrue();
        }
        assertThat(yieldsSeen.get()).isGreaterThanOrEqualTo(1_000 / Context.DEFAULT_BUDGET);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("executors")
    void timedJoinAndAmbientScopeBoundABlockingJoin(String kind, Supplier<AsyncExecutor> make)
            throws Exception {
        AsyncExecutor ex = open(make);
        TaskHandle<Object> forever = ex.spawn("forever", Async.never());
        if (ex instanceof LocalExecutor l) {
            l.runUntilStalled();
        }
        assertThat(forever.join(Duration.ofMillis(20))).isEqualTo(new JoinOutcome.TimedOut<>());
        assertThat(forever.join(Duration.ZERO).isFinished()).isFalse();
        assertThatThrownBy(
                        () -> CancelScope.withTimeout(Duration.ofMillis(20), () -> forever.join()))
                .isInstanceOf(DeadlineExceededException.class);
        Thread.currentThread().interrupt();
        assertThatThrownBy(forever::join).isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isFalse();
        assertThat(ex.dumpTasks())
                .singleElement()
                .asString()
                .contains("task 'forever'")
                .contains("idle (awaiting a wake)");
        assertThatThrownBy(() -> forever.join((Duration) null)).hasMessageContaining("timeout");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("executors")
    void handleIsAFutureAnotherTaskCanAwait(String kind, Supplier<AsyncExecutor> make)
            throws Exception {
        AsyncExecutor ex = open(make);
        TaskHandle<Integer> inner =
                ex.spawn("inner", Async.sleep(Duration.ofMillis(5)).map(v -> 20));
        TaskHandle<Integer> outer = ex.spawn("outer", inner.then(x -> Async.ready(x + 1)));
        assertThat(await(ex, outer)).isEqualTo(21);
        TaskHandle<Object> never = ex.spawn(Async.never());
        TaskHandle<Object> joinInPoll =
                ex.spawn(
                        cx -> {
                            try {
                                return Poll.ready(never.join());
                            } catch (InterruptedException e) {
                                throw new AssertionError(e);
                            }
                        });
        assertThatThrownBy(() -> await(ex, joinInPoll))
                .isInstanceOf(TaskPanicException.class)
                .cause()
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("inside a poll");
    }
}
