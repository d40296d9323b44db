package dev.braid.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.cancel.CancelledException;
import dev.braid.thread.PanicException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link PoolTask}: the task that is its own handle (ADR 0078), over 1, 2 and 4 workers. */
class PoolTaskTest {
    static WorkStealingPool pool(int p) {
        return WorkStealingPool.builder().parallelism(p).namePrefix("pt").build();
    }

    /** fork/compute/join, counting every compute() call. */
    static final class Fib extends PoolTask<Long> {
        final int n;
        final AtomicInteger computed;

        Fib(int n, AtomicInteger computed) {
            this.n = n;
            this.computed = computed;
        }

        @Override
        protected Long compute() {
            computed.incrementAndGet();
            if (n < 2) {
                return (long) n;
            }
            Fib f = new Fib(n - 2, computed);
            f.fork();
            Fib g = new Fib(n - 1, computed);
            return g.invoke() + f.join();
        }
    }

    /** invokeAll(a, b), then read both. */
    static final class Sum extends PoolTask<Long> {
        final int lo;
        final int hi;

        Sum(int lo, int hi) {
            this.lo = lo;
            this.hi = hi;
        }

        @Override
        protected Long compute() {
            if (hi - lo <= 2) {
                long s = 0;
                for (int i = lo; i < hi; i++) {
                    s += i;
                }
                return s;
            }
            int mid = (lo + hi) >>> 1;
            Sum l = new Sum(lo, mid);
            Sum r = new Sum(mid, hi);
            PoolTask.invokeAll(l, r);
            return l.join() + r.join();
        }
    }

    static final class Of<T> extends PoolTask<T> {
        final Supplier<T> body;

        Of(Supplier<T> body) {
            this.body = body;
        }

        @Override
        protected T compute() {
            return body.get();
        }
    }

    /** Runs a task on {@code pool}'s only worker until the returned latch is counted down. */
    static CountDownLatch occupyTheOnlyWorker(WorkStealingPool pool) throws InterruptedException {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        pool.submit(
                () -> {
                    running.countDown();
                    return release.await(30, TimeUnit.SECONDS);
                });
        assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
        return release;
    }

    static long fibCalls(int n) { // nodes of the call tree: 2 fib(n + 1) - 1
        long a = 0;
        long b = 1;
        for (int i = 0; i < n + 1; i++) {
            long c = a + b;
            a = b;
            b = c;
        }
        return 2 * a - 1;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4})
    void forkJoinComputesTheValueAndRunsEveryTaskExactlyOnce(int p) {
        try (var pool = pool(p)) {
            for (int round = 0; round < 20; round++) {
                AtomicInteger computed = new AtomicInteger();
                assertThat(pool.invoke(new Fib(18, computed))).isEqualTo(2584L);
                assertThat(computed.get()).isEqualTo(fibCalls(18));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4})
    void invokeAllRunsBothAndLeavesTheirValuesToJoin(int p) {
        try (var pool = pool(p)) {
            assertThat(pool.invoke(new Sum(0, 1000))).isEqualTo(499_500L);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4})
    void aPanicDeepInTheTreeReachesTheRootWithTheOriginalAndTheWorkerNamed(int p) {
        try (var pool = pool(p)) {
            ArithmeticException planted = new ArithmeticException("leaf 3");
            class Boom extends PoolTask<Integer> {
                final int n;

                Boom(int n) {
                    this.n = n;
                }

                @Override
                protected Integer compute() {
                    if (n == 3) {
                        throw planted;
                    }
                    if (n < 3) {
                        return n;
                    }
                    Boom f = new Boom(n - 2);
                    f.fork();
                    return new Boom(n - 1).invoke() + f.join();
                }
            }
            assertThatThrownBy(() -> pool.invoke(new Boom(9)))
                    .isInstanceOf(PanicException.class)
                    .satisfies(
                            e -> {
                                PanicException pe = (PanicException) e;
                                assertThat(pe.getCause()).isSameAs(planted); // not re-wrapped
                                assertThat(pe.threadName()).contains("pt-worker-");
                            });
            assertThat(pool.invoke(new Of<>(() -> "still usable"))).isEqualTo("still usable");
        }
    }

    @Test
    void aQueuedTaskCancelledBeforeItStartsNeverRunsAndItsJoinersSeeTheCancellation()
            throws Exception {
        try (var pool = pool(1)) {
            CountDownLatch release = occupyTheOnlyWorker(pool);
            AtomicInteger ran = new AtomicInteger();
            Of<Integer> t = new Of<>(ran::incrementAndGet);
            pool.submit(t);
            assertThat(t.cancel()).isTrue();
            assertThat(t.isCancelled()).isTrue();
            release.countDown();
            assertThatThrownBy(t::join).isInstanceOf(CancelledException.class);
            assertThat(pool.invoke(new Of<>(() -> 7))).isEqualTo(7);
            assertThat(ran.get()).isZero();
            assertThat(t.cancel()).isFalse();
        }
    }

    /**
     * A task its forker runs in place has no claim (ADR 0078): a cancel() while it runs wins, as
     * with ForkJoinTask, and its joiners see the cancellation, not the value.
     */
    @Test
    void aCancelWhileTheForkerRunsTheTaskInPlaceEndsItCancelled() throws Exception {
        try (var pool = pool(1)) { // no thief: the forker's join pops the child and runs it
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch proceed = new CountDownLatch(1);
            AtomicReference<PoolTask<Integer>> child = new AtomicReference<>();
            Of<Integer> root =
                    new Of<>(
                            () -> {
                                Of<Integer> c =
                                        new Of<>(
                                                () -> {
                                                    started.countDown();
                                                    awaitQuietly(proceed);
                                                    return 1;
                                                });
                                c.fork();
                                child.set(c);
                                return c.join();
                            });
            pool.submit(root);
            assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(child.get().cancel()).isTrue();
            assertThat(child.get().isCancelled()).isTrue();
            proceed.countDown();
            assertThatThrownBy(root::join)
                    .isInstanceOf(PanicException.class)
                    .hasCauseInstanceOf(CancelledException.class);
            assertThatThrownBy(child.get()::join).isInstanceOf(CancelledException.class);
        }
    }

    static void awaitQuietly(CountDownLatch l) {
        try {
            assertThat(l.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void anOutsideJoinWaitsForTheWorkersAndDoesNotRunTheTaskItself() throws Exception {
        try (var pool = pool(1)) {
            CountDownLatch release = occupyTheOnlyWorker(pool);
            AtomicReference<String> ranOn = new AtomicReference<>();
            Of<Integer> t =
                    new Of<>(
                            () -> {
                                ranOn.set(Thread.currentThread().getName());
                                return 42;
                            });
            pool.submit(t);
            Thread releaser =
                    Thread.ofPlatform()
                            .start(
                                    () -> {
                                        try {
                                            Thread.sleep(50);
                                        } catch (InterruptedException e) {
                                            Thread.currentThread().interrupt();
                                        }
                                        release.countDown();
                                    });
            assertThat(t.join()).isEqualTo(42);
            releaser.join();
            assertThat(ranOn.get()).contains("pt-worker-");
            assertThat(t.join(Duration.ZERO).isFinished()).isTrue(); // a TaskHandle too
        }
    }

    /**
     * A task forked on one worker, joined by a task on the other: the joiner steals it (or finds it
     * finished) and both see the value.
     */
    @Test
    void aTaskForkedOnOneWorkerIsJoinedOnAnother() throws Exception {
        try (var pool = pool(2)) {
            CountDownLatch forked = new CountDownLatch(1);
            CountDownLatch consumed = new CountDownLatch(1);
            AtomicReference<PoolTask<Integer>> shared = new AtomicReference<>();
            AtomicReference<String> producerThread = new AtomicReference<>();
            TaskHandle<Integer> producer =
                    pool.submit(
                            () -> {
                                producerThread.set(Thread.currentThread().getName());
                                PoolTask<Integer> c = new Of<>(() -> 21);
                                c.fork();
                                shared.set(c);
                                forked.countDown();
                                assertThat(consumed.await(30, TimeUnit.SECONDS)).isTrue();
                                return c.join();
                            });
            TaskHandle<String> consumer =
                    pool.submit(
                            () -> {
                                assertThat(forked.await(30, TimeUnit.SECONDS)).isTrue();
                                int v = shared.get().join();
                                consumed.countDown();
                                return v + "@" + Thread.currentThread().getName();
                            });
            String c = consumer.get(30, TimeUnit.SECONDS); // timed: never run by this thread
            assertThat(producer.get(30, TimeUnit.SECONDS)).isEqualTo(21);
            assertThat(c).startsWith("21@pt-worker-").doesNotEndWith(producerThread.get());
        }
    }

    @Test
    void hooksAndMetricsSeeEveryForkedTask() {
        List<TaskHandle<?>> before = new CopyOnWriteArrayList<>();
        AtomicInteger after = new AtomicInteger();
        PoolHooks hooks =
                new PoolHooks() {
                    @Override
                    public void beforeTask(Thread worker, TaskHandle<?> task) {
                        before.add(task);
                    }

                    @Override
                    public void afterTask(Thread worker, TaskHandle<?> task, Throwable failure) {
                        after.incrementAndGet();
                    }
                };
        AtomicInteger computed = new AtomicInteger();
        var pool = WorkStealingPool.builder().parallelism(2).hooks(hooks).build();
        assertThat(pool.invoke(new Fib(10, computed))).isEqualTo(55L);
        pool.close(); // the root's afterTask may run after its joiner returned
        // every compute() here is reached through fork or invoke, so the hooks see each once
        assertThat(before).hasSize(computed.get()).allMatch(t -> t instanceof Fib);
        assertThat(after.get()).isEqualTo(computed.get());
        assertThat(pool.metrics().tasksRun()).isEqualTo(computed.get());
    }

    /** A body that is CancelAware is told when shutdownNow drops it. */
    @Test
    void shutdownNowTellsACancelAwareTask() throws Exception {
        AtomicInteger told = new AtomicInteger();
        final class Aware extends PoolTask<Integer> implements CancelAware {
            @Override
            protected Integer compute() {
                return 1;
            }

            @Override
            public void cancelledBeforeStart() {
                told.incrementAndGet();
            }
        }
        var pool = pool(1);
        CountDownLatch release = occupyTheOnlyWorker(pool);
        Aware a = new Aware();
        pool.submit(a);
        List<TaskHandle<?>> dropped = pool.shutdownNow();
        release.countDown();
        pool.close();
        assertThat(dropped).contains(a);
        assertThat(told.get()).isEqualTo(1);
        assertThatThrownBy(a::join).isInstanceOf(CancelledException.class);
    }

    /** The view's shutdownNow hands back what never started as runnables that run its work. */
    @Test
    void theExecutorServiceViewHandsBackAQueuedPoolTaskAsARunnable() throws Exception {
        var pool = pool(1);
        CountDownLatch release = occupyTheOnlyWorker(pool);
        AtomicInteger ran = new AtomicInteger();
        pool.submit(new Of<>(ran::incrementAndGet));
        List<Runnable> left = pool.asExecutorService().shutdownNow();
        release.countDown();
        pool.close();
        assertThat(ran.get()).isZero();
        assertThat(left).hasSize(1);
        left.get(0).run();
        assertThat(ran.get()).isEqualTo(1);
    }

    // ---- hostile input ----

    @Test
    void forkAndInvokeOutsideAPoolFailFastNamingTheWayOut() {
        Of<Integer> t = new Of<>(() -> 1);
        assertThatThrownBy(t::fork)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("pool.submit(task)");
        assertThatThrownBy(t::invoke)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("pool.invoke(task)");
        assertThatThrownBy(() -> PoolTask.invokeAll(new Of<>(() -> 1), new Of<>(() -> 2)))
                .isInstanceOf(IllegalStateException.class);
        try (var pool = pool(1)) {
            assertThat(pool.invoke(t)).isEqualTo(1); // state unchanged by the failed calls
        }
    }

    @Test
    void joinOfANeverForkedTaskFailsFastInsteadOfWaitingForEver() {
        Of<Integer> t = new Of<>(() -> 1);
        assertThatThrownBy(t::join)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("never forked");
        assertThatThrownBy(t::get).isInstanceOf(IllegalStateException.class);
        try (var pool = pool(2)) {
            Of<Integer> inner = new Of<>(() -> 2);
            assertThatThrownBy(() -> pool.invoke(new Of<>(inner::join)))
                    .isInstanceOf(PanicException.class)
                    .hasCauseInstanceOf(IllegalStateException.class)
                    .hasRootCauseMessage(
                            "join of a PoolTask that was never forked: fork() it first, or run it"
                                    + " with invoke() or pool.invoke(task)");
        }
        assertThat(t.toString()).contains("not forked");
    }

    @Test
    void aTaskRunsOnceSoASecondForkOrSubmitFails() {
        try (var pool = pool(2)) {
            Of<Integer> t = new Of<>(() -> 5);
            assertThat(pool.invoke(t)).isEqualTo(5);
            assertThatThrownBy(() -> pool.submit(t))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("a task runs once");
            assertThatThrownBy(() -> pool.invoke(new Of<>(t::fork)))
                    .isInstanceOf(PanicException.class)
                    .hasCauseInstanceOf(IllegalStateException.class);
            assertThat(t.join()).isEqualTo(5);
            Of<Integer> same = new Of<>(() -> 1);
            assertThatThrownBy(
                            () ->
                                    pool.invoke(
                                            new Of<>(
                                                    () -> {
                                                        PoolTask.invokeAll(same, same);
                                                        return 0;
                                                    })))
                    .hasCauseInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void nullsAreRejectedNamingTheArgument() {
        try (var pool = pool(1)) {
            assertThatThrownBy(() -> pool.submit((PoolTask<Object>) null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("task");
            assertThatThrownBy(() -> pool.invoke((PoolTask<Object>) null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("task");
            assertThatThrownBy(() -> PoolTask.invokeAll(null, new Of<>(() -> 1)))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessage("a must not be null");
            assertThatThrownBy(() -> PoolTask.invokeAll(new Of<>(() -> 1), null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessage("b must not be null");
        }
    }

    @Test
    void submittingToAClosedPoolFailsAndLeavesTheTaskUnforked() {
        var closed = pool(1);
        closed.close();
        Of<Integer> t = new Of<>(() -> 3);
        assertThatThrownBy(() -> closed.submit(t)).isInstanceOf(PoolClosedException.class);
        assertThatThrownBy(() -> closed.invoke(new Of<>(() -> 3)))
                .isInstanceOf(PoolClosedException.class);
        try (var pool = pool(1)) {
            assertThat(pool.invoke(t)).isEqualTo(3);
        }
    }

    @Test
    void aTaskThatJoinsItselfFailsFast() {
        try (var pool = pool(1)) {
            AtomicReference<PoolTask<Integer>> self = new AtomicReference<>();
            Of<Integer> t = new Of<>(() -> self.get().join());
            self.set(t);
            assertThatThrownBy(() -> pool.invoke(t))
                    .isInstanceOf(PanicException.class)
                    .hasCauseInstanceOf(IllegalStateException.class)
                    .hasRootCauseMessage(
                            "a task of pool 'pt' joins its own handle on thread 'pt-worker-0':"
                                    + " it would wait for itself for ever; return the value"
                                    + " instead, or join only tasks it forked");
        }
    }
}
