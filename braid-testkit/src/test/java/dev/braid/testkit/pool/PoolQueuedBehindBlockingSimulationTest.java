package dev.braid.testkit.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.pool.TaskHandle;
import dev.braid.pool.WorkStealingPool;
import dev.braid.sync.Latch;
import dev.braid.testkit.Simulation;
import dev.braid.testkit.Strategy;
import org.junit.jupiter.api.Test;

/**
 * A submission queued behind a task that blocks runs on the other worker: the wake rule must never
 * leave a queued task waiting behind a worker that runs a blocking task while another worker
 * sleeps. Kept from ADR 0106's experiment (rejected), whose taker hand-off needed a fallback for
 * exactly this case; any later change to the wake rule (Idle) must keep it green.
 */
class PoolQueuedBehindBlockingSimulationTest {
    static final int SCHEDULES = PoolSimulationTest.SCHEDULES;

    /**
     * A task blocks on a latch that only a task submitted after it opens, and the outside thread
     * waits for the opener's effect without joining (a joiner would run a queued task itself). If a
     * worker starts the blocking task with the opener queued behind it and the other worker sleeps
     * on, this reports a deadlock (it did with ADR 0106's rule and its fallback planted away).
     */
    @Test
    void aSubmissionQueuedBehindABlockingTaskRunsOnTheOtherWorker() {
        for (Strategy strategy : new Strategy[] {Strategy.RANDOM, Strategy.PCT}) {
            Simulation.builder()
                    .seed(61)
                    .strategy(strategy)
                    .schedules(SCHEDULES * 4)
                    .build()
                    .check(PoolQueuedBehindBlockingSimulationTest::blockerThenOpener);
        }
    }

    /** The program: a blocker that waits for the opener submitted after it (see above). */
    static void blockerThenOpener() throws Exception {
        WorkStealingPool pool = WorkStealingPool.builder().parallelism(2).build();
        Latch open = new Latch(1);
        Latch opened = new Latch(1);
        TaskHandle<Integer> blocker =
                pool.submit(
                        () -> {
                            open.await();
                            return 1;
                        });
        pool.submit(
                () -> {
                    open.countDown();
                    opened.countDown();
                });
        opened.await();
        assertThat(blocker.join()).isEqualTo(1);
        pool.close();
        assertThat(pool.isTerminated()).isTrue();
    }
}
