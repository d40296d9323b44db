package dev.braid.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.braid.sync.Mutex;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * A critical section is published as a whole: actor 1 writes two plain fields under the mutex,
 * actor 2 reads both under the mutex. It sees neither write (it locked first) or both (it locked
 * second); seeing one without the other means the unlock did not release, or the lock did not
 * acquire, the section's writes.
 */
@JCStressTest
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "reader locked first")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "reader locked second and saw the whole section")
@Outcome(id = "1, 0", expect = FORBIDDEN, desc = "torn: saw the first write only")
@Outcome(id = "0, 1", expect = FORBIDDEN, desc = "torn: saw the second write only")
@State
public class MutexVisibility {
    /** Two plain fields that only the mutex orders. */
    static final class Pair {
        int x;
        int y;
    }

    private final Mutex<Pair> mutex = new Mutex<>(new Pair());

    @Actor
    public void writer() {
        try (var g = mutex.lock()) {
            Pair p = g.get();
            p.x = 1;
            p.y = 1;
        }
    }

    @Actor
    public void reader(II_Result r) {
        try (var g = mutex.lock()) {
            Pair p = g.get();
            r.r1 = p.x;
            r.r2 = p.y;
        }
    }
}
