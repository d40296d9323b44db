package dev.braid.testkit.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.DeadlineExceededException;
import dev.braid.channel.Channel;
import dev.braid.pool.WorkStealingPool;
import dev.braid.testkit.SimBody;
import dev.braid.testkit.SimResult;
import dev.braid.testkit.Simulation;
import dev.braid.testkit.Strategy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A deadline around {@code pool.join}, on virtual time, stops the half that another worker stole
 * (ADR 0131): the first half waits until the second has started, so the second is stolen under
 * every schedule, and then waits in a channel receive that only the caller's deadline ends. The
 * join then throws the {@link DeadlineExceededException} itself and leaves no receiver behind.
 * Before ADR 0131 the thief ran the half without the scope: every schedule deadlocked (the joiner
 * waits for the half, the half for a sender, and no timer is pending). A run replays exactly from
 * its schedule string.
 */
class PoolJoinScopeSimulationTest {
    static final int SCHEDULES = Integer.getInteger("braid.pool.sim.schedules", 1000);

    /** The join, called inside a task of the pool or from outside it. */
    private static SimBody deadlineStopsTheStolenHalf(boolean insideThePool) {
        return () -> {
            WorkStealingPool pool = WorkStealingPool.builder().parallelism(2).build();
            Channel<Integer> never = Channel.rendezvous();
            Channel<Integer> started = Channel.bounded(1);
            String outcome;
            if (insideThePool) {
                outcome = pool.submit(() -> joinUnderADeadline(pool, never, started)).join();
            } else {
                outcome = joinUnderADeadline(pool, never, started);
            }
            assertThat(outcome).isEqualTo("stopped");
            assertThat(never.blockedReceivers()).isZero();
            pool.close();
        };
    }

    private static String joinUnderADeadline(
            WorkStealingPool pool, Channel<Integer> never, Channel<Integer> started) {
        try {
            CancelScope.withTimeout(
                    Duration.ofSeconds(1), // virtual: costs nothing
                    () ->
                            pool.join(
                                    () -> started.recv(), // until the second half has started
                                    () -> {
                                        started.send(1);
                                        return never.recv(); // only the deadline ends this
                                    }));
            return "returned";
        } catch (DeadlineExceededException e) {
            return "stopped";
        }
    }

    @Test
    void aDeadlineAroundAJoinInsideThePoolStopsTheStolenHalfUnderEverySchedule() {
        for (Strategy strategy : new Strategy[] {Strategy.RANDOM, Strategy.PCT}) {
            Simulation.builder()
                    .strategy(strategy)
                    .seed(131)
                    .schedules(SCHEDULES / 4)
                    .build()
                    .check(deadlineStopsTheStolenHalf(true));
        }
    }

    @Test
    void aDeadlineAroundAJoinFromOutsideThePoolStopsTheStolenHalfUnderEverySchedule() {
        for (Strategy strategy : new Strategy[] {Strategy.RANDOM, Strategy.PCT}) {
            Simulation.builder()
                    .strategy(strategy)
                    .seed(132)
                    .schedules(SCHEDULES / 4)
                    .build()
                    .check(deadlineStopsTheStolenHalf(false));
        }
    }

    @Test
    void aRunReplaysExactlyFromItsScheduleString() {
        Simulation sim = Simulation.builder().seed(133).schedules(1).build();
        SimBody body = deadlineStopsTheStolenHalf(true);
        SimResult first = sim.runOnce(133, body);
        assertThat(first).isInstanceOf(SimResult.Passed.class);
        SimResult again = sim.rerun(first.schedule(), body);
        assertThat(again).isInstanceOf(SimResult.Passed.class);
        assertThat(again.schedule()).isEqualTo(first.schedule());
        assertThat(again.steps()).isEqualTo(first.steps());
        SimResult replayed = Simulation.replay(first.schedule(), body);
        assertThat(replayed.schedule()).isEqualTo(first.schedule());
        assertThat(replayed.steps()).isEqualTo(first.steps());
    }
}
