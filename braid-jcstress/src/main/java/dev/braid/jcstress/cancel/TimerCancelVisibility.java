package dev.braid.jcstress.cancel;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.braid.time.Timeout;
import dev.braid.time.TimerWheel;
import java.time.Duration;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;
import org.openjdk.jcstress.infra.results.I_Result;

/**
 * A timer's state is published by a release store (ADR 0056), not a SEQ_CST one: whoever sees it
 * terminal without the wheel's lock must still see what happened before, and two cancellations must
 * still have exactly one winner.
 *
 * <p>Each state schedules one timer an hour out on the shared wheel; every run cancels it, so the
 * wheel does not fill up.
 */
public final class TimerCancelVisibility {
    private static final Runnable TASK = () -> {};

    private TimerCancelVisibility() {}

    /**
     * r1 = the plain field if the observer saw the timer cancelled, -1 if it saw it pending. The
     * forbidden 0 is what a plain or opaque store of the state (reorderable before the canceller's
     * write, or not ordered with the observer's read of the field) would allow.
     */
    @JCStressTest
    @Outcome(id = "42", expect = ACCEPTABLE, desc = "saw the cancellation and the write before it")
    @Outcome(id = "-1", expect = ACCEPTABLE, desc = "looked before the cancellation")
    @Outcome(expect = FORBIDDEN, desc = "saw the cancellation but not the write before it")
    @State
    public static class IsCancelledSeesPriorWrites {
        private final Timeout timeout = TimerWheel.shared().schedule(Duration.ofHours(1), TASK);
        private int data;

        @Actor
        public void canceller() {
            data = 42;
            timeout.cancel();
        }

        @Actor
        public void observer(I_Result r) {
            r.r1 = timeout.isCancelled() ? data : -1;
        }
    }

    /** r1, r2 = whether each of two concurrent cancel() calls won (1) or lost (0). */
    @JCStressTest
    @Outcome(
            id = {"1, 0", "0, 1"},
            expect = ACCEPTABLE,
            desc = "exactly one cancel won")
    @Outcome(expect = FORBIDDEN, desc = "both or neither won")
    @State
    public static class OneCancelWins {
        private final Timeout timeout = TimerWheel.shared().schedule(Duration.ofHours(1), TASK);

        @Actor
        public void first(II_Result r) {
            r.r1 = timeout.cancel() ? 1 : 0;
        }

        @Actor
        public void second(II_Result r) {
            r.r2 = timeout.cancel() ? 1 : 0;
        }
    }
}
