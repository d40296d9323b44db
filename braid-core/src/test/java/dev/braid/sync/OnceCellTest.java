package dev.braid.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** What only {@link OnceCell} and {@link Lazy} have beyond the shared once-contract. */
class OnceCellTest {
    @Test
    void setStoresOnlyOnceAndGetNeverInitializes() {
        OnceCell<String> c = OnceCell.named("c");
        assertThat(c.get()).isEmpty();
        assertThat(c.isInitialized()).isFalse();
        assertThat(c.set("a")).isTrue();
        assertThat(c.set("b")).isFalse();
        assertThat(c.get()).contains("a");
        assertThat(c.getOrInit(() -> "c")).isEqualTo("a");
        assertThat(c.isInitialized()).isTrue();
    }

    @Test
    void setFromTheInitializerIsReentrant() {
        OnceCell<String> c = new OnceCell<>();
        assertThatThrownBy(() -> c.getOrInit(() -> c.set("x") ? "y" : "z"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("re-entrant");
        assertThat(c.get()).as("the failed outer initialization left it empty").isEmpty();
    }

    @Test
    void namesNeverShowTheValue() {
        OnceCell<String> c = OnceCell.named("config");
        c.set("secret");
        assertThat(c).hasToString("OnceCell(config)[set]");
        assertThat(new OnceCell<String>()).hasToString("OnceCell[empty]");
        Lazy<String> l = Lazy.named("pattern", () -> "secret");
        assertThat(l).hasToString("Lazy(pattern)[not computed]");
        l.get();
        assertThat(l).hasToString("Lazy(pattern)[computed]");
        assertThat(Lazy.of(() -> "x")).hasToString("Lazy[not computed]");
    }

    @Test
    void lazyReportsWhetherItWasComputed() {
        Lazy<Integer> l = Lazy.of(() -> 42);
        assertThat(l.isInitialized()).isFalse();
        assertThat(l.getIfInitialized()).isEmpty();
        assertThat(l.get()).isEqualTo(42);
        assertThat(l.isInitialized()).isTrue();
        assertThat(l.getIfInitialized()).contains(42);
    }
}
