package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.braid.cancel.CancellationToken;
import dev.braid.cancel.Deadline;
import dev.braid.channel.Channel;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * probe16: a one-shot future polled again after it completed names the public operation the user
 * wrote ({@code then(...)}, {@code Async.race(...)}), not braid's internal class ("Then",
 * "Select").
 */
class PollAfterCompletionMessageTest {
    private static Arguments of(String operation, Supplier<Async<?>> future) {
        return Arguments.of(operation, future);
    }

    static Stream<Arguments> oneShotFutures() {
        Channel<Integer> ch = Channel.<Integer>builder().bounded(4).name("ch").build();
        return Stream.of(
                of("then(...)", () -> Async.ready(1).then(x -> Async.ready(x + 1))),
                of("map(...)", () -> Async.ready(1).map(x -> x + 1)),
                of("ensure(...)", () -> Async.ready(1).ensure(() -> {})),
                of("timeout(...)", () -> Async.ready(1).timeout(Duration.ofMinutes(1))),
                of(
                        "cancelAfter(...)",
                        () ->
                                Async.ready(1)
                                        .cancelAfter(Deadline.never(), CancellationToken.none())),
                of("Async.joinAll(...)", () -> Async.joinAll(List.of(Async.ready(1)))),
                of("Async.race(...)", () -> Async.race(List.of(Async.ready(1)))),
                of("Async.select(...)", () -> Async.select(List.of(Async.ready(1)))),
                of("Async.firstSuccess(...)", () -> Async.firstSuccess(List.of(Async.ready(1)))),
                of("Async.yieldNow()", Async::yieldNow),
                of(
                        "Async.fromStage(...)",
                        () -> Async.fromStage(CompletableFuture.completedStage(1))),
                of("Async.spawnBlocking(...)", () -> Async.spawnBlocking(() -> 1)),
                of("Async.join(...)", () -> Async.join(Threads.spawn(() -> 1))),
                of(
                        "AsyncChannels.recv(...)",
                        () -> {
                            ch.trySend(1);
                            return AsyncChannels.recv(ch.receiver());
                        }),
                of("AsyncChannels.send(...)", () -> AsyncChannels.send(ch.sender(), 2)),
                of(
                        "AsyncChannels.select()...build()",
                        () -> {
                            ch.trySend(3);
                            return AsyncChannels.<Integer>select()
                                    .recv(ch.receiver(), x -> x)
                                    .build();
                        }),
                of("AsyncMutex.lock()", () -> new AsyncMutex("m").lock()),
                of(
                        "AsyncMutex.withLock(...)",
                        () -> new AsyncMutex("m").withLock(g -> Async.ready(1))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oneShotFutures")
    void aSecondPollAfterReadyNamesTheOperation(String operation, Supplier<Async<?>> make)
            throws Exception {
        Async<?> f = make.get();
        Async.await(f); // to completion (a blocking body's thread too), on this thread
        Context cx = new Context(() -> {});
        Throwable t = catchThrowable(() -> f.poll(cx));
        assertThat(t)
                .as("a poll after completion throws")
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("the future of " + operation + " polled after it completed")
                .hasMessageNotContaining("Then")
                .hasMessageNotContaining("Select ")
                .hasMessageNotContaining("JoinAll");
    }
}
