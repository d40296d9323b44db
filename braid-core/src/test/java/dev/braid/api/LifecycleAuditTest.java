package dev.braid.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.braid.async.Async;
import dev.braid.async.AsyncChannels;
import dev.braid.async.PoolExecutor;
import dev.braid.async.TaskHandle;
import dev.braid.async.ThreadedExecutor;
import dev.braid.channel.Channel;
import dev.braid.channel.ChannelFlow;
import dev.braid.pool.PoolHooks;
import dev.braid.pool.WorkStealingPool;
import dev.braid.thread.PanicException;
import dev.braid.thread.ThreadLocalKey;
import dev.braid.thread.Threads;
import dev.braid.time.TimerWheel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Lifecycles as a long-running user meets them (issues 12 and 13, the audit of 2026-12-04): every
 * executor, pool, wheel, scope and publisher leaves no thread behind once closed — also after a
 * task panicked, after {@code shutdownNow}, and when the closing thread was interrupted — and
 * thread-local destructors run on every worker's exit. The pool's {@link ExecutorService} view
 * keeps the JDK's contract for {@code shutdownNow}, {@code invokeAll} and {@code invokeAny}
 * (written here from the JDK's javadoc). Every wait is bounded.
 */
class LifecycleAuditTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    private static List<Thread> platformThreadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(prefix) && t.isAlive())
                .toList();
    }

    private static WorkStealingPool pool(int parallelism, String namePrefix) {
        return WorkStealingPool.builder().parallelism(parallelism).namePrefix(namePrefix).build();
    }

    private static void assertNoThreadLeft(String prefix) throws InterruptedException {
        for (Thread t : platformThreadsNamed(prefix)) {
            t.join(30_000); // a thread that ended its run may still be finishing its exit
        }
        assertThat(platformThreadsNamed(prefix)).as("threads left named " + prefix + "*").isEmpty();
    }

    @Test
    void aPoolWhoseTasksPanickedLeavesNoThreadAndRunsEveryDestructor() {
        assertTimeoutPreemptively(
                LIMIT,
                () -> {
                    List<String> destroyed = new CopyOnWriteArrayList<>();
                    List<Thread> started = new CopyOnWriteArrayList<>();
                    ThreadLocalKey<String> key =
                            ThreadLocalKey.withDestructor(
                                    "res", () -> Thread.currentThread().getName(), destroyed::add);
                    var pool =
                            WorkStealingPool.builder()
                                    .parallelism(2)
                                    .namePrefix("audit-panic")
                                    .hooks(
                                            new PoolHooks() {
                                                @Override
                                                public void onWorkerStart(Thread w, int index) {
                                                    started.add(w);
                                                }
                                            })
                                    .build();
                    CountDownLatch both = new CountDownLatch(2);
                    List<dev.braid.pool.TaskHandle<Object>> hs = new CopyOnWriteArrayList<>();
                    for (int i = 0; i < 2; i++) {
                        hs.add(
                                pool.submit(
                                        () -> {
                                            key.get();
                                            both.countDown();
                                            both.await(); // one task per worker
                                            throw new Error("boom");
                                        }));
                    }
                    both.await(); // both run on workers (an outside join could run one inline)
                    for (var h : hs) {
                        assertThatThrownBy(h::join).isInstanceOf(PanicException.class);
                    }
                    assertThat(pool.submit(() -> 42).join()).isEqualTo(42); // still usable
                    pool.close();
                    assertNoThreadLeft("audit-panic");
                    assertThat(destroyed)
                            .containsExactlyInAnyOrder(
                                    "audit-panic-worker-0", "audit-panic-worker-1");
                    assertThat(started).hasSize(2);
                });
    }

    @Test
    void threadsBraidStartsForUserCodeRunTheirThreadLocalDestructors() {
        assertTimeoutPreemptively(
                LIMIT,
                () -> {
                    List<String> destroyed = new CopyOnWriteArrayList<>();
                    ThreadLocalKey<String> key =
                            ThreadLocalKey.withDestructor(
                                    "conn", () -> "conn-" + destroyed.size(), destroyed::add);
                    // spawnBlocking: a fresh thread per call; a resource per call if never released
                    try (ThreadedExecutor ex = ThreadedExecutor.create("audit-blocking", 1)) {
                        for (int i = 0; i < 3; i++) {
                            ex.spawn(Async.spawnBlocking(key::get)).join();
                        }
                    }
                    awaitSize(destroyed, 3, "spawnBlocking threads");

                    // a Flow publisher's delivery thread runs the subscriber's code
                    destroyed.clear();
                    Channel<String> ch = Channel.<String>builder().name("flow-tl").build();
                    CountDownLatch done = new CountDownLatch(1);
                    ChannelFlow.publisher(ch)
                            .subscribe(
                                    new Flow.Subscriber<String>() {
                                        @Override
                                        public void onSubscribe(Flow.Subscription s) {
                                            key.get();
                                            s.request(1);
                                        }

                                        @Override
                                        public void onNext(String item) {}

                                        @Override
                                        public void onError(Throwable t) {}

                                        @Override
                                        public void onComplete() {
                                            done.countDown();
                                        }
                                    });
                    ch.close();
                    done.await();
                    awaitSize(destroyed, 1, "a publisher's delivery thread");
                });
    }

    @Test
    void aPublisherWhoseSubscriberStoppedRequestingStillCompletesAndItsThreadEnds() {
        assertTimeoutPreemptively(
                LIMIT,
                () -> {
                    for (boolean failed : new boolean[] {false, true}) {
                        Channel<Integer> ch = Channel.bounded(8);
                        for (int i = 0; i < 3; i++) {
                            ch.send(i);
                        }
                        List<Object> signals = new CopyOnWriteArrayList<>();
                        List<Thread> delivery = new CopyOnWriteArrayList<>();
                        CountDownLatch three = new CountDownLatch(3);
                        CountDownLatch ended = new CountDownLatch(1);
                        ChannelFlow.publisher(ch)
                                .subscribe(
                                        new Flow.Subscriber<Integer>() {
                                            @Override
                                            public void onSubscribe(Flow.Subscription s) {
                                                delivery.add(Thread.currentThread());
                                                s.request(3); // exactly what it needs, no more
                                            }

                                            @Override
                                            public void onNext(Integer item) {
                                                signals.add(item);
                                                three.countDown();
                                            }

                                            @Override
                                            public void onError(Throwable t) {
                                                signals.add(t.getMessage());
                                                ended.countDown();
                                            }

                                            @Override
                                            public void onComplete() {
                                                signals.add("complete");
                                                ended.countDown();
                                            }
                                        });
                        three.await();
                        Thread.sleep(20); // the delivery thread parks with no demand left
                        if (failed) {
                            ch.cancel(new IllegalStateException("upstream failed"));
                        } else {
                            ch.close();
                        }
                        // Reactive Streams 1.4/1.5: the terminal signal needs no demand
                        assertThat(ended.await(30, TimeUnit.SECONDS))
                                .as("terminal signal")
                                .isTrue();
                        assertThat(signals)
                                .containsExactly(0, 1, 2, failed ? "upstream failed" : "complete");
                        delivery.get(0).join(30_000);
                        assertThat(delivery.get(0).isAlive()).as("delivery thread").isFalse();
                    }
                });
    }

    private static void awaitSize(List<String> list, int n, String what)
            throws InterruptedException {
        for (int i = 0; i < 3_000 && list.size() < n; i++) { // 30 s or more: a hang guard
            Thread.sleep(10); // destructors run as the thread exits, after the result is out
        }
        assertThat(list).as("destructors run on " + what).hasSize(n);
    }

    @Test
    void anInterruptedCloseStopsRunningTasksKeepsTheFlagAndLeavesNoThread() {
        assertTimeoutPreemptively(
                LIMIT,
                () -> {
                    var pool = pool(1, "audit-intr");
                    Channel<String> idle = Channel.<String>builder().name("idle").build();
                    CountDownLatch running = new CountDownLatch(1);
                    var h =
                            pool.submit(
                                    () -> {
                                        running.countDown();
                                        return idle.recv(); // stopped only by an interrupt
                                    });
                    running.await();
                    Thread.currentThread().interrupt();
                    pool.close(); // as ExecutorService.close(): shutdownNow, wait, keep the flag
                    assertThat(Thread.interrupted()).as("interrupt status restored").isTrue();
                    assertThat(pool.isTerminated()).isTrue();
                    assertThatThrownBy(h::join).isInstanceOf(PanicException.class);
                    assertThat(idle.blockedReceivers()).isZero();
                    assertNoThreadLeft("audit-intr");
                });
    }

    @Test
    void theExecutorServiceViewsShutdownNowInterruptsRunningTasksAndReturnsQueuedOnes() {
        assertTimeoutPreemptively(
                LIMIT,
                () -> {
                    var pool = pool(1, "audit-es");
                    ExecutorService es = pool.asExecutorService();
                    Channel<String> idle = Channel.<String>builder().name("idle").build();
                    CountDownLatch running = new CountDownLatch(1);
                    AtomicInteger interrupted = new AtomicInteger();
                    Future<?> blocked =
                            es.submit(
                                    () -> {
                                        running.countDown();
                                        try {
                                            idle.recv();
                                        } catch (InterruptedException e) {
                                            interrupted.incrementAndGet();
                                        }
                                    });
                    running.await();
                    AtomicInteger ran = new AtomicInteger();
                    for (int i = 0; i < 3; i++) {
                        es.execute(ran::incrementAndGet);
                    }
                    List<Runnable> never = es.shutdownNow();
                    assertThat(never).hasSize(3);
                    assertThat(es.isShutdown()).isTrue();
                    assertThatThrownBy(() -> es.execute(() -> {}))
                            .isInstanceOf(java.util.concurrent.RejectedExecutionException.class);
                    assertThat(es.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
                    assertThat(es.isTerminated()).isTrue();
                    assertThat(interrupted).hasValue(1);
                    assertThat(ran).hasValue(0);
                    blocked.get(5, TimeUnit.SECONDS); // the task itself ended normally
                    assertNoThreadLeft("audit-es");
                });
    }

    @Test
    void theExecutorServiceViewsInvokeAllAndInvokeAnyFollowTheJdkContract() {
        assertTimeoutPreemptively(
                LIMIT,
                () -> {
                    var pool = pool(2, "audit-inv");
                    ExecutorService es = pool.asExecutorService();
                    try {
                        // invokeAll: every future done, in the order of the tasks, failures kept.
                        List<Callable<Integer>> tasks =
                                List.of(
                                        () -> 1,
                                        () -> {
                                            throw new IllegalStateException("two");
                                        },
                                        () -> 3);
                        List<Future<Integer>> all = es.invokeAll(tasks);
                        assertThat(all).hasSize(3).allMatch(Future::isDone);
                        assertThat(all.get(0).get()).isEqualTo(1);
                        assertThatThrownBy(() -> all.get(1).get())
                                .isInstanceOf(ExecutionException.class)
                                .rootCause()
                                .hasMessage("two");
                        assertThat(all.get(2).get()).isEqualTo(3);

                        // timed invokeAll: what did not finish in time is cancelled.
                        CountDownLatch never = new CountDownLatch(1);
                        List<Future<Integer>> timed =
                                es.invokeAll(
                                        List.of(
                                                () -> 7,
                                                () -> {
                                                    never.await();
                                                    return 8;
                                                }),
                                        100,
                                        TimeUnit.MILLISECONDS);
                        assertThat(timed).allMatch(Future::isDone);
                        assertThat(timed.get(0).get()).isEqualTo(7);
                        assertThat(timed.get(1).isCancelled()).isTrue();
                        assertThatThrownBy(() -> timed.get(1).get())
                                .isInstanceOf(CancellationException.class);

                        // invokeAny: the result of one that succeeded; failures only if all fail.
                        Integer any =
                                es.invokeAny(
                                        List.of(
                                                () -> {
                                                    throw new IllegalStateException("no");
                                                },
                                                () -> 5));
                        assertThat(any).isEqualTo(5);
                        assertThatThrownBy(
                                        () ->
                                                es.invokeAny(
                                                        List.<Callable<Integer>>of(
                                                                () -> {
                                                                    throw new IllegalStateException(
                                                                            "a");
                                                                })))
                                .isInstanceOf(ExecutionException.class);
                        assertThatThrownBy(
                                        () ->
                                                es.invokeAny(
                                                        List.<Callable<Integer>>of(
                                                                () -> {
                                                                    never.await();
                                                                    return 1;
                                                                }),
                                                        50,
                                                        TimeUnit.MILLISECONDS))
                                .isInstanceOf(TimeoutException.class);
                        assertThatThrownBy(() -> es.invokeAny(List.<Callable<Integer>>of()))
                                .isInstanceOf(IllegalArgumentException.class);
                        assertThatThrownBy(() -> es.invokeAll(null))
                                .isInstanceOf(NullPointerException.class);
                    } finally {
                        es.shutdownNow();
                        assertThat(es.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
                    }
                    assertNoThreadLeft("audit-inv");
                });
    }

    @Test
    void asyncExecutorsLeaveNoThreadAfterAPanicAndClose() {
        assertTimeoutPreemptively(
                LIMIT,
                () -> {
                    Channel<String> idle = Channel.<String>builder().name("idle").build();
                    try (ThreadedExecutor ex = ThreadedExecutor.create("audit-threaded", 2)) {
                        TaskHandle<Object> p =
                                ex.spawn(Async.failed(new IllegalStateException("boom")));
                        assertThatThrownBy(p::join).isNotNull();
                        ex.spawn(AsyncChannels.recv(idle)); // pending when closed
                    }
                    assertNoThreadLeft("audit-threaded");
                    try (PoolExecutor ex = PoolExecutor.create("audit-poolex", 2)) {
                        TaskHandle<Object> p =
                                ex.spawn(Async.failed(new IllegalStateException("boom")));
                        assertThatThrownBy(p::join).isNotNull();
                        ex.spawn(AsyncChannels.recv(idle));
                    }
                    assertNoThreadLeft("audit-poolex");
                    assertThat(idle.blockedReceivers()).as("closed executors' waits").isZero();
                });
    }

    @Test
    void aWheelAScopeAndAPublisherLeaveNoThread() {
        assertTimeoutPreemptively(
                LIMIT,
                () -> {
                    TimerWheel wheel = TimerWheel.create("audit-wheel", Duration.ofMillis(1), 1024);
                    CountDownLatch fired = new CountDownLatch(1);
                    wheel.schedule(Duration.ofMillis(1), fired::countDown);
                    fired.await();
                    wheel.close();
                    assertNoThreadLeft("audit-wheel");

                    List<Thread> children = new CopyOnWriteArrayList<>();
                    assertThatThrownBy(
                                    () ->
                                            Threads.scope(
                                                    s -> {
                                                        s.spawn(
                                                                (Callable<Object>)
                                                                        () -> {
                                                                            children.add(
                                                                                    Thread
                                                                                            .currentThread());
                                                                            throw new IllegalStateException(
                                                                                    "child");
                                                                        });
                                                        s.spawn(
                                                                () -> {
                                                                    children.add(
                                                                            Thread.currentThread());
                                                                    Threads.sleep(
                                                                            Duration.ofMinutes(1));
                                                                    return null;
                                                                });
                                                    }))
                            .isNotNull();
                    assertThat(children).hasSize(2);
                    for (Thread t : children) {
                        t.join(30_000); // the scope joined its body; the thread may still be
                        // exiting
                        assertThat(t.isAlive()).as(t.getName()).isFalse();
                    }

                    Channel<String> idle = Channel.<String>builder().name("flow").build();
                    List<Thread> delivery = new CopyOnWriteArrayList<>();
                    CountDownLatch subscribed = new CountDownLatch(1);
                    Flow.Subscription[] sub = new Flow.Subscription[1];
                    ChannelFlow.publisher(idle)
                            .subscribe(
                                    new Flow.Subscriber<String>() {
                                        @Override
                                        public void onSubscribe(Flow.Subscription s) {
                                            delivery.add(Thread.currentThread());
                                            sub[0] = s;
                                            subscribed.countDown();
                                        }

                                        @Override
                                        public void onNext(String item) {}

                                        @Override
                                        public void onError(Throwable t) {}

                                        @Override
                                        public void onComplete() {}
                                    });
                    subscribed.await();
                    sub[0].request(1);
                    while (idle.blockedReceivers() == 0) {
                        Thread.sleep(1); // the delivery thread registers on the idle channel
                    }
                    sub[0].cancel();
                    delivery.get(0).join(30_000);
                    assertThat(delivery.get(0).isAlive()).as("publisher thread").isFalse();
                    assertThat(idle.blockedReceivers()).isZero();
                });
    }
}
