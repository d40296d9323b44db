package dev.braid.jcstress.sync;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.braid.sync.Condvar;
import dev.braid.sync.Mutex;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Wait morphing: the notifier holds the mutex when it notifies, so a waiting waiter is moved onto
 * the mutex's queue instead of being woken. It must return only once it holds the mutex alone:
 * after the notifier's whole critical section (it sees the write made after the notification and
 * the plain write made before the lock), and never inside another holder's section: the notifier
 * locks again at once, barging against the requeued waiter, and both increment one plain counter.
 * (Two actors: this 2-CPU box cannot schedule a three-actor test.)
 */
@JCStressTest
@Outcome(
        id = "42, 7, 3",
        expect = ACCEPTABLE,
        desc = "saw every write of the notifier; the increments did not collide")
@Outcome(
        expect = FORBIDDEN,
        desc = "returned before the notifier unlocked, missed its writes, or shared the mutex")
@State
public class CondvarMorphedWaiter {
    final Mutex<int[]> m = new Mutex<>(new int[3]); // {ready, written after notify, counter}
    final Condvar cv = new Condvar();
    int data;

    @Actor
    public void notifier() {
        data = 42;
        try (var g = m.lock()) {
            int[] v = g.get();
            v[0] = 1;
            cv.notifyOne(); // a waiting waiter is requeued onto m: we hold it
            v[1] = 7;
            v[2] = v[2] + 1;
        }
        try (var g = m.lock()) { // barges against the requeued waiter
            int[] v = g.get();
            v[2] = v[2] + 1;
        }
    }

    @Actor
    public void waiter(III_Result r) {
        try (var g = m.lock()) {
            int[] v = g.get();
            while (v[0] == 0) {
                cv.awaitUninterruptibly(g); // jcstress actors cannot throw checked exceptions
            }
            r.r1 = data;
            r.r2 = v[1];
            v[2] = v[2] + 1;
        }
    }

    @Arbiter
    public void check(III_Result r) {
        r.r3 = m.withLock(v -> v[2]);
    }
}
