package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.channel.Channel;
import dev.braid.channel.RecvResult;
import dev.braid.thread.ScopePolicy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The examples of docs/async.md, compiled and run. */
class AsyncDocExamplesTest {
    static final class Flag implements Async<Void> {
        private final AtomicBoolean set = new AtomicBoolean();
        private final AtomicReference<Waker> waker = new AtomicReference<>();

        @Override
        public Poll<Void> poll(Context cx) {
            waker.set(cx.waker());
            return set.get() ? Poll.ready(null) : Poll.pending();
        }

        void set() {
            set.set(true);
            Waker w = waker.get();
            if (w != null) {
                w.wake();
            }
        }
    }

    @Test
    void theModel() throws Exception {
        Async<String> greeting = Async.sleep(Duration.ofMillis(10)).map(v -> "hello");
        try (LocalExecutor ex = LocalExecutor.create("main")) {
            String s = ex.blockOn(greeting);
            assertThat(s).isEqualTo("hello");
            Flag flag = new Flag();
            Thread.ofVirtual().start(flag::set);
            String after = ex.blockOn(flag.map(v -> "set"));
            assertThat(after).isEqualTo("set");
        }
    }

    @Test
    void executorsAndTasks() throws Exception {
        try (ThreadedExecutor ex = ThreadedExecutor.create("workers", 4)) {
            TaskHandle<Integer> a = ex.spawn("a", Async.sleep(Duration.ofMillis(5)).map(v -> 20));
            TaskHandle<Integer> b = ex.spawn("b", a.then(x -> Async.ready(x + 1)));
            int v = b.join();
            assertThat(v).isEqualTo(21);
        }
    }

    @Test
    void structuredTaskScopes() throws Exception {
        try (ThreadedExecutor ex = ThreadedExecutor.create("workers", 2);
                TaskScope scope = TaskScope.open(ex, ScopePolicy.FAIL_FAST)) {
            TaskHandle<String> user =
                    scope.spawn("user", Async.sleep(Duration.ofMillis(5)).map(v -> "ann"));
            TaskHandle<Integer> orders = scope.spawn("orders", Async.ready(3));
            scope.join();
            String line = user.join() + ": " + orders.join();
            assertThat(line).isEqualTo("ann: 3");
        }
    }

    @Test
    void directStyle() throws Exception {
        AtomicReference<String> page = new AtomicReference<>();
        Thread.ofVirtual()
                .start(
                        () -> {
                            try {
                                page.set(
                                        Async.await(
                                                        Async.sleep(Duration.ofMillis(1))
                                                                .map(v -> "<html>")
                                                                .timeout(Duration.ofSeconds(2)))
                                                .value());
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        })
                .join();
        assertThat(page.get()).isEqualTo("<html>");
    }

    static Async<Integer> sumAll(Channel<Integer> ch, int acc) {
        return AsyncChannels.recv(ch)
                .then(
                        r ->
                                switch (r) {
                                    case RecvResult.Received<Integer>(Integer v) ->
                                            sumAll(ch, acc + v);
                                    default -> Async.ready(acc);
                                });
    }

    @Test
    void channelsForThreadsAndTasks() throws Exception {
        Channel<Integer> numbers = Channel.bounded(16);
        try (PoolExecutor ex = PoolExecutor.create("workers", 2)) {
            TaskHandle<Integer> sum = ex.spawn("sum", sumAll(numbers, 0));
            for (int i = 1; i <= 100; i++) {
                numbers.send(i);
            }
            numbers.close();
            int total = sum.join();
            assertThat(total).isEqualTo(5050);
        }
    }
}
