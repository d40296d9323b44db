package dev.braid.rc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The shared-ownership contract, written once and run over {@link Arc} and {@link Rc}. */
class SharesContractTest {
    /** One share, seen through the operations both types have. */
    interface Share {
        Object get();

        Share share();

        Release release();

        Optional<Share> upgradeWeak();

        boolean isReleased();

        int strongCount();
    }

    record ArcShare(Arc<CountingResource> a) implements Share {
        public Object get() {
            return a.get();
        }

        public Share share() {
            return new ArcShare(a.share());
        }

        public Release release() {
            return a.release();
        }

        public Optional<Share> upgradeWeak() {
            return a.downgrade().upgrade().map(ArcShare::new);
        }

        public boolean isReleased() {
            return a.isReleased();
        }

        public int strongCount() {
            return a.strongCount();
        }
    }

    record RcShare(Rc<CountingResource> r) implements Share {
        public Object get() {
            return r.get();
        }

        public Share share() {
            return new RcShare(r.share());
        }

        public Release release() {
            return r.release();
        }

        public Optional<Share> upgradeWeak() {
            return r.downgrade().upgrade().map(RcShare::new);
        }

        public boolean isReleased() {
            return r.isReleased();
        }

        public int strongCount() {
            return r.strongCount();
        }
    }

    static Stream<Arguments> variants() {
        Function<CountingResource, Share> arc = c -> new ArcShare(Arc.of(c));
        Function<CountingResource, Share> rc = c -> new RcShare(Rc.of(c));
        return Stream.of(Arguments.of("Arc", arc), Arguments.of("Rc", rc));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void lastReleaseClosesExactlyOnce(String name, Function<CountingResource, Share> of) {
        CountingResource res = new CountingResource();
        Share a = of.apply(res);
        Share b = a.share();
        Share c = b.share();
        assertThat(a.strongCount()).isEqualTo(3);
        assertThat(a.get()).isSameAs(res);
        assertThat(b.release()).isEqualTo(Release.SHARED);
        assertThat(a.release()).isEqualTo(Release.SHARED);
        assertThat(res.closes).hasValue(0);
        assertThat(c.release()).isEqualTo(Release.CLOSED);
        assertThat(res.closes).hasValue(1);
        assertThat(c.strongCount()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void useAfterReleaseFailsAndChangesNothing(String name, Function<CountingResource, Share> of) {
        CountingResource res = new CountingResource();
        Share a = of.apply(res);
        Share b = a.share();
        a.release();
        assertThat(a.isReleased()).isTrue();
        assertThatThrownBy(a::get)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("after release");
        assertThatThrownBy(a::share).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(a::upgradeWeak).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(a::release)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("released twice");
        assertThat(b.strongCount()).as("a double release must not steal b's share").isEqualTo(1);
        assertThat(res.closes).hasValue(0);
        b.release();
        assertThat(res.closes).hasValue(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void weakUpgradesWhileOpenAndNotAfter(String name, Function<CountingResource, Share> of) {
        CountingResource res = new CountingResource();
        Share a = of.apply(res);
        Optional<Share> up = a.upgradeWeak();
        assertThat(up).isPresent();
        assertThat(a.strongCount()).isEqualTo(2);
        up.get().release();
        // a weak handle taken before the last release cannot resurrect the resource
        Share keep = a.share();
        var weakLater =
                keep instanceof ArcShare(Arc<CountingResource> arc)
                        ? (Object) arc.downgrade()
                        : ((RcShare) keep).r().downgrade();
        a.release();
        keep.release();
        assertThat(res.closes).hasValue(1);
        Optional<?> after =
                weakLater instanceof Weak<?> w ? w.upgrade() : Optional.of("not a weak handle");
        assertThat(after).isEmpty();
        assertThat(((Weak<?>) weakLater).strongCount()).isZero();
        assertThat(weakLater.toString()).startsWith("Weak[").doesNotContain("secret");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void aCheckedCloseFailureIsWrappedAndTheResourceIsNotClosedAgain(
            String name, Function<CountingResource, Share> of) {
        CountingResource res = new CountingResource();
        res.failWith = new IOException("disk");
        Share a = of.apply(res);
        assertThatThrownBy(a::release)
                .isInstanceOf(CloseFailedException.class)
                .hasCauseInstanceOf(IOException.class);
        assertThat(res.closes).hasValue(1);
        assertThat(a.strongCount()).as("closed, even though close failed").isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void anUncheckedCloseFailurePropagatesAsIs(String name, Function<CountingResource, Share> of) {
        CountingResource res = new CountingResource();
        IllegalStateException boom = new IllegalStateException("boom");
        res.failWith = boom;
        Share a = of.apply(res);
        assertThatThrownBy(a::release).isSameAs(boom);
        assertThat(a.strongCount()).isZero();
    }
}
