package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * probe17, ADR 0194: an executor closed from the spawnBlocking body of one of its own tasks would
 * wait for that task, whose outcome waits for its body (ADR 0181), which is in close(): it waited
 * for ever (failed on 4cdcd60 for both kinds, by the time limit). Now an IllegalStateException
 * naming the executor and the task, the executor unchanged.
 */
class CloseFromOwnBlockingBodyTest {
    @ParameterizedTest
    @ValueSource(strings = {"threaded", "pool"})
    void closeFromTheBlockingBodyOfItsOwnTaskFailsFast(String kind) {
        Supplier<AsyncExecutor> make =
                kind.equals("threaded")
                        ? () -> ThreadedExecutor.create("ex", 2)
                        : () -> PoolExecutor.create("ex", 2);
        AsyncExecutor ex = make.get();
        try {
            TaskHandle<String> h =
                    ex.spawn(
                            "closer",
                            Async.spawnBlocking(
                                    () -> {
                                        ex.close();
                                        return "closed";
                                    }));
            assertTimeoutPreemptively(
                    Duration.ofSeconds(20),
                    () ->
                            assertThatThrownBy(h::join)
                                    .isInstanceOf(TaskPanicException.class)
                                    .cause()
                                    .isInstanceOf(IllegalStateException.class)
                                    .hasMessageContaining("spawnBlocking")
                                    .hasMessageContaining("'closer'"));
            assertThat(ex.isClosed()).isFalse();
        } finally {
            Thread.ofPlatform().daemon(true).start(ex::close); // a hung close must not hang CI
        }
    }
}
