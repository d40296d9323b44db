package dev.braid.jcstress.sync;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.braid.sync.Mutex;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Unlock happens-before the next lock: plain writes made under the lock are seen whole by the next
 * holder, never half.
 */
@JCStressTest
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "reader locked first")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "reader saw the whole critical section")
@Outcome(
        id = {"1, 0", "0, 1"},
        expect = FORBIDDEN,
        desc = "half a critical section seen")
@State
public class MutexUnlockLockVisibility {
    final Mutex<Void> m = new Mutex<>(null);
    int x;
    int y;

    @Actor
    public void writer() {
        try (var _ = m.lock()) {
            x = 1;
            y = 1;
        }
    }

    @Actor
    public void reader(II_Result r) {
        try (var _ = m.lock()) {
            r.r1 = y;
            r.r2 = x;
        }
    }
}
