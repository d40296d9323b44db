package dev.braid.rc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.thread.Threads;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** Rc's runtime {@code !Send}: every use from another thread fails and changes nothing. */
class RcTest {
    @Test
    void everyOperationFromAnotherThreadFailsAndChangesNothing() throws Exception {
        CountingResource res = new CountingResource();
        Rc<CountingResource> rc = Rc.of(res);
        Weak<Rc<CountingResource>> weak = rc.downgrade();
        assertThat(rc.owner()).isSameAs(Thread.currentThread());
        List<ThrowingCallable> uses =
                List.of(
                        rc::get,
                        rc::share,
                        rc::downgrade,
                        rc::release,
                        rc::close,
                        rc::isReleased,
                        rc::strongCount,
                        weak::upgrade,
                        weak::strongCount);
        List<Throwable> failures =
                Threads.spawn(
                                () -> {
                                    List<Throwable> out = new ArrayList<>();
                                    for (ThrowingCallable u : uses) {
                                        try {
                                            u.call();
                                            out.add(null);
                                        } catch (Throwable t) {
                                            out.add(t);
                                        }
                                    }
                                    return out;
                                })
                        .join();
        assertThat(failures)
                .hasSize(uses.size())
                .allSatisfy(
                        t ->
                                assertThat(t)
                                        .isInstanceOf(WrongThreadException.class)
                                        .hasMessageContaining("confined to thread"));
        assertThat(rc.strongCount()).isEqualTo(1);
        assertThat(rc.isReleased()).isFalse();
        assertThat(rc.toString()).as("toString works anywhere").contains("Rc<");
        rc.release();
        assertThat(res.closes).hasValue(1);
        assertThatThrownBy(rc::get).isInstanceOf(IllegalStateException.class);
    }
}
