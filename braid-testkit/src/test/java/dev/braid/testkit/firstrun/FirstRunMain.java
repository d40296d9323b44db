package dev.braid.testkit.firstrun;

import dev.braid.pool.WorkStealingPool;
import dev.braid.testkit.SimBody;
import dev.braid.testkit.SimResult;
import dev.braid.testkit.Simulation;

/**
 * Runs a pool program as the first simulated run of a fresh JVM, then replays its schedule in the
 * same JVM, and prints both (started by {@code FirstRunReplayTest}). The program is the first code
 * of the JVM to touch the pool's classes.
 */
public final class FirstRunMain {
    private FirstRunMain() {}

    /**
     * Runs the program once, replays it, and prints the two results.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        SimBody submitAndJoin =
                () -> {
                    try (WorkStealingPool pool =
                            WorkStealingPool.builder().parallelism(1).build()) {
                        if (pool.submit(() -> 7).join() != 7) {
                            throw new AssertionError("wrong value");
                        }
                    }
                };
        Simulation sim = Simulation.builder().traceDirectory(java.util.Optional.empty()).build();
        SimResult first = sim.runOnce(3, submitAndJoin);
        SimResult again = Simulation.replay(first.schedule(), submitAndJoin);
        System.out.println("first: " + first.getClass().getSimpleName() + " " + first.steps());
        System.out.println("replay: " + again.getClass().getSimpleName() + " " + again.steps());
        System.out.println("same schedule: " + first.schedule().equals(again.schedule()));
        System.out.println(again.message());
    }
}
