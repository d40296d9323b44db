package dev.braid.examples.guides;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.pool.CancelAware;
import dev.braid.pool.Joined;
import dev.braid.pool.PoolClosedException;
import dev.braid.pool.PoolTask;
import dev.braid.pool.TaskHandle;
import dev.braid.pool.WorkStealingPool;
import dev.braid.thread.PanicException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The examples of {@code docs/pool.md} (and the README's pool line), compiled and run: each test
 * holds one snippet as the guide shows it (placeholders such as {@code render} and {@code Part} are
 * small local stand-ins) and checks what the guide's text says about it.
 */
class PoolGuideTest {
    record Scene(String name) {}

    record Image(String of) {}

    record Part(int id) {}

    private static Image render(Scene s) {
        if (s.name().isEmpty()) {
            throw new IllegalArgumentException("empty scene");
        }
        return new Image(s.name());
    }

    private final List<Part> processed = new CopyOnWriteArrayList<>();

    private void process(Part p) {
        processed.add(p);
    }

    private final AtomicInteger dropped = new AtomicInteger();

    private static void work() {}

    // --- docs/pool.md, "Lifecycle" (CancelAware)
    final class Job implements Runnable, CancelAware {
        public void run() {
            work();
        }

        public void cancelledBeforeStart() {
            dropped.incrementAndGet();
        }
    }

    // --- docs/pool.md, "PoolTask: the task is the handle"
    static final class Fib extends PoolTask<Long> {
        final int n;

        Fib(int n) {
            this.n = n;
        }

        @Override
        protected Long compute() {
            if (n < 2) return (long) n;
            Fib f = new Fib(n - 2);
            f.fork(); // stealable by other workers
            return new Fib(n - 1).compute() + f.join(); // pops f back and runs it, or helps
        }
    }

    // ---

    @Test
    void poolTaskFibAsTheGuideShowsIt() {
        try (var pool = WorkStealingPool.builder().parallelism(2).build()) {
            long r = pool.invoke(new Fib(30)); // from outside: submits and waits
            assertThat(r).isEqualTo(832_040L);
            Fib once = new Fib(5);
            assertThat(pool.invoke(once)).isEqualTo(5L);
            assertThatThrownBy(() -> pool.submit(once)) // a task runs once
                    .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> new Fib(3).join()) // never forked
                    .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> new Fib(3).fork()) // outside a task of a pool
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("pool.submit(task)");
        }
    }

    @Test
    void aCancelAwareJobIsToldWhenShutdownNowDropsIt() throws Exception {
        var pool = WorkStealingPool.builder().parallelism(1).build();
        var release = new java.util.concurrent.CountDownLatch(1);
        var started = new java.util.concurrent.CountDownLatch(1);
        pool.submit(
                () -> {
                    started.countDown();
                    return release.await(10, java.util.concurrent.TimeUnit.SECONDS);
                });
        assertThat(started.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        pool.submit(new Job()); // if shutdownNow() drops it queued: dropped is 1
        assertThat(pool.shutdownNow()).hasSize(1);
        assertThat(dropped).hasValue(1); // told once, on this thread
        release.countDown();
        assertThat(pool.awaitTermination(Duration.ofSeconds(30))).isTrue();
    }

    @Test
    void theOpeningExample() throws Exception {
        Scene scene = new Scene("teapot");
        WorkStealingPool seen;
        // --- docs/pool.md, opening example
        try (var pool =
                WorkStealingPool.builder()
                        .parallelism(8) // default: available processors
                        .namePrefix("render") // workers are "render-worker-0" ...
                        .build()) {
            TaskHandle<Image> h = pool.submit(() -> render(scene));
            Image img = h.join(); // PanicException if render threw
            // ---
            assertThat(img).isEqualTo(new Image("teapot"));
            seen = pool;
            TaskHandle<Image> bad = pool.submit(() -> render(new Scene("")));
            assertThatThrownBy(bad::join)
                    .isInstanceOf(PanicException.class)
                    .cause()
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("empty scene");
            assertThat(pool.toString()).startsWith("WorkStealingPool[render, RUNNING");
        } // close(): shutdown, then wait for every task
        assertThat(seen.isTerminated()).isTrue();
        assertThatThrownBy(() -> seen.submit(() -> 1))
                .isInstanceOf(PoolClosedException.class)
                .isInstanceOf(RejectedExecutionException.class)
                .hasMessageContaining("render");
    }

    // --- docs/pool.md, "Fork/join"
    static long fib(WorkStealingPool pool, int n) {
        if (n < 2) return n;
        Joined<Long, Long> r = pool.join(() -> fib(pool, n - 1), () -> fib(pool, n - 2));
        return r.first() + r.second();
    }

    static long fib2(WorkStealingPool pool, int n) throws InterruptedException {
        if (n < 2) return n;
        TaskHandle<Long> f = pool.submit(() -> fib2(pool, n - 2));
        return fib2(pool, n - 1) + f.join();
    }

    // ---

    @Test
    void forkJoinTerminatesEvenWithOneWorker() throws Exception {
        for (int workers : new int[] {1, 2}) {
            try (var pool = WorkStealingPool.builder().parallelism(workers).build()) {
                assertThat(fib(pool, 15)).isEqualTo(610);
                assertThat(pool.submit(() -> fib2(pool, 15)).join()).isEqualTo(610);
            }
        }
    }

    @Test
    void structuredScopes() throws Exception {
        List<Part> parts = List.of(new Part(1), new Part(2), new Part(3));
        try (var pool = WorkStealingPool.builder().parallelism(2).build()) {
            // --- docs/pool.md, "Structured scopes"
            pool.scope(
                    s -> {
                        for (Part p : parts) {
                            s.spawn(() -> process(p));
                        }
                    }); // every spawned task (and every task they spawned in s) has finished here
            // ---
            assertThat(processed).containsExactlyInAnyOrderElementsOf(parts);
            assertThatThrownBy(
                            () ->
                                    pool.scope(
                                            s -> {
                                                s.spawn(
                                                        () -> {
                                                            throw new IllegalStateException(
                                                                    "first");
                                                        });
                                            }))
                    .as("the first failure is rethrown")
                    .isInstanceOf(PanicException.class)
                    .cause()
                    .hasMessage("first");
        }
    }

    @Test
    void tasksAndHandlesAsTheGuideDescribesThem() throws Exception {
        try (var pool = WorkStealingPool.builder().parallelism(1).build()) {
            TaskHandle<Integer> h = pool.submit(() -> 1);
            assertThat(h.get()).isEqualTo(1);
            assertThat(h.join(Duration.ofSeconds(-1)).isFinished())
                    .as("a finished task: a duration <= 0 still reports it")
                    .isTrue();
            TaskHandle<Object> failing =
                    pool.submit(
                            () -> {
                                throw new AssertionError("an Error too");
                            });
            assertThatThrownBy(failing::get).isInstanceOf(ExecutionException.class);
            assertThat(pool.submit(() -> 2).join()).as("the worker survives an Error").isEqualTo(2);
            assertThatThrownBy(() -> pool.submit(pool::close).join())
                    .as("close() from a task of the same pool")
                    .isInstanceOf(PanicException.class)
                    .cause()
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void theExecutorServiceView() throws Exception {
        try (var pool = WorkStealingPool.builder().parallelism(2).build()) {
            ExecutorService ex = pool.asExecutorService();
            assertThat(CompletableFuture.supplyAsync(() -> 6 * 7, ex).get()).isEqualTo(42);
        }
    }

    @Test
    void theReadmeLines() throws Exception {
        Scene scene = new Scene("readme");
        // --- README.md, "A taste" (pool lines)
        try (var pool = WorkStealingPool.builder().build()) { // work stealing, fork/join
            TaskHandle<Image> img = pool.submit(() -> render(scene));
            // ---
            assertThat(img.join()).isEqualTo(new Image("readme"));
        }
    }
}
