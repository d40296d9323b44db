package dev.braid.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.async.ThreadedExecutor;
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

    /** Main joins 'client' itself. */
    private static void program() throws Exception {
        ReplierDeadlock.run((ex, client) -> client);
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
