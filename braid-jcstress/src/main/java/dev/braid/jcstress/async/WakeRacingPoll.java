package dev.braid.jcstress.async;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.braid.async.Async;
import dev.braid.async.Context;
import dev.braid.async.LocalExecutor;
import dev.braid.async.Poll;
import dev.braid.async.TaskHandle;
import dev.braid.async.Waker;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZZ_Result;

/**
 * A wake racing a poll is never lost. Actor 1 runs the task once (its future publishes the waker,
 * then checks a flag); actor 2 sets the flag and wakes the task, possibly while the poll runs.
 * Whatever the interleaving, the task is then either finished or queued again, so the arbiter's run
 * finishes it. r1: finished after actor 1's run; r2: finished after the arbiter's.
 */
@JCStressTest
@Outcome(id = "true, true", expect = ACCEPTABLE, desc = "the poll saw the flag")
@Outcome(id = "false, true", expect = ACCEPTABLE, desc = "the wake queued the task again")
@Outcome(id = "false, false", expect = FORBIDDEN, desc = "lost wake-up: the task sleeps forever")
@State
public class WakeRacingPoll {
    static final class Flag implements Async<Void> {
        final AtomicBoolean set = new AtomicBoolean();
        final AtomicReference<Waker> waker = new AtomicReference<>();

        @Override
        public Poll<Void> poll(Context cx) {
            waker.set(cx.waker());
            return set.get() ? Poll.ready(null) : Poll.pending();
        }
    }

    private final LocalExecutor ex = LocalExecutor.create("jcstress");
    private final Flag flag = new Flag();
    private final TaskHandle<Void> task = ex.spawn(flag);
    private boolean finishedAfterFirstRun;

    @Actor
    public void poller() {
        ex.runUntilStalled();
        finishedAfterFirstRun = task.isFinished();
    }

    @Actor
    public void waker() {
        flag.set.set(true);
        Waker w = flag.waker.get();
        if (w != null) {
            w.wake();
        }
    }

    @Arbiter
    public void arbiter(ZZ_Result r) {
        ex.runUntilStalled();
        r.r1 = finishedAfterFirstRun;
        r.r2 = task.isFinished();
    }
}
