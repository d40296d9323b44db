package dev.braid.jcstress.sync;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.braid.sync.Condvar;
import dev.braid.sync.Mutex;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

/**
 * A waiter woken by a notification sees what the notifier wrote before it (plain data written
 * outside the guarded flag, then the flag under the lock, then notify).
 */
@JCStressTest
@Outcome(id = "42", expect = ACCEPTABLE, desc = "the waiter saw the data")
@Outcome(expect = FORBIDDEN, desc = "woken without seeing the notifier's writes")
@State
public class CondvarSignalVisibility {
    final Mutex<boolean[]> m = new Mutex<>(new boolean[1]);
    final Condvar cv = new Condvar();
    int data;

    @Actor
    public void notifier() {
        data = 42;
        try (var g = m.lock()) {
            g.get()[0] = true;
        }
        cv.notifyOne();
    }

    @Actor
    public void waiter(I_Result r) {
        try (var g = m.lock()) {
            while (!g.get()[0]) {
                cv.awaitUninterruptibly(g); // jcstress actors cannot throw checked exceptions
            }
        }
        r.r1 = data;
    }
}
