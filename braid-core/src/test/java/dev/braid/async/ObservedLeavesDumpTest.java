package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.cancel.CancellationSource;
import dev.braid.cancel.Deadline;
import dev.braid.channel.Channel;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * ADR 0187: with {@code -Dbraid.async.observe=true} (read once, so in a JVM of its own) the live
 * task dump says what the leaves ADR 0183 left out await: a CompletionStage, a spawnBlocking body,
 * a token's cancellation, a thread's join, a timeout's and a cancelAfter's timer, and a future the
 * user wrote. Without the switch none of them says "awaits" (the second run shows the check can
 * fail).
 */
class ObservedLeavesDumpTest {
    private static List<String> run(boolean observe) throws Exception {
        return ObservedChild.taskLines(Program.class, observe);
    }

    private static String line(List<String> dump, String task) {
        return dump.stream()
                .filter(l -> l.startsWith("task '" + task + "'"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no line for " + task + " in " + dump));
    }

    @Test
    void anObservedDumpSaysWhatEachRemainingLeafAwaits() throws Exception {
        List<String> dump = run(true);
        assertThat(line(dump, "stage"))
                .contains(", awaits a CompletionStage (")
                .contains("CompletableFuture")
                .contains("Not completed");
        assertThat(line(dump, "blocking"))
                .contains(", awaits the blocking body Parked (the parked body) on thread '");
        assertThat(line(dump, "lambda"))
                .contains(
                        ", awaits the blocking body a lambda in ObservedLeavesDumpTest.Program on thread '");
        assertThat(line(dump, "token"))
                .contains(", awaits the cancellation of a token (CancellationToken[active])");
        assertThat(line(dump, "thread"))
                .endsWith(", awaits the end of thread 'worker-thread' (Async.join)");
        assertThat(line(dump, "timeout"))
                .contains(", awaits a wake from Gate (the user's gate), or its timeout, ")
                .contains(" ms left");
        assertThat(line(dump, "user")).endsWith(", awaits a wake from Plain");
        assertThat(line(dump, "cancelAfter"))
                .contains(", awaits to receive on channel 'results'")
                .contains(", or its cancelAfter's deadline, ")
                .contains(" ms left, or token (CancellationToken[active])");
    }

    @Test
    void anUnobservedDumpDoesNot() throws Exception {
        List<String> dump = run(false);
        assertThat(dump)
                .hasSize(Program.TASKS)
                .allSatisfy(l -> assertThat(l).doesNotContain(", awaits "));
    }

    /** A future of the user's with a toString of its own: pending until nobody wakes it. */
    static final class Gate implements Async<Integer> {
        @Override
        public Poll<Integer> poll(Context cx) {
            return Poll.pending();
        }

        @Override
        public String toString() {
            return "the user's gate";
        }
    }

    /** A future of the user's without a toString. */
    static final class Plain implements Async<Integer> {
        @Override
        public Poll<Integer> poll(Context cx) {
            return Poll.pending();
        }
    }

    /** A blocking body that waits for its gate (or its interrupt). */
    record Parked(CountDownLatch gate) implements Callable<Integer> {
        @Override
        public Integer call() throws InterruptedException {
            gate.await();
            return 1;
        }

        @Override
        public String toString() {
            return "the parked body";
        }
    }

    /** The child program: one pending task per leaf; prints the dump. */
    public static final class Program {
        static final int TASKS = 8;

        public static void main(String[] args) throws Exception {
            Channel<Integer> results =
                    Channel.<Integer>builder().bounded(1).name("results").build();
            CountDownLatch gate = new CountDownLatch(1);
            CancellationSource source = new CancellationSource();
            try (ThreadedExecutor ex = ThreadedExecutor.create("observed", 1)) {
                ex.spawn("stage", Async.fromStage(new CompletableFuture<Integer>()));
                ex.spawn("blocking", Async.spawnBlocking(new Parked(gate)));
                ex.spawn(
                        "lambda",
                        Async.spawnBlocking(
                                () -> {
                                    gate.await();
                                    return 2;
                                }));
                ex.spawn("token", Async.cancelled(source.token()));
                ex.spawn(
                        "thread",
                        Async.join(
                                Threads.builder()
                                        .name("worker-thread")
                                        .spawn(
                                                () -> {
                                                    gate.await();
                                                    return 3;
                                                })));
                ex.spawn("timeout", new Gate().timeout(Duration.ofMinutes(5)));
                ex.spawn("user", new Plain().map(x -> x + 1));
                ex.spawn(
                        "cancelAfter",
                        AsyncChannels.recv(results.receiver())
                                .cancelAfter(
                                        Deadline.after(Duration.ofMinutes(5)), source.token()));
                ObservedChild.printSettledDump(ex, TASKS);
            } finally {
                gate.countDown();
            }
        }
    }
}
