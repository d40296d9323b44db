package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.braid.channel.Channel;
import dev.braid.channel.RecvResult;
import dev.braid.channel.Select;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * probe17, ADR 0189: a channel's blocking {@code send}, {@code recv} or {@code select} called
 * inside a task's poll held the executor thread; on a one-worker executor whose other task was the
 * other end it waited for ever (each case here hit its time limit before). Now the operation, about
 * to wait, throws {@link IllegalStateException} naming the channel, the task and the async form to
 * use, and leaves the channel as it was (nothing queued, no element taken or left on offer); a
 * blocking operation that completes at once still works inside a poll.
 */
class ChannelBlockingInPollTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    static Stream<Arguments> executors() {
        return Stream.of(
                Arguments.of(
                        "threaded",
                        (Supplier<AsyncExecutor>) () -> ThreadedExecutor.create("one", 1)),
                Arguments.of("pool", (Supplier<AsyncExecutor>) () -> PoolExecutor.create("one", 1)),
                Arguments.of("local", (Supplier<AsyncExecutor>) () -> LocalExecutor.create("one")));
    }

    private static <T> T joinOn(AsyncExecutor ex, TaskHandle<T> h) throws Exception {
        return ex instanceof LocalExecutor l ? l.blockOn(h) : h.join();
    }

    private static <T> Async<T> inPoll(Callable<T> blocking) {
        return Async.yieldNow()
                .map(
                        v -> {
                            try {
                                return blocking.call();
                            } catch (RuntimeException e) {
                                throw e;
                            } catch (Exception e) {
                                throw new AssertionError(e);
                            }
                        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("executors")
    void aBlockingSendOnAFullChannelInsideAPollFailsFastAndLeavesTheChannelAsItWas(
            String kind, Supplier<AsyncExecutor> make) {
        Channel<Integer> ch = Channel.<Integer>builder().name("jobs").bounded(1).build();
        try (AsyncExecutor ex = make.get();
                Unblock _ = new Unblock(ch)) {
            assertTimeoutPreemptively(
                    LIMIT,
                    () -> {
                        TaskHandle<Integer> sender =
                                ex.spawn(
                                        "sender",
                                        inPoll(
                                                () -> {
                                                    ch.send(1); // room: completes at once
                                                    ch.send(2); // full: would wait
                                                    return 0;
                                                }));
                        assertThatThrownBy(() -> joinOn(ex, sender))
                                .isInstanceOf(TaskPanicException.class)
                                .cause()
                                .isInstanceOf(IllegalStateException.class)
                                .hasMessageContaining("blocking send on channel 'jobs'")
                                .hasMessageContaining("inside a poll of task 'sender'")
                                .hasMessageContaining("AsyncChannels.send(tx, element)");
                        assertThat(ch.len()).isEqualTo(1);
                        assertThat(ch.blockedSenders()).isZero();
                        assertThat(ch.tryRecvOrNull()).isEqualTo(1);
                        assertThat(ch.tryRecvOrNull()).isNull();
                    });
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("executors")
    void aBlockingRecvAndARendezvousSendInsideAPollFailToo(
            String kind, Supplier<AsyncExecutor> make) {
        Channel<Integer> buffered = Channel.<Integer>builder().name("empty").bounded(4).build();
        Channel<Integer> rendezvous = Channel.<Integer>builder().name("meet").rendezvous().build();
        Channel<Integer> unbounded = Channel.<Integer>builder().name("inbox").unbounded().build();
        try (AsyncExecutor ex = make.get();
                Unblock _ = new Unblock(buffered, rendezvous, unbounded)) {
            assertTimeoutPreemptively(
                    LIMIT,
                    () -> {
                        for (Channel<Integer> ch : List.of(buffered, rendezvous, unbounded)) {
                            TaskHandle<Integer> rx = ex.spawn("rx", inPoll(ch::recv));
                            assertThatThrownBy(() -> joinOn(ex, rx))
                                    .cause()
                                    .isInstanceOf(IllegalStateException.class)
                                    .hasMessageContaining("blocking recv on " + label(ch))
                                    .hasMessageContaining("AsyncChannels.recv(rx)");
                            assertThat(ch.blockedReceivers()).isZero();
                        }
                        TaskHandle<Integer> tx =
                                ex.spawn(
                                        "tx",
                                        inPoll(
                                                () -> {
                                                    rendezvous.send(5);
                                                    return 0;
                                                }));
                        assertThatThrownBy(() -> joinOn(ex, tx))
                                .cause()
                                .isInstanceOf(IllegalStateException.class)
                                .hasMessageContaining("blocking send on channel 'meet'");
                        assertThat(rendezvous.blockedSenders()).isZero();
                        // a timed recv that would wait is refused too; one that does not wait works
                        TaskHandle<RecvResult<Integer>> timed =
                                ex.spawn(
                                        "timed",
                                        inPoll(() -> buffered.recv(Duration.ofSeconds(5))));
                        assertThatThrownBy(() -> joinOn(ex, timed))
                                .cause()
                                .isInstanceOf(IllegalStateException.class);
                        TaskHandle<RecvResult<Integer>> zero =
                                ex.spawn("zero", inPoll(() -> buffered.recv(Duration.ZERO)));
                        assertThat(joinOn(ex, zero)).isInstanceOf(RecvResult.TimedOut.class);
                        buffered.send(9);
                        TaskHandle<Integer> ready = ex.spawn("ready", inPoll(buffered::recv));
                        assertThat(joinOn(ex, ready)).isEqualTo(9);
                    });
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("executors")
    void aBlockingSelectInsideAPollFailsFastAndOneWithADefaultStillRuns(
            String kind, Supplier<AsyncExecutor> make) {
        Channel<Integer> a = Channel.<Integer>builder().name("a").bounded(2).build();
        try (AsyncExecutor ex = make.get();
                Unblock _ = new Unblock(a)) {
            assertTimeoutPreemptively(
                    LIMIT,
                    () -> {
                        TaskHandle<String> waits =
                                ex.spawn(
                                        "selector",
                                        inPoll(
                                                () ->
                                                        Select.<String>biased()
                                                                .recv(a, v -> "got " + v)
                                                                .run()));
                        assertThatThrownBy(() -> joinOn(ex, waits))
                                .cause()
                                .isInstanceOf(IllegalStateException.class)
                                .hasMessageContaining(
                                        "blocking select inside a poll of task 'selector'")
                                .hasMessageContaining("AsyncChannels.select()");
                        assertThat(a.blockedReceivers()).isZero();
                        TaskHandle<String> withDefault =
                                ex.spawn(
                                        "default",
                                        inPoll(
                                                () ->
                                                        Select.<String>biased()
                                                                .recv(a, v -> "got " + v)
                                                                .orElse(() -> "none")
                                                                .run()));
                        assertThat(joinOn(ex, withDefault)).isEqualTo("none");
                    });
        }
    }

    /**
     * Closes the channels before the executor: a task still blocked in one (the test failed) is
     * released, so the executor's close does not wait for it for ever.
     */
    private record Unblock(Channel<?>... channels) implements AutoCloseable {
        @Override
        public void close() {
            for (Channel<?> c : channels) {
                c.close();
            }
        }
    }

    private static String label(Channel<?> ch) {
        return "channel '" + ch.name().orElseThrow() + "'";
    }
}
