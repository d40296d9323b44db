package dev.braid.atomic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Sequential contract of the cells under every valid ordering (production path). */
class AtomicCellsTest {
    private static final Set<Ordering> LOADS =
            EnumSet.of(Ordering.RELAXED, Ordering.ACQUIRE, Ordering.SEQ_CST);
    private static final Set<Ordering> STORES =
            EnumSet.of(Ordering.RELAXED, Ordering.RELEASE, Ordering.SEQ_CST);

    @Test
    void i32OperationsUnderEveryOrdering() {
        for (Ordering o : Ordering.values()) {
            Ordering load = LOADS.contains(o) ? o : Ordering.SEQ_CST;
            Ordering store = STORES.contains(o) ? o : Ordering.SEQ_CST;
            AtomicI32 a = new AtomicI32(5);
            assertThat(a.load(load)).isEqualTo(5);
            a.store(6, store);
            assertThat(a.swap(7, o)).isEqualTo(6);
            assertThat(a.fetchAdd(3, o)).isEqualTo(7);
            assertThat(a.fetchSub(4, o)).isEqualTo(10);
            assertThat(a.fetchAnd(0b0100, o)).isEqualTo(6);
            assertThat(a.fetchOr(0b0011, o)).isEqualTo(4);
            assertThat(a.fetchXor(0b0001, o)).isEqualTo(7);
            assertThat(a.fetchMax(3, o)).isEqualTo(6);
            assertThat(a.fetchMax(9, o)).isEqualTo(6);
            assertThat(a.fetchMin(2, o)).isEqualTo(9);
            assertThat(a.fetchUpdate(v -> v * 10, o)).isEqualTo(2);
            assertThat(a.updateAndGet(v -> v + 1, o)).isEqualTo(21);
            Ordering fail = SimAccess.loadPart(o);
            assertThat(a.compareExchange(0, 1, o, fail)).isEqualTo(21);
            assertThat(a.compareExchange(21, 1, o, fail)).isEqualTo(21);
            assertThat(a.load(load)).isEqualTo(1);
            assertThat(a.compareExchangeWeak(0, 2, o, fail)).isFalse();
            boolean done = false;
            while (!done) {
                done = a.compareExchangeWeak(1, 2, o, fail);
            }
            assertThat(a.load(load)).isEqualTo(2);
            assertThat(a.fetchAdd(Integer.MAX_VALUE, o)).isEqualTo(2);
            assertThat(a.load(load)).isEqualTo(Integer.MIN_VALUE + 1);
            assertThat(a).hasToString(Integer.toString(Integer.MIN_VALUE + 1));
        }
    }

    @Test
    void i64OperationsUnderEveryOrdering() {
        for (Ordering o : Ordering.values()) {
            Ordering load = LOADS.contains(o) ? o : Ordering.SEQ_CST;
            Ordering store = STORES.contains(o) ? o : Ordering.SEQ_CST;
            AtomicI64 a = new AtomicI64(1L << 40);
            assertThat(a.load(load)).isEqualTo(1L << 40);
            a.store(6, store);
            assertThat(a.swap(7, o)).isEqualTo(6);
            assertThat(a.fetchAdd(3, o)).isEqualTo(7);
            assertThat(a.fetchSub(4, o)).isEqualTo(10);
            assertThat(a.fetchAnd(0b0100, o)).isEqualTo(6);
            assertThat(a.fetchOr(0b0011, o)).isEqualTo(4);
            assertThat(a.fetchXor(0b0001, o)).isEqualTo(7);
            assertThat(a.fetchMax(9, o)).isEqualTo(6);
            assertThat(a.fetchMin(2, o)).isEqualTo(9);
            assertThat(a.fetchUpdate(v -> v * 10, o)).isEqualTo(2);
            assertThat(a.updateAndGet(v -> v + 1, o)).isEqualTo(21);
            Ordering fail = SimAccess.loadPart(o);
            assertThat(a.compareExchange(21, 1, o, fail)).isEqualTo(21);
            assertThat(a.load(load)).isEqualTo(1);
        }
    }

    @Test
    void boolAndRefOperations() {
        AtomicBool b = new AtomicBool();
        assertThat(b.load(Ordering.ACQUIRE)).isFalse();
        assertThat(b.swap(true, Ordering.ACQ_REL)).isFalse();
        assertThat(b.fetchAnd(false, Ordering.RELAXED)).isTrue();
        assertThat(b.fetchOr(true, Ordering.RELEASE)).isFalse();
        assertThat(b.fetchXor(true, Ordering.SEQ_CST)).isTrue();
        assertThat(b.compareExchange(false, true, Ordering.ACQ_REL, Ordering.ACQUIRE)).isFalse();
        assertThat(
                        b.compareExchangeWeak(false, true, Ordering.SEQ_CST, Ordering.SEQ_CST)
                                || b.load(Ordering.SEQ_CST))
                .isTrue();
        b.store(false, Ordering.RELEASE);
        assertThat(b).hasToString("false");

        String one = new String("one");
        AtomicRef<String> r = new AtomicRef<>(one);
        assertThat(r.compareExchange(new String("one"), "two", Ordering.SEQ_CST, Ordering.SEQ_CST))
                .as("identity, not equals")
                .isSameAs(one);
        assertThat(r.compareExchange(one, "two", Ordering.ACQ_REL, Ordering.RELAXED)).isSameAs(one);
        assertThat(r.swap(null, Ordering.RELAXED)).isEqualTo("two");
        assertThat(r.load(Ordering.ACQUIRE)).isNull();
        assertThat(r.updateAndGet(v -> v == null ? "x" : v + "y", Ordering.SEQ_CST)).isEqualTo("x");
        assertThat(r.fetchUpdate(v -> v + "y", Ordering.RELEASE)).isEqualTo("x");
        r.store("z", Ordering.RELAXED);
        assertThat(r).hasToString("z");
        for (Ordering o : Ordering.values()) {
            if (o != Ordering.RELAXED) {
                Fences.fence(o);
            }
        }
        Plain<Integer> p = new Plain<>(1);
        p.set(p.get() + 1);
        assertThat(p.get()).isEqualTo(2);
        assertThat(p).hasToString("2");
    }

    @Test
    void casPairsFollowRust() {
        for (Ordering s : Ordering.values()) {
            for (Ordering f : Ordering.values()) {
                boolean ok =
                        (f == Ordering.RELAXED)
                                || (f == Ordering.ACQUIRE && s.acquires())
                                || (f == Ordering.SEQ_CST && s == Ordering.SEQ_CST);
                AtomicI32 a = new AtomicI32();
                if (ok) {
                    assertThat(a.compareExchange(0, 1, s, f)).isZero();
                } else {
                    org.assertj.core.api.Assertions.assertThatThrownBy(
                                    () -> a.compareExchange(0, 1, s, f))
                            .isInstanceOf(IllegalArgumentException.class)
                            .hasMessageContaining("failure");
                    assertThat(a.load(Ordering.RELAXED)).isZero();
                }
            }
        }
    }

    @Test
    void seamOrderingConstantsMatchTheEnum() {
        assertThat(Ordering.RELAXED.ordinal()).isEqualTo(dev.braid.internal.rt.SimMemory.RELAXED);
        assertThat(Ordering.ACQUIRE.ordinal()).isEqualTo(dev.braid.internal.rt.SimMemory.ACQUIRE);
        assertThat(Ordering.RELEASE.ordinal()).isEqualTo(dev.braid.internal.rt.SimMemory.RELEASE);
        assertThat(Ordering.ACQ_REL.ordinal()).isEqualTo(dev.braid.internal.rt.SimMemory.ACQ_REL);
        assertThat(Ordering.SEQ_CST.ordinal()).isEqualTo(dev.braid.internal.rt.SimMemory.SEQ_CST);
    }
}
