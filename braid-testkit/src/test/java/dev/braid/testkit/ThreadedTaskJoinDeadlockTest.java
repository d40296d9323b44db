package dev.braid.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.async.AsyncChannels;
import dev.braid.async.TaskHandle;
import dev.braid.async.ThreadedExecutor;
import dev.braid.channel.Channel;
import dev.braid.sync.Mutex;
import dev.braid.thread.Threads;
import org.junit.jupiter.api.Test;

/**
 * A thread joining a task of a {@link ThreadedExecutor} waits, through the task, for what the task
 * awaits: a deadlock through that join, a channel and a mutex is reported as one cycle. testkit10
 * found the join's wait named only the task, with no holder, so the report listed the waits and no
 * cycle. Here the main thread holds a mutex and joins a task that awaits a second reply, which the
 * replier sends only after taking that mutex.
 */
class ThreadedTaskJoinDeadlockTest {
    private final Simulation sim = Simulation.builder().seed(5).schedules(200).build();

    private static void program() throws Exception {
        Mutex<Integer> m = Mutex.named("m", 0);
        Channel<Integer> replies = Channel.<Integer>builder().name("replies").bounded(4).build();
        ThreadedExecutor ex = ThreadedExecutor.create("exec", 1);
        try (var g = m.lock()) {
            Threads.builder()
                    .name("replier")
                    .spawn(
                            () -> {
                                replies.send(1);
                                m.withLock(v -> v); // waits for main, which waits for the task
                                replies.send(2);
                                return null;
                            });
            TaskHandle<Integer> client =
                    ex.spawn(
                            "client",
                            AsyncChannels.recv(replies)
                                    .then(
                                            a ->
                                                    AsyncChannels.recv(replies)
                                                            .map(
                                                                    b ->
                                                                            a.orElseThrow()
                                                                                    + b
                                                                                            .orElseThrow())));
            g.set(client.join());
        }
        ex.close();
    }

    @Test
    void aThreadJoiningATaskThatAwaitsAChannelIsInTheCycle() {
        Exploration e = sim.explore(ThreadedTaskJoinDeadlockTest::program);
        SimResult r = e.failure().orElseThrow();
        assertThat(r).as(e.message()).isInstanceOf(SimResult.Deadlock.class);
        SimResult.Deadlock d = (SimResult.Deadlock) r;
        assertThat(d.cycle())
                .as(e.message())
                .isNotNull()
                .contains("main -> join of task 'client', which awaits ")
                .contains("channel 'replies'")
                .contains("replier -> Mutex(m) -> main");
        assertThat(sim.rerun(r.schedule(), ThreadedTaskJoinDeadlockTest::program)).isEqualTo(r);
    }
}
