package dev.braid.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.braid.rc.Arc;
import dev.braid.rc.Release;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Two threads release the two shares of one {@link Arc} at the same time: exactly one of them
 * reports {@link Release#CLOSED}, and the resource's {@code close()} runs exactly once. (r1, r2) =
 * whether actor 1 / actor 2 closed it; r3 = how many times {@code close()} ran.
 */
@JCStressTest
@Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "actor 1 released last and closed it once")
@Outcome(id = "0, 1, 1", expect = ACCEPTABLE, desc = "actor 2 released last and closed it once")
@Outcome(expect = FORBIDDEN, desc = "closed twice, never, or by both")
@State
public class ArcReleaseExactlyOnce {
    private int closes; // written only inside close(), read by the arbiter after both actors
    private final Arc<AutoCloseable> first = Arc.of(() -> closes++);
    private final Arc<AutoCloseable> second = first.share();

    @Actor
    public void actor1(III_Result r) {
        r.r1 = first.release() == Release.CLOSED ? 1 : 0;
    }

    @Actor
    public void actor2(III_Result r) {
        r.r2 = second.release() == Release.CLOSED ? 1 : 0;
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r3 = closes;
    }
}
