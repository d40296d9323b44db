package dev.braid.examples.guides;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.thread.JoinHandle;
import dev.braid.thread.PanicException;
import dev.braid.thread.PanicHook;
import dev.braid.thread.Panics;
import dev.braid.thread.ThreadLocalKey;
import dev.braid.thread.Threads;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The examples of {@code docs/threads.md}, compiled and run: if the API moves, the guide's code
 * stops compiling here. Each test holds one snippet as the guide shows it (placeholders such as
 * {@code Connection} are small local stand-ins) and checks what the guide says about it.
 */
class ThreadsGuideTest {
    @Test
    void spawnAndJoin() throws Exception {
        // --- docs/threads.md, "Spawn and join"
        JoinHandle<Integer> h = Threads.spawn(() -> 6 * 7);
        int answer = h.join();

        JoinHandle<Void> logger =
                Threads.builder().name("logger").virtual().spawn(() -> System.out.println("hello"));
        logger.join();
        // ---
        assertThat(answer).isEqualTo(42);
        assertThat(logger.join()).isNull();
        assertThat(logger.thread().isVirtual()).isTrue();
        assertThat(logger.name()).isEqualTo("logger");
    }

    @Test
    void panicsCrossTheJoin() throws Exception {
        PanicHook quiet = (thread, failure) -> {};
        PanicHook before = Panics.setHook(quiet);
        try {
            // --- docs/threads.md, "Panics and the panic hook"
            JoinHandle<Integer> bad = Threads.spawn(() -> Integer.parseInt("forty-two"));
            Throwable cause = null;
            String who = null;
            try {
                bad.join();
            } catch (PanicException e) {
                cause = e.getCause();
                who = e.threadName();
            }
            // ---
            assertThat(cause).isInstanceOf(NumberFormatException.class);
            assertThat(who).isEqualTo(bad.name());
            assertThatThrownBy(bad::join).isInstanceOf(PanicException.class); // same outcome again
        } finally {
            Panics.setHook(before);
        }
    }

    @Test
    void theHookSeesEveryPanicOnce() throws Exception {
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        // --- docs/threads.md, replacing the hook
        PanicHook previous =
                Panics.setHook(
                        (thread, failure) ->
                                log.add("thread " + thread.getName() + " panicked: " + failure));
        try {
            runService();
        } finally {
            Panics.setHook(previous);
        }
        // ---
        assertThat(log)
                .containsExactly("thread svc panicked: java.lang.IllegalStateException: down");
        assertThat(Panics.hook()).isSameAs(previous);
    }

    private static void runService() throws InterruptedException {
        JoinHandle<Void> svc =
                Threads.builder()
                        .name("svc")
                        .spawn(
                                () -> {
                                    throw new IllegalStateException("down");
                                });
        while (!svc.isFinished()) {
            Threads.sleep(java.time.Duration.ofMillis(1));
        }
    }

    @Test
    void scopesBorrowAndJoin() throws Exception {
        // --- docs/threads.md, "Scopes"
        int[] data = {1, 2, 3, 4, 5, 6, 7, 8};
        long total =
                Threads.scopeAndGet(
                        s -> {
                            JoinHandle<Long> left = s.spawn(() -> sum(data, 0, 4));
                            JoinHandle<Long> right = s.spawn(() -> sum(data, 4, 8));
                            return left.join() + right.join();
                        });
        // ---
        assertThat(total).isEqualTo(36);
    }

    private static long sum(int[] a, int from, int to) {
        long s = 0;
        for (int i = from; i < to; i++) {
            s += a[i];
        }
        return s;
    }

    /** A stand-in for the guide's connection: records what was sent and whether it was closed. */
    static final class Connection {
        final List<String> sent = new ArrayList<>();
        boolean closed;

        void send(String s) {
            sent.add(s);
        }

        void close() {
            closed = true;
        }
    }

    /** A stand-in for the guide's pool. */
    static final class Pool {
        final List<Connection> opened = Collections.synchronizedList(new ArrayList<>());

        Connection open() {
            Connection c = new Connection();
            opened.add(c);
            return c;
        }
    }

    @Test
    void threadLocalsAreDestroyedBeforeJoinReturns() throws Exception {
        Pool pool = new Pool();
        // --- docs/threads.md, "Thread-locals with destructors"
        ThreadLocalKey<StringBuilder> buffer = ThreadLocalKey.of("buffer", StringBuilder::new);
        ThreadLocalKey<Connection> conn =
                ThreadLocalKey.withDestructor("conn", pool::open, Connection::close);

        Threads.spawn(
                        () -> {
                            conn.get().send(buffer.get().append("hi").toString());
                        })
                .join();
        // ---
        assertThat(pool.opened).hasSize(1);
        assertThat(pool.opened.get(0).sent).containsExactly("hi");
        assertThat(pool.opened.get(0).closed).isTrue();
        assertThat(conn.isInitialized()).isFalse(); // this (main) thread never touched it
    }
}
