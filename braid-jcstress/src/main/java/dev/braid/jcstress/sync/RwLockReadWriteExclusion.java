package dev.braid.jcstress.sync;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.braid.sync.RwLock;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Read/write exclusion: a reader holding a read lock never sees a writer's plain stores half done.
 */
@JCStressTest
@Outcome(
        id = {"0, 0", "2, 2"},
        expect = ACCEPTABLE,
        desc = "before or after the write")
@Outcome(expect = FORBIDDEN, desc = "a reader overlapped the writer")
@State
public class RwLockReadWriteExclusion {
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
        try (var g = l.read()) {
            r.r1 = g.get()[0];
            r.r2 = g.get()[1];
        }
    }
}
