package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.channel.Channel;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ADR 0183: with {@code -Dbraid.async.observe=true} (read once, so in a JVM of its own) the live
 * task dump says what each pending task awaits outside the testkit too: a channel receive, a task's
 * handle, an AsyncMutex, a sleep. Without the switch it says "idle (awaiting a wake)" (the child
 * program runs both ways; the second run shows the check can fail).
 */
class ObservedDumpTest {
    private static List<String> run(boolean observe) throws Exception {
        return ObservedChild.taskLines(Program.class, observe);
    }

    @Test
    void anObservedDumpSaysWhatEachPendingTaskAwaits() throws Exception {
        List<String> dump = run(true);
        assertThat(dump)
                .anySatisfy(
                        l ->
                                assertThat(l)
                                        .startsWith("task 'fetch'")
                                        .contains(", awaits ")
                                        .contains("results"));
        assertThat(dump)
                .anySatisfy(
                        l ->
                                assertThat(l)
                                        .startsWith("task 'joiner'")
                                        .contains(", awaits join of task 'fetch'"));
        assertThat(dump)
                .anySatisfy(
                        l ->
                                assertThat(l)
                                        .startsWith("task 'locker'")
                                        .contains(", awaits ")
                                        .contains("guarded"));
        assertThat(dump)
                .anySatisfy(
                        l ->
                                assertThat(l)
                                        .startsWith("task 'sleeper'")
                                        .contains(", awaits a sleep, "));
    }

    @Test
    void anUnobservedDumpDoesNot() throws Exception {
        List<String> dump = run(false);
        assertThat(dump).hasSize(4).allSatisfy(l -> assertThat(l).doesNotContain(", awaits "));
    }

    /** The child program: four pending tasks, each awaiting something else; prints the dump. */
    public static final class Program {
        public static void main(String[] args) throws Exception {
            Channel<Integer> results =
                    Channel.<Integer>builder().bounded(1).name("results").build();
            AsyncMutex guarded = new AsyncMutex("guarded");
            AsyncMutex.Guard held = guarded.tryLock().orElseThrow();
            try (ThreadedExecutor ex = ThreadedExecutor.create("observed", 1)) {
                TaskHandle<?> fetch = ex.spawn("fetch", AsyncChannels.recv(results.receiver()));
                ex.spawn("joiner", fetch);
                ex.spawn("locker", guarded.lock());
                ex.spawn("sleeper", Async.sleep(Duration.ofMinutes(5)));
                ObservedChild.printSettledDump(ex, 4);
            } finally {
                held.close();
            }
        }
    }
}
