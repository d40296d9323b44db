package dev.braid.rc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The acceptance test: an unreleased Arc is reported with the stack where it was created. */
class LeakDetectorTest {
    private final LinkedBlockingQueue<LeakReport> reports = new LinkedBlockingQueue<>();
    private LeakDetector.Level oldLevel;
    private int oldInterval;
    private Consumer<LeakReport> oldReporter;

    @BeforeEach
    void install() {
        oldLevel = LeakDetector.setLevel(LeakDetector.Level.PARANOID);
        oldInterval = LeakDetector.samplingInterval();
        oldReporter = LeakDetector.setReporter(reports::add);
    }

    @AfterEach
    void restore() {
        LeakDetector.setLevel(oldLevel);
        LeakDetector.setSamplingInterval(oldInterval);
        LeakDetector.setReporter(oldReporter);
    }

    @Test
    void anUnreleasedArcIsReportedWithItsCreationSite() throws Exception {
        leakOneShare();
        LeakReport r = awaitReport();
        assertThat(r.resourceType()).isEqualTo(CountingResource.class.getName());
        assertThat(Arrays.stream(r.createdAt().getStackTrace()).map(StackTraceElement::toString))
                .anyMatch(e -> e.contains("LeakDetectorTest.leakOneShare"));
        assertThat(r.message())
                .startsWith("LEAK: a share of Arc<dev.braid.rc.CountingResource>")
                .contains("LeakDetectorTest.leakOneShare")
                .doesNotContain("secret-contents");
        System.out.println(r.message().lines().limit(4).reduce((a, b) -> a + "\n" + b).get());
    }

    private static void leakOneShare() {
        Arc<CountingResource> a = Arc.of(new CountingResource());
        a.share().release(); // released shares are never reported
        // `a` becomes unreachable here, never released
    }

    @Test
    void releasedSharesAreNeverReported() throws Exception {
        for (int i = 0; i < 1_000; i++) {
            Arc<CountingResource> a = Arc.of(new CountingResource());
            a.share().close();
            a.close();
        }
        gcFor(300);
        assertThat(reports).isEmpty();
    }

    @Test
    void sampledLevelTracksOneShareInInterval() throws Exception {
        LeakDetector.setLevel(LeakDetector.Level.SAMPLED);
        LeakDetector.setSamplingInterval(8);
        leakShares(16);
        List<LeakReport> got = new ArrayList<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (got.size() < 2 && System.nanoTime() < end) {
            System.gc();
            LeakReport r = reports.poll(50, TimeUnit.MILLISECONDS);
            if (r != null) {
                got.add(r);
            }
        }
        gcFor(200);
        reports.drainTo(got);
        assertThat(got).hasSize(2);
    }

    @Test
    void disabledTracksNothing() throws Exception {
        LeakDetector.setLevel(LeakDetector.Level.DISABLED);
        leakShares(50);
        gcFor(300);
        assertThat(reports).isEmpty();
    }

    @Test
    void aThrowingReporterIsIgnored() throws Exception {
        LeakDetector.setReporter(
                r -> {
                    reports.add(r);
                    throw new IllegalStateException("reporter bug");
                });
        leakOneShare();
        leakOneShare();
        awaitReport();
        awaitReport(); // the cleaner thread survived the first failure
    }

    @Test
    void configurationRejectsBadValues() {
        assertThatThrownBy(() -> LeakDetector.setSamplingInterval(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("interval");
        assertThat(LeakDetector.samplingInterval()).isEqualTo(oldInterval);
        assertThatThrownBy(() -> LeakDetector.setLevel(null))
                .isInstanceOf(NullPointerException.class);
        assertThat(LeakDetector.level()).isEqualTo(LeakDetector.Level.PARANOID);
        assertThat(LeakDetector.defaultReporter()).isNotNull();
    }

    private static void leakShares(int n) {
        for (int i = 0; i < n; i++) {
            Arc.of(new CountingResource());
        }
    }

    private LeakReport awaitReport() throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            System.gc();
            LeakReport r = reports.poll(50, TimeUnit.MILLISECONDS);
            if (r != null) {
                return r;
            }
        }
        throw new AssertionError("no leak reported within 30 s");
    }

    private static void gcFor(long millis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < end) {
            System.gc();
            Thread.sleep(20);
        }
    }
}
