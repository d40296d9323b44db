package dev.braid.thread;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A long-lived {@code Threads.scope} (a server's accept loop spawning a child per connection) does
 * not keep every child it ever had (probe14). Before, each finished child's handle and thread
 * stayed in the scope's queue until the scope ended: about 600 bytes per child for ever.
 */
class ScopeRetentionTest {
    static int collected(List<WeakReference<JoinHandle<Void>>> refs) {
        int n = 0;
        for (WeakReference<JoinHandle<Void>> r : refs) {
            n += r.get() == null ? 1 : 0;
        }
        return n;
    }

    @Test
    void finishedChildrenOfAnOpenScopeCanBeCollected() {
        assertTimeoutPreemptively(
                Duration.ofSeconds(30),
                () -> {
                    List<WeakReference<JoinHandle<Void>>> refs = new ArrayList<>();
                    AtomicInteger ran = new AtomicInteger();
                    int[] seen = new int[1];
                    Threads.scope(
                            s -> {
                                for (int i = 0; i < 2_000; i++) {
                                    JoinHandle<Void> h =
                                            s.spawnVirtual((Runnable) ran::incrementAndGet);
                                    h.join();
                                    refs.add(new WeakReference<>(h));
                                }
                                while ((seen[0] = collected(refs)) < 1_800) {
                                    System.gc(); // the scope is still open here
                                    Thread.sleep(10);
                                }
                                JoinHandle<Void> last =
                                        s.spawnVirtual((Runnable) ran::incrementAndGet);
                                refs.add(new WeakReference<>(last));
                            });
                    assertThat(seen[0]).isGreaterThanOrEqualTo(1_800);
                    assertThat(ran).hasValue(2_001); // close() still waited for the last one
                });
    }

    /** Pinned: pruning does not lose a failure; the scope still reports it at its end. */
    @Test
    void aFailedChildAmongManyFinishedOnesIsStillReported() {
        assertTimeoutPreemptively(
                Duration.ofSeconds(30),
                () -> {
                    IllegalStateException boom = new IllegalStateException("child 7 failed");
                    org.assertj.core.api.Assertions.assertThatThrownBy(
                                    () ->
                                            Threads.scope(
                                                    ScopePolicy.COLLECT_ALL,
                                                    s -> {
                                                        for (int i = 0; i < 500; i++) {
                                                            int k = i;
                                                            s.spawnVirtual(
                                                                            () -> {
                                                                                if (k == 7) {
                                                                                    throw boom;
                                                                                }
                                                                            })
                                                                    .isFinished();
                                                        }
                                                    }))
                            .isInstanceOf(PanicException.class)
                            .hasCause(boom);
                });
    }
}
