package dev.braid.jcstress.pool;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.braid.pool.Steal;
import dev.braid.pool.WorkDeque;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * The Chase-Lev deque's last-element race on real hardware: the owner pops the only element while a
 * thief steals it. Exactly one of them gets it: r1 = 1 if the owner's pop returned it, r2 = 1 if
 * the thief's steal did. Both (a duplicate) or neither (a loss) would mean the SEQ_CST fences and
 * the CAS on top do not order the two sides as Lê et al. prove they do.
 */
@JCStressTest
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "the owner got it")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "the thief got it")
@Outcome(expect = FORBIDDEN, desc = "taken twice or lost")
@State
public class DequeLastElementRace {
    private final WorkDeque<Integer> deque = new WorkDeque<>(2);

    /** Pushes the one element (the constructing thread hands the deque to the owner actor). */
    public DequeLastElementRace() {
        deque.push(42);
    }

    /** The owner pops. */
    @Actor
    public void owner(II_Result r) {
        Integer x = deque.pop();
        r.r1 = x != null && x == 42 ? 1 : x == null ? 0 : 9;
    }

    /** A thief steals (once: a lost race is a legitimate "not mine"). */
    @Actor
    public void thief(II_Result r) {
        r.r2 = deque.steal() instanceof Steal.Success<Integer> s && s.value() == 42 ? 1 : 0;
    }
}
