package dev.braid.jcstress.async;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.braid.internal.sched.RunQueue;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * The executor run queue's last-element race on real hardware: the owner takes the only element
 * while a thief steals half of the queue (that one element) into its own queue. Exactly one of them
 * gets it: r1 = 1 if the owner's poll returned it, r2 = 1 if the thief's steal did. Both (a task
 * run twice) or neither (a lost task) would mean the CAS on the head does not decide.
 */
@JCStressTest
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "the owner got it")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "the thief got it")
@Outcome(expect = FORBIDDEN, desc = "taken twice or lost")
@State
public class RunQueueLastElementRace {
    private final RunQueue<Integer> queue = new RunQueue<>(2);
    private final RunQueue<Integer> thiefs = new RunQueue<>(2);

    /** Pushes the one element (the constructing thread hands the queue to the owner actor). */
    public RunQueueLastElementRace() {
        queue.push(42);
    }

    /** The owner takes from the head. */
    @Actor
    public void owner(II_Result r) {
        Integer x = queue.poll();
        r.r1 = x == null ? 0 : x == 42 ? 1 : 9;
    }

    /** A thief steals half (once: an empty queue is a legitimate "not mine"). */
    @Actor
    public void thief(II_Result r) {
        Integer x = queue.stealHalfInto(thiefs);
        r.r2 = x == null ? (thiefs.isEmpty() ? 0 : 8) : x == 42 && thiefs.isEmpty() ? 1 : 9;
    }
}
