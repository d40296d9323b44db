package dev.braid.jcstress.cancel;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.braid.cancel.CancellationRegistration;
import dev.braid.cancel.CancellationSource;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IZ_Result;
import org.openjdk.jcstress.infra.results.I_Result;

/** Registration and deregistration racing with {@code cancel()}: nothing lost, nothing doubled. */
public final class CancelRegisterRace {
    private CancelRegisterRace() {}

    /** A callback registered concurrently with cancel runs exactly once (r1 = runs). */
    @JCStressTest
    @Outcome(id = "1", expect = ACCEPTABLE, desc = "ran exactly once")
    @Outcome(expect = FORBIDDEN, desc = "lost or duplicated")
    @State
    public static class Register {
        private final CancellationSource source = new CancellationSource();
        private final AtomicInteger runs = new AtomicInteger();

        @Actor
        public void canceller() {
            source.cancel();
        }

        @Actor
        public void registrar() {
            source.token().onCancel(runs::incrementAndGet);
        }

        @Arbiter
        public void arbiter(I_Result r) {
            r.r1 = runs.get();
        }
    }

    /**
     * Deregistering concurrently with cancel: either it removed the callback (never runs) or the
     * callback ran (deregister says false). r1 = runs, r2 = deregister()'s answer.
     */
    @JCStressTest
    @Outcome(id = "0, true", expect = ACCEPTABLE, desc = "removed before cancel")
    @Outcome(id = "1, false", expect = ACCEPTABLE, desc = "cancel ran it first")
    @Outcome(expect = FORBIDDEN, desc = "ran although removed, or lost")
    @State
    public static class Deregister {
        private final CancellationSource source = new CancellationSource();
        private final AtomicInteger runs = new AtomicInteger();
        private final CancellationRegistration registration =
                source.token().onCancel(runs::incrementAndGet);
        private volatile boolean removed;

        @Actor
        public void canceller() {
            source.cancel();
        }

        @Actor
        public void deregistrar() {
            removed = registration.deregister();
        }

        @Arbiter
        public void arbiter(IZ_Result r) {
            r.r1 = runs.get();
            r.r2 = removed;
        }
    }
}
