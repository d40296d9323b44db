package dev.braid.jcstress.litmus;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.braid.atomic.AtomicI32;
import dev.braid.atomic.Ordering;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Litmus shape S, S: T1: x=2; y=1 || T2: r1=y; x=1; outcome (r1, final x), under braid's three
 * orderings. Graded by {@code ../shared/reference/litmus.md}: the outcome {@code 1, 2} is
 * ACCEPTABLE_INTERESTING where the table allows it and FORBIDDEN where it forbids it.
 */
public final class S {
    private S() {}

    /** Every access RELAXED (opaque). */
    @JCStressTest
    @Outcome(
            id = "1, 2",
            expect = ACCEPTABLE_INTERESTING,
            desc = "the outcome the litmus table asks about")
    @Outcome(expect = ACCEPTABLE, desc = "sequentially consistent")
    @State
    public static class Relaxed {
        private static final Ordering LOAD = Ordering.RELAXED;
        private static final Ordering STORE = Ordering.RELAXED;
        private final AtomicI32 x = new AtomicI32();
        private final AtomicI32 y = new AtomicI32();

        @Actor
        public void actor1(II_Result r) {
            x.store(2, STORE);
            y.store(1, STORE);
        }

        @Actor
        public void actor2(II_Result r) {
            r.r1 = y.load(LOAD);
            x.store(1, STORE);
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r2 = x.load(Ordering.SEQ_CST);
        }
    }

    /** Every access RELEASE stores, ACQUIRE loads. */
    @JCStressTest
    @Outcome(id = "1, 2", expect = FORBIDDEN, desc = "the outcome the litmus table asks about")
    @Outcome(expect = ACCEPTABLE, desc = "sequentially consistent")
    @State
    public static class RelAcq {
        private static final Ordering LOAD = Ordering.ACQUIRE;
        private static final Ordering STORE = Ordering.RELEASE;
        private final AtomicI32 x = new AtomicI32();
        private final AtomicI32 y = new AtomicI32();

        @Actor
        public void actor1(II_Result r) {
            x.store(2, STORE);
            y.store(1, STORE);
        }

        @Actor
        public void actor2(II_Result r) {
            r.r1 = y.load(LOAD);
            x.store(1, STORE);
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r2 = x.load(Ordering.SEQ_CST);
        }
    }

    /** Every access SEQ_CST (volatile). */
    @JCStressTest
    @Outcome(id = "1, 2", expect = FORBIDDEN, desc = "the outcome the litmus table asks about")
    @Outcome(expect = ACCEPTABLE, desc = "sequentially consistent")
    @State
    public static class SeqCst {
        private static final Ordering LOAD = Ordering.SEQ_CST;
        private static final Ordering STORE = Ordering.SEQ_CST;
        private final AtomicI32 x = new AtomicI32();
        private final AtomicI32 y = new AtomicI32();

        @Actor
        public void actor1(II_Result r) {
            x.store(2, STORE);
            y.store(1, STORE);
        }

        @Actor
        public void actor2(II_Result r) {
            r.r1 = y.load(LOAD);
            x.store(1, STORE);
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r2 = x.load(Ordering.SEQ_CST);
        }
    }
}
