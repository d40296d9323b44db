package dev.braid.jcstress.litmus;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.braid.atomic.AtomicI32;
import dev.braid.atomic.Ordering;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Litmus shape MP, message passing: T1: d=1; f=1 || T2: r1=f; r2=d, under braid's three orderings.
 * Graded by {@code ../shared/reference/litmus.md}: the outcome {@code 1, 0} is
 * ACCEPTABLE_INTERESTING where the table allows it and FORBIDDEN where it forbids it.
 */
public final class MP {
    private MP() {}

    /** Every access RELAXED (opaque). */
    @JCStressTest
    @Outcome(
            id = "1, 0",
            expect = ACCEPTABLE_INTERESTING,
            desc = "the outcome the litmus table asks about")
    @Outcome(expect = ACCEPTABLE, desc = "sequentially consistent")
    @State
    public static class Relaxed {
        private static final Ordering LOAD = Ordering.RELAXED;
        private static final Ordering STORE = Ordering.RELAXED;
        private final AtomicI32 d = new AtomicI32();
        private final AtomicI32 f = new AtomicI32();

        @Actor
        public void actor1(II_Result r) {
            d.store(1, STORE);
            f.store(1, STORE);
        }

        @Actor
        public void actor2(II_Result r) {
            r.r1 = f.load(LOAD);
            r.r2 = d.load(LOAD);
        }
    }

    /** Every access RELEASE stores, ACQUIRE loads. */
    @JCStressTest
    @Outcome(id = "1, 0", expect = FORBIDDEN, desc = "the outcome the litmus table asks about")
    @Outcome(expect = ACCEPTABLE, desc = "sequentially consistent")
    @State
    public static class RelAcq {
        private static final Ordering LOAD = Ordering.ACQUIRE;
        private static final Ordering STORE = Ordering.RELEASE;
        private final AtomicI32 d = new AtomicI32();
        private final AtomicI32 f = new AtomicI32();

        @Actor
        public void actor1(II_Result r) {
            d.store(1, STORE);
            f.store(1, STORE);
        }

        @Actor
        public void actor2(II_Result r) {
            r.r1 = f.load(LOAD);
            r.r2 = d.load(LOAD);
        }
    }

    /** Every access SEQ_CST (volatile). */
    @JCStressTest
    @Outcome(id = "1, 0", expect = FORBIDDEN, desc = "the outcome the litmus table asks about")
    @Outcome(expect = ACCEPTABLE, desc = "sequentially consistent")
    @State
    public static class SeqCst {
        private static final Ordering LOAD = Ordering.SEQ_CST;
        private static final Ordering STORE = Ordering.SEQ_CST;
        private final AtomicI32 d = new AtomicI32();
        private final AtomicI32 f = new AtomicI32();

        @Actor
        public void actor1(II_Result r) {
            d.store(1, STORE);
            f.store(1, STORE);
        }

        @Actor
        public void actor2(II_Result r) {
            r.r1 = f.load(LOAD);
            r.r2 = d.load(LOAD);
        }
    }
}
