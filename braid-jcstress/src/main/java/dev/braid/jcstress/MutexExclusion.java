package dev.braid.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.braid.sync.Mutex;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

/**
 * Mutual exclusion: two actors each do a plain read-modify-write of a counter inside the mutex. If
 * the critical sections ever overlapped, or the second holder did not see the first one's write,
 * one increment would be lost and the arbiter would see 1.
 */
@JCStressTest
@Outcome(id = "2", expect = ACCEPTABLE, desc = "both increments survive")
@Outcome(id = "1", expect = FORBIDDEN, desc = "lost update: critical sections overlapped")
@State
public class MutexExclusion {
    /** A plain, unsynchronised counter: only the mutex protects it. */
    static final class Counter {
        int n;
    }

    private final Counter counter = new Counter();
    private final Mutex<Counter> mutex = new Mutex<>(counter);

    @Actor
    public void actor1() {
        try (var g = mutex.lock()) {
            Counter c = g.get();
            c.n = c.n + 1;
        }
    }

    @Actor
    public void actor2() {
        try (var g = mutex.lock()) {
            Counter c = g.get();
            c.n = c.n + 1;
        }
    }

    @Arbiter
    public void arbiter(I_Result r) {
        r.r1 = counter.n; // the arbiter runs after both actors (jcstress gives happens-before)
    }
}
