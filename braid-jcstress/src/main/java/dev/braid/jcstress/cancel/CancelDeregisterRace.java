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
import org.openjdk.jcstress.infra.results.II_Result;
import org.openjdk.jcstress.infra.results.IZ_Result;

/**
 * Deregistration racing with {@code cancel()} on the lock-free registry: the deregistrar's status
 * CAS and the canceller's state CAS form a Dekker pair (CancellationToken's notes). In every
 * outcome the callback ran exactly when deregister did not return true.
 */
public final class CancelDeregisterRace {
    private CancelDeregisterRace() {}

    /**
     * Register and at once deregister (the try-with-resources shape) while another thread cancels.
     * r1 = runs, r2 = deregister()'s answer.
     */
    @JCStressTest
    @Outcome(id = "0, true", expect = ACCEPTABLE, desc = "removed before the cancel")
    @Outcome(id = "1, false", expect = ACCEPTABLE, desc = "cancel ran it (or it ran at once)")
    @Outcome(expect = FORBIDDEN, desc = "ran although removed, or neither")
    @State
    public static class RegisterThenDeregister {
        private final CancellationSource source = new CancellationSource();
        private final AtomicInteger runs = new AtomicInteger();

        @Actor
        public void canceller() {
            source.cancel();
        }

        @Actor
        public void user(IZ_Result r) {
            CancellationRegistration reg = source.token().onCancel(runs::incrementAndGet);
            r.r2 = reg.deregister();
        }

        @Arbiter
        public void arbiter(IZ_Result r) {
            r.r1 = runs.get();
        }
    }

    /**
     * Two threads deregister the same registration while a third cancels: at most one deregister
     * wins, and only if the callback never runs. r1 = runs, r2 = deregisters that returned true.
     */
    @JCStressTest
    @Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "one deregister removed it")
    @Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "cancel ran it; both deregisters lost")
    @Outcome(expect = FORBIDDEN, desc = "two winners, or ran although removed, or neither")
    @State
    public static class TwoDeregistersAndCancel {
        private final CancellationSource source = new CancellationSource();
        private final AtomicInteger runs = new AtomicInteger();
        private final AtomicInteger removed = new AtomicInteger();
        private final CancellationRegistration registration =
                source.token().onCancel(runs::incrementAndGet);

        @Actor
        public void canceller() {
            source.cancel();
        }

        @Actor
        public void first() {
            if (registration.deregister()) {
                removed.incrementAndGet();
            }
        }

        @Actor
        public void second() {
            if (registration.deregister()) {
                removed.incrementAndGet();
            }
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r1 = runs.get();
            r.r2 = removed.get();
        }
    }

    /**
     * A deregister that starts after its thread saw the token cancelled returns false, and the
     * callback runs: cancellation is one atomic step, not a window in which deregister can still
     * win. r1 = -1 if the poller saw the token active (and did not deregister), else deregister()
     * as 0/1; r2 = runs.
     */
    @JCStressTest
    @Outcome(id = "-1, 1", expect = ACCEPTABLE, desc = "saw it active; cancel ran the callback")
    @Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "saw it cancelled; deregister lost")
    @Outcome(expect = FORBIDDEN, desc = "deregister won after the cancellation was observed")
    @State
    public static class DeregisterAfterObservedCancel {
        private final CancellationSource source = new CancellationSource();
        private final AtomicInteger runs = new AtomicInteger();
        private final CancellationRegistration registration =
                source.token().onCancel(runs::incrementAndGet);

        @Actor
        public void canceller() {
            source.cancel();
        }

        @Actor
        public void observer(II_Result r) {
            if (source.token().isCancelled()) {
                r.r1 = registration.deregister() ? 1 : 0;
            } else {
                r.r1 = -1;
            }
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r2 = runs.get();
        }
    }
}
