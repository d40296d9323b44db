package dev.braid.async;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * ADR 0173: a task claimed for its worker at its spawn (plain stores, no CAS) and a cancel through
 * its handle from another thread. Actor 1 is the worker running the hand-off ({@code run(cell)}
 * without the claim's CAS: it reads the state with acquire); actor 2 cancels. The cancel either
 * lands before the run reads the state (the task is dropped unpolled, its outcome a cancellation
 * with the cancel's cause) or after (the task is polled once and keeps its value, as a cancel
 * during a last poll always did). A cancelled task that was polled, a task not finished after the
 * run, or a cancellation without its cause would be the claim misread.
 *
 * <p>r1: the cancel's result (1 requested). r2: the outcome after both (1 value, 2 cancelled with
 * the cancel's cause, 3 cancelled without it, 0 not finished). r3: polls of the future.
 *
 * <p>Real RawTask code (this class sits in its package; jcstress runs it from the class path); the
 * task's scheduler is a stub, as the run of a ready-at-once task never queues it.
 */
@JCStressTest
@Outcome(id = "1, 2, 0", expect = ACCEPTABLE, desc = "cancel first: dropped unpolled")
@Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "cancel during the poll: the value stays")
@Outcome(id = "0, 1, 1", expect = ACCEPTABLE, desc = "cancel after the finish")
@Outcome(expect = FORBIDDEN, desc = "a claimed hand-off run that misread a racing cancel")
@State
public class HandOffClaimRacingCancel {
    /** A scheduler that queues nothing: the run of a ready-at-once task never queues it. */
    private static final class Unscheduled implements TaskScheduler {
        @Override
        public void schedule(RawTask<?> task) {}

        @Override
        public void completed(RawTask<?> task) {}
    }

    private final AtomicInteger polls = new AtomicInteger();
    private final RawTask<Integer> task;
    private final TaskHandle<Integer> handle;
    private final Interop.Polling cell = new Interop.Polling();
    private final dev.braid.cancel.CancellationToken why =
            Interop.cancelledToken("jcstress cancel");

    /** The spawning worker: makes the task and claims it as its hand-off (before publishing). */
    public HandOffClaimRacingCancel() {
        TaskRegistry tasks = new TaskRegistry("jcstress", new Unscheduled());
        task =
                new RawTask<>(
                        "hand-off",
                        0,
                        cx -> {
                            polls.incrementAndGet();
                            return Poll.ready(7);
                        },
                        tasks,
                        null);
        task.claimHandedOff();
        handle = new TaskHandle<>(task);
    }

    /** The worker loop runs the hand-off it holds. */
    @Actor
    public void worker() {
        task.run(cell);
    }

    /** Another thread cancels through the handle the spawn returned. */
    @Actor
    public void canceller(III_Result r) {
        r.r1 = handle.cancel(why) ? 1 : 0;
    }

    @Arbiter
    public void arbiter(III_Result r) {
        Completion.Outcome<Integer> o = task.outcome();
        if (o == null) {
            r.r2 = 0;
        } else if (o instanceof Completion.Success<Integer>) {
            r.r2 = 1;
        } else if (o instanceof Completion.Cancelled<Integer>(var cause) && cause == why) {
            r.r2 = 2;
        } else {
            r.r2 = 3;
        }
        r.r3 = polls.get();
    }
}
