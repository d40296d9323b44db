package dev.braid.jcstress.async;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.braid.async.Async;
import dev.braid.async.AsyncMutex;
import dev.braid.async.Context;
import dev.braid.async.Poll;
import dev.braid.async.Waker;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * What a holder of an {@link AsyncMutex} wrote is visible to the next holder, whether the unlock
 * handed the lock straight to a waiting lock future or the next lock found it free. The lock is
 * taken in the constructor; actor 1 (the holder) writes two plain fields and closes its guard;
 * actor 2 polls a lock future by hand until it is ready and reads both. r3 says which path ran: 1
 * if its first poll was pending (it waited and was handed the lock), 0 if the lock was already
 * free. Either way it must see both writes: the unlock happens-before the poll that finds the lock
 * granted or free.
 */
@JCStressTest
@Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "handed off to the waiter: saw both writes")
@Outcome(id = "1, 1, 0", expect = ACCEPTABLE, desc = "found the lock free: saw both writes")
@Outcome(expect = FORBIDDEN, desc = "the next holder missed a write of the previous one")
@State
public class AsyncMutexHandOffVisibility {
    private final AsyncMutex mutex = new AsyncMutex("jcstress");
    private final AsyncMutex.Guard first = mutex.tryLock().orElseThrow();
    private int x; // plain: only the mutex orders them
    private int y;

    @Actor
    public void holder() {
        x = 1;
        y = 1;
        first.close();
    }

    @Actor
    public void next(III_Result r) {
        Async<AsyncMutex.Guard> lock = mutex.lock();
        Context cx = new Context(Waker.noop());
        Poll<AsyncMutex.Guard> p = lock.poll(cx);
        r.r3 = p.isReady() ? 0 : 1;
        while (!p.isReady()) {
            Thread.onSpinWait();
            p = lock.poll(cx);
        }
        AsyncMutex.Guard g = ((Poll.Ready<AsyncMutex.Guard>) p).value();
        r.r1 = x;
        r.r2 = y;
        g.close();
    }
}
