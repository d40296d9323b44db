package dev.braid.testkit.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.atomic.Ordering;
import dev.braid.pool.Steal;
import dev.braid.pool.WorkDeque;
import dev.braid.testkit.Exploration;
import dev.braid.testkit.SimResult;
import dev.braid.testkit.Simulation;
import dev.braid.testkit.Strategy;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 12's testkit acceptance for the Chase-Lev deque: the real deque, whose every access is a
 * braid atomic and so a yield point and a memory-model access, explored under the testkit. The
 * owner's pop racing a thief's steal gives each element to exactly one side over 10,000 schedules;
 * a variant whose pop fence is weakened from SEQ_CST to ACQ_REL is caught by the weak-memory model
 * and its failure replays exactly.
 */
class WorkDequeExplorationTest {
    static final int SCHEDULES = Integer.getInteger("braid.acceptance.schedules", 10_000);

    /** The correct deque, or the test-only variant whose pop uses {@code popFence}. */
    @SuppressWarnings("unchecked")
    static WorkDeque<Integer> deque(Ordering popFence) {
        if (popFence == Ordering.SEQ_CST) {
            return new WorkDeque<>(2);
        }
        try {
            Constructor<?> c = WorkDeque.class.getDeclaredConstructor(int.class, Ordering.class);
            c.setAccessible(true);
            return (WorkDeque<Integer>) c.newInstance(2, popFence);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** Owner pops the only element while a thief steals it: exactly one of them gets it. */
    static void lastElementRace() throws InterruptedException {
        WorkDeque<Integer> d = new WorkDeque<>(2);
        d.push(7);
        JoinHandle<Steal<Integer>> thief = Threads.spawn(d::steal);
        Integer mine = d.pop();
        Steal<Integer> theirs = thief.join();
        boolean stolen = theirs instanceof Steal.Success<Integer> s && s.value() == 7;
        if ((mine != null) == stolen) {
            throw new AssertionError(
                    "element 7 went to "
                            + (stolen ? "both sides" : "neither side")
                            + ": pop="
                            + mine
                            + ", steal="
                            + theirs);
        }
        if (mine != null && mine != 7) {
            throw new AssertionError("pop returned " + mine);
        }
        if (d.pop() != null || !(d.steal() instanceof Steal.Empty<Integer>)) {
            throw new AssertionError("the deque is not empty after its only element was taken");
        }
    }

    /**
     * The owner holds two elements and pops once while a thief steals twice (retrying lost races);
     * then the owner drains. Every element must be taken exactly once.
     */
    static void twoThievingStealsAgainstAPop(Ordering popFence) throws InterruptedException {
        WorkDeque<Integer> d = deque(popFence);
        d.push(1);
        d.push(2);
        JoinHandle<List<Integer>> thief =
                Threads.spawn(
                        () -> {
                            List<Integer> got = new ArrayList<>();
                            for (int tries = 0; tries < 4 && got.size() < 2; tries++) {
                                if (d.steal() instanceof Steal.Success<Integer> s) {
                                    got.add(s.value());
                                }
                            }
                            return got;
                        });
        List<Integer> taken = new ArrayList<>();
        Integer x = d.pop();
        if (x != null) {
            taken.add(x);
        }
        taken.addAll(thief.join());
        for (Integer y; (y = d.pop()) != null; ) {
            taken.add(y);
        }
        taken.sort(null);
        if (!taken.equals(List.of(1, 2))) {
            throw new AssertionError("elements taken: " + taken + " (each must be taken once)");
        }
    }

    @Test
    void popRacingStealOnAOneElementDequeGivesTheElementToExactlyOneSide() {
        long t0 = System.nanoTime();
        Exploration e =
                Simulation.builder()
                        .seed(12)
                        .schedules(SCHEDULES)
                        .build()
                        .explore(WorkDequeExplorationTest::lastElementRace);
        e.assertPassed();
        assertThat(e.schedulesRun()).isEqualTo(SCHEDULES);
        System.out.printf(
                "deque last-element race: %d schedules passed in %d ms%n",
                SCHEDULES, (System.nanoTime() - t0) / 1_000_000);
    }

    @Test
    void theCorrectDequeTakesEveryElementOnceUnderPopAndTwoSteals() {
        Simulation.builder()
                .seed(13)
                .schedules(SCHEDULES)
                .build()
                .check(() -> twoThievingStealsAgainstAPop(Ordering.SEQ_CST));
    }

    @Test
    void aWeakenedPopFenceIsFoundByTheWeakMemoryModelAndReplayed() {
        // RANDOM's first failure shows the bug as a double take (other strategies may first hit
        // its other face, a taken null)
        Simulation sim =
                Simulation.builder()
                        .strategy(Strategy.RANDOM)
                        .seed(14)
                        .schedules(SCHEDULES)
                        .build();
        Exploration e = sim.explore(() -> twoThievingStealsAgainstAPop(Ordering.ACQ_REL));
        assertThat(e.passed())
                .as("the ACQ_REL pop fence lets owner and thief both take an element")
                .isFalse();
        SimResult failure = e.failure().orElseThrow();
        System.out.printf(
                "weakened deque: found by schedule %d: %s%n", e.schedulesRun(), failure.message());
        assertThat(failure.message()).contains("each must be taken once").contains("replay:");
        SimResult again =
                sim.rerun(failure.schedule(), () -> twoThievingStealsAgainstAPop(Ordering.ACQ_REL));
        assertThat(again).isInstanceOf(SimResult.Failed.class);
        assertThat(again.message()).isEqualTo(failure.message());
    }
}
