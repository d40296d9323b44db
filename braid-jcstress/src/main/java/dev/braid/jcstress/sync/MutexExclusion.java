package dev.braid.jcstress.sync;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.braid.sync.Mutex;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

/** Mutual exclusion: two non-atomic increments of a plain field under the mutex never collide. */
@JCStressTest
@Outcome(id = "2", expect = ACCEPTABLE, desc = "both increments applied")
@Outcome(id = "1", expect = FORBIDDEN, desc = "lost update: both threads were inside at once")
@State
public class MutexExclusion {
    final Mutex<int[]> m = new Mutex<>(new int[1]);

    @Actor
    public void a() {
        try (var g = m.lock()) {
            g.get()[0]++;
        }
    }

    @Actor
    public void b() {
        var g = m.tryLock();
        try (var held = g.isPresent() ? g.get() : m.lock()) {
            held.get()[0]++;
        }
    }

    @Arbiter
    public void check(I_Result r) {
        r.r1 = m.withLock(v -> v[0]);
    }
}
