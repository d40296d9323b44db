package dev.braid.rc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Arc across threads: concurrent releases close exactly once, and any thread may release. */
class ArcTest {
    @Test
    void concurrentReleasesCloseExactlyOnce() throws Exception {
        for (int round = 0; round < 200; round++) {
            CountingResource res = new CountingResource();
            Arc<CountingResource> first = Arc.of(res);
            List<Arc<CountingResource>> shares = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                shares.add(first.share());
            }
            shares.add(first);
            CountDownLatch go = new CountDownLatch(1);
            List<JoinHandle<Release>> hs = new ArrayList<>();
            for (Arc<CountingResource> s : shares) {
                hs.add(
                        Threads.spawn(
                                () -> {
                                    go.await();
                                    return s.release();
                                }));
            }
            go.countDown();
            int closedBy = 0;
            for (JoinHandle<Release> h : hs) {
                closedBy += h.join() == Release.CLOSED ? 1 : 0;
            }
            assertThat(closedBy).isEqualTo(1);
            assertThat(res.closes).hasValue(1);
        }
    }

    @Test
    void racingDoubleReleaseOfOneShareReleasesOnce() throws Exception {
        for (int round = 0; round < 200; round++) {
            CountingResource res = new CountingResource();
            Arc<CountingResource> a = Arc.of(res);
            Arc<CountingResource> keep = a.share();
            CountDownLatch go = new CountDownLatch(1);
            JoinHandle<Boolean> t1 = Threads.spawn(() -> tryRelease(a, go));
            JoinHandle<Boolean> t2 = Threads.spawn(() -> tryRelease(a, go));
            go.countDown();
            assertThat(t1.join() ^ t2.join()).as("exactly one release wins").isTrue();
            assertThat(keep.strongCount()).isEqualTo(1);
            keep.release();
            assertThat(res.closes).hasValue(1);
        }
    }

    private static boolean tryRelease(Arc<CountingResource> a, CountDownLatch go)
            throws InterruptedException {
        go.await();
        try {
            a.release();
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    @Test
    void toStringNamesTheTypeNeverTheContents() {
        Arc<CountingResource> a = Arc.of(new CountingResource());
        assertThat(a.toString()).isEqualTo("Arc<dev.braid.rc.CountingResource>");
        a.close();
        assertThat(a.toString()).endsWith("[released]").doesNotContain("secret");
    }
}
