package dev.braid.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.async.Async;
import dev.braid.async.TaskHandle;
import dev.braid.async.ThreadedExecutor;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * probe16: a task awaiting another task's handle is in the deadlock wait-for graph (issue 13 point
 * 7: "a task awaiting a channel or a join appears in the wait-for graph"). Here main holds a mutex
 * and joins task 'outer', which awaits task 'client', which awaits a second reply that the replier
 * sends only after taking the mutex. Before, the await of a handle recorded nothing: the report
 * listed main's wait as "join of task 'outer'" with no holder, and no cycle.
 */
class TaskAwaitingTaskDeadlockTest {
    private final Simulation sim = Simulation.builder().seed(5).schedules(200).build();

    /** Main joins task 'outer', which awaits 'client'. */
    private static void program() throws Exception {
        ReplierDeadlock.run((ex, client) -> ex.spawn("outer", client.map(v -> v + 1)));
    }

    @Test
    void aThreadJoiningATaskThatAwaitsATaskThatAwaitsAChannelIsInTheCycle() {
        Exploration e = sim.explore(TaskAwaitingTaskDeadlockTest::program);
        SimResult r = e.failure().orElseThrow();
        assertThat(r).as(e.message()).isInstanceOf(SimResult.Deadlock.class);
        SimResult.Deadlock d = (SimResult.Deadlock) r;
        assertThat(d.cycle())
                .as(e.message())
                .isNotNull()
                .contains("main -> join of task 'outer', which awaits join of task 'client',")
                .contains("channel 'replies'")
                .contains("replier -> Mutex(m) -> main");
        assertThat(sim.rerun(r.schedule(), TaskAwaitingTaskDeadlockTest::program)).isEqualTo(r);
    }

    /** Two tasks awaiting each other's handles: reported, and the report's walk ends. */
    private static void mutual() throws Exception {
        ThreadedExecutor ex = ThreadedExecutor.create("exec", 1);
        AtomicReference<TaskHandle<Integer>> y = new AtomicReference<>();
        TaskHandle<Integer> x = ex.spawn("x", Async.yieldNow().then(v -> y.get()).map(v -> v + 1));
        y.set(ex.spawn("y", x.map(v -> v + 1)));
        x.join();
        ex.close();
    }

    @Test
    void twoTasksAwaitingEachOtherAreReportedWithoutLooping() {
        Exploration e = sim.explore(TaskAwaitingTaskDeadlockTest::mutual);
        SimResult r = e.failure().orElseThrow();
        assertThat(r).as(e.message()).isInstanceOf(SimResult.Deadlock.class);
        assertThat(e.message()).contains("(a cycle of tasks)");
        assertThat(sim.rerun(r.schedule(), TaskAwaitingTaskDeadlockTest::mutual)).isEqualTo(r);
    }
}
