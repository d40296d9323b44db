package dev.braid.jcstress.litmus;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.braid.atomic.AtomicI32;
import dev.braid.atomic.Ordering;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

/**
 * Litmus shape CoWW, write-write coherence: T1: x=1; x=2; outcome final x, under braid's three
 * orderings. Graded by {@code ../shared/reference/litmus.md}: the outcome {@code 1} is
 * ACCEPTABLE_INTERESTING where the table allows it and FORBIDDEN where it forbids it.
 */
public final class CoWW {
    private CoWW() {}

    /** Every access RELAXED (opaque). */
    @JCStressTest
    @Outcome(id = "1", expect = FORBIDDEN, desc = "the outcome the litmus table asks about")
    @Outcome(expect = ACCEPTABLE, desc = "sequentially consistent")
    @State
    public static class Relaxed {
        private static final Ordering LOAD = Ordering.RELAXED;
        private static final Ordering STORE = Ordering.RELAXED;
        private final AtomicI32 x = new AtomicI32();

        @Actor
        public void actor1(I_Result r) {
            x.store(1, STORE);
            x.store(2, STORE);
        }

        @Arbiter
        public void arbiter(I_Result r) {
            r.r1 = x.load(Ordering.SEQ_CST);
        }
    }

    /** Every access RELEASE stores, ACQUIRE loads. */
    @JCStressTest
    @Outcome(id = "1", expect = FORBIDDEN, desc = "the outcome the litmus table asks about")
    @Outcome(expect = ACCEPTABLE, desc = "sequentially consistent")
    @State
    public static class RelAcq {
        private static final Ordering LOAD = Ordering.ACQUIRE;
        private static final Ordering STORE = Ordering.RELEASE;
        private final AtomicI32 x = new AtomicI32();

        @Actor
        public void actor1(I_Result r) {
            x.store(1, STORE);
            x.store(2, STORE);
        }

        @Arbiter
        public void arbiter(I_Result r) {
            r.r1 = x.load(Ordering.SEQ_CST);
        }
    }

    /** Every access SEQ_CST (volatile). */
    @JCStressTest
    @Outcome(id = "1", expect = FORBIDDEN, desc = "the outcome the litmus table asks about")
    @Outcome(expect = ACCEPTABLE, desc = "sequentially consistent")
    @State
    public static class SeqCst {
        private static final Ordering LOAD = Ordering.SEQ_CST;
        private static final Ordering STORE = Ordering.SEQ_CST;
        private final AtomicI32 x = new AtomicI32();

        @Actor
        public void actor1(I_Result r) {
            x.store(1, STORE);
            x.store(2, STORE);
        }

        @Arbiter
        public void arbiter(I_Result r) {
            r.r1 = x.load(Ordering.SEQ_CST);
        }
    }
}
