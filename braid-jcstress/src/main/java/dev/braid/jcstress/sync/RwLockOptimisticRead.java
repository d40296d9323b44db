package dev.braid.jcstress.sync;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.braid.sync.RwLock;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/** An optimistic read that validates never returns a view of a write in progress. */
@JCStressTest
@Outcome(
        id = {"0, 0", "2, 2"},
        expect = ACCEPTABLE,
        desc = "before or after the write")
@Outcome(expect = FORBIDDEN, desc = "a reader overlapped the writer")
@State
public class RwLockOptimisticRead {
    final RwLock<int[]> l = new RwLock<>(new int[2]);

    @Actor
    public void writer() {
        try (var w = l.write()) {
            w.get()[0] = 1;
            w.get()[1] = 1;
            w.get()[0] = 2;
            w.get()[1] = 2;
        }
    }

    @Actor
    public void reader(II_Result r) {
        int[] seen = l.readOptimistic(a -> new int[] {a[0], a[1]});
        r.r1 = seen[0];
        r.r2 = seen[1];
    }
}
