package dev.braid.atomic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Sequential contract of {@link AtomicRefArray} under every valid ordering (production path). */
class AtomicRefArrayTest {
    private static final Set<Ordering> LOADS =
            EnumSet.of(Ordering.RELAXED, Ordering.ACQUIRE, Ordering.SEQ_CST);
    private static final Set<Ordering> STORES =
            EnumSet.of(Ordering.RELAXED, Ordering.RELEASE, Ordering.SEQ_CST);

    @Test
    void elementsAreIndependentLocationsUnderEveryOrdering() {
        for (Ordering o : Ordering.values()) {
            Ordering load = LOADS.contains(o) ? o : Ordering.SEQ_CST;
            Ordering store = STORES.contains(o) ? o : Ordering.SEQ_CST;
            AtomicRefArray<String> a = new AtomicRefArray<>(3);
            assertThat(a.length()).isEqualTo(3);
            assertThat(a.load(0, load)).isNull();
            a.store(1, "b", store);
            assertThat(a.load(1, load)).isEqualTo("b");
            assertThat(a.load(0, load)).isNull();
            assertThat(a.load(2, load)).isNull();
            assertThat(a.swap(1, "c", o)).isEqualTo("b");
            String c = a.load(1, load);
            Ordering fail = SimAccess.loadPart(o);
            assertThat(a.compareExchange(1, "other", "d", o, fail)).isSameAs(c);
            assertThat(a.load(1, load)).isSameAs(c);
            assertThat(a.compareExchange(1, c, "d", o, fail)).isSameAs(c);
            assertThat(a.load(1, load)).isEqualTo("d");
            assertThat(a.compareExchange(2, null, "e", o, fail)).isNull();
            assertThat(a).hasToString("[null, d, e]");
        }
    }

    @Test
    void compareExchangeComparesByIdentity() {
        AtomicRefArray<String> a = new AtomicRefArray<>(1);
        String x = new String("x");
        a.store(0, x, Ordering.SEQ_CST);
        String equalButNotSame = new String("x");
        assertThat(a.compareExchange(0, equalButNotSame, "y", Ordering.SEQ_CST, Ordering.SEQ_CST))
                .isSameAs(x);
        assertThat(a.load(0, Ordering.SEQ_CST)).isSameAs(x);
    }

    @Test
    void hostileInputIsRefusedWithoutStateChange() {
        assertThatThrownBy(() -> new AtomicRefArray<>(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("length");
        AtomicRefArray<String> a = new AtomicRefArray<>(2);
        a.store(0, "a", Ordering.SEQ_CST);
        assertThatThrownBy(() -> a.load(2, Ordering.SEQ_CST))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> a.store(-1, "x", Ordering.SEQ_CST))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> a.load(0, Ordering.RELEASE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("order");
        assertThatThrownBy(() -> a.store(0, "x", Ordering.ACQUIRE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> a.load(0, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> a.compareExchange(0, "a", "b", Ordering.RELAXED, Ordering.SEQ_CST))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("failure");
        assertThat(a.load(0, Ordering.SEQ_CST)).isEqualTo("a");
        assertThat(new AtomicRefArray<>(0).length()).isZero();
    }
}
