package dev.braid.jcstress.cancel;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.braid.cancel.CancellationSource;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;
import org.openjdk.jcstress.infra.results.I_Result;

/**
 * State written before {@code cancel()} is visible in every callback and to every observer of
 * {@code isCancelled() == true}.
 *
 * <p>The interesting case is a callback registered on a token that is already cancelled: the
 * registrar runs it at once, and only the token's volatile state word (the canceller's CAS puts the
 * cause there) orders the canceller's plain write before the callback's read.
 */
public final class CancelVisibility {
    private CancelVisibility() {}

    /** r1 = the plain field as the callback saw it, r2 = how many times the callback ran. */
    @JCStressTest
    @Outcome(id = "42, 1", expect = ACCEPTABLE, desc = "callback ran once and saw the write")
    @Outcome(expect = FORBIDDEN, desc = "write not visible in the callback, or not exactly once")
    @State
    public static class InCallback {
        private final CancellationSource source = new CancellationSource();
        private int data;
        private volatile int seen = -1;
        private volatile int runs;

        @Actor
        public void canceller() {
            data = 42;
            source.cancel();
        }

        @Actor
        public void registrar() {
            source.token()
                    .onCancel(
                            () -> {
                                seen = data;
                                runs = runs + 1; // at most one run by contract
                            });
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r1 = seen;
            r.r2 = runs;
        }
    }

    /** r1 = the plain field if the poller saw the token cancelled, -1 if it saw it active. */
    @JCStressTest
    @Outcome(id = "42", expect = ACCEPTABLE, desc = "saw the cancellation and the write")
    @Outcome(id = "-1", expect = ACCEPTABLE, desc = "polled before the cancellation")
    @Outcome(expect = FORBIDDEN, desc = "saw the cancellation but not the write before it")
    @State
    public static class InPoller {
        private final CancellationSource source = new CancellationSource();
        private int data;

        @Actor
        public void canceller() {
            data = 42;
            source.cancel();
        }

        @Actor
        public void poller(I_Result r) {
            r.r1 = source.token().isCancelled() ? data : -1;
        }
    }
}
