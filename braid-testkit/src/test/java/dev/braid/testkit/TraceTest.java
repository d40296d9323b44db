package dev.braid.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.atomic.AtomicBool;
import dev.braid.atomic.AtomicI64;
import dev.braid.atomic.Ordering;
import dev.braid.sync.Mutex;
import dev.braid.sync.MutexGuard;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failure comes with a trace: the last steps and wait sites in its message, and an HTML timeline
 * whose user strings are escaped. braid-testkit/check-trace.sh opens the page this class writes to
 * target/braid-traces in headless Chromium.
 */
class TraceTest {
    /** A thread name that would run as a script if the page did not escape it. */
    static final String HOSTILE = "<script>alert(1)</script>";

    @AfterEach
    void noSimulatedThreadOutlivesItsRun() {
        NoLiveThreads.check();
    }

    private static void lockBoth(Mutex<Integer> first, Mutex<Integer> second) {
        try (MutexGuard<Integer> g1 = first.lock();
                MutexGuard<Integer> g2 = second.lock()) {
            g1.set(g1.get() + 1);
            g2.set(g2.get() + 1);
        }
    }

    static void abba() throws InterruptedException {
        Mutex<Integer> a = Mutex.named("a", 0);
        Mutex<Integer> b = Mutex.named("b", 0);
        JoinHandle<Void> t1 = Threads.builder().name(HOSTILE).spawn(() -> lockBoth(a, b));
        JoinHandle<Void> t2 = Threads.builder().name("T2").spawn(() -> lockBoth(b, a));
        t1.join();
        t2.join();
    }

    @Test
    void aDeadlockCarriesItsLastStepsAndWaitSitesAndWritesAnEscapedHtmlTimeline()
            throws IOException {
        // The default directory, so that check-trace.sh finds the page after this test.
        Exploration e =
                Simulation.builder()
                        .seed(1)
                        .traceName("TraceTest.abba")
                        .traceDirectory(Optional.of(Path.of(Simulation.DEFAULT_TRACE_DIRECTORY)))
                        .build()
                        .explore(TraceTest::abba);
        assertThat(e.failure()).containsInstanceOf(SimResult.Deadlock.class);
        Trace trace = e.trace().orElseThrow();
        assertThat(trace.result()).isEqualTo(e.failure().get());
        assertThat(trace.threads()).containsExactly("main", HOSTILE, "T2");
        assertThat(trace.waits())
                .extracting(Trace.Waiting::site)
                .allSatisfy(site -> assertThat(site).startsWith("TraceTest."));
        assertThat(trace.waits())
                .filteredOn(w -> w.thread().equals("T2"))
                .singleElement()
                .satisfies(
                        w -> assertThat(w.site()).startsWith("TraceTest.lockBoth(TraceTest.java:"));
        String message = e.message();
        System.out.println(message);
        assertThat(message)
                .contains("last steps (of " + e.failure().get().steps() + "):")
                .contains("blocked threads wait at:")
                .contains("'T2' waits for Mutex(a) at TraceTest.lockBoth(TraceTest.java:")
                .contains("park Mutex(")
                .contains("trace: ");
        Path file = trace.file().orElseThrow();
        assertThat(message).contains(file.toAbsolutePath().toString());
        String html = Files.readString(file);
        assertThat(html)
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                .doesNotContain(HOSTILE)
                .contains("<tr id=\"fatal\" class=\"fatal\">")
                .contains("<svg id=\"cycle\"")
                .contains("Content-Security-Policy")
                .contains("TraceTest.lockBoth(TraceTest.java:")
                .contains("via Mutex.lock");
        assertThat(html.split("<th class=\"lane\">", -1)).hasSize(4); // one lane per thread
    }

    @Test
    void aChildsFailureIsTheFatalStepAtItsSourceLine(@TempDir Path dir) {
        Exploration e =
                Simulation.builder()
                        .seed(3)
                        .schedules(200)
                        .traceDirectory(Optional.of(dir))
                        .build()
                        .explore(
                                () -> {
                                    Mutex<Integer> m = Mutex.named("m", 0);
                                    JoinHandle<Void> c =
                                            Threads.builder()
                                                    .name("checker")
                                                    .spawn(
                                                            () -> {
                                                                MutexGuard<Integer> g = m.lock();
                                                                if (g.get() != 1) {
                                                                    throw new IllegalStateException(
                                                                            "saw " + g.get());
                                                                }
                                                                g.close();
                                                            });
                                    m.update(v -> v + 1);
                                    c.join();
                                });
        Trace trace = e.trace().orElseThrow();
        Trace.Step fatal = trace.steps().get(trace.fatal());
        assertThat(fatal.thread()).isEqualTo("checker");
        assertThat(fatal.what()).isEqualTo("throws java.lang.IllegalStateException: saw 0");
        assertThat(fatal.site()).startsWith("TraceTest.lambda$");
        assertThat(e.message()).contains("> #").contains("checker").contains("saw 0");
        assertThat(trace.file()).hasValueSatisfying(p -> assertThat(p).startsWith(dir));
    }

    /**
     * An atomic's step names the atomic, not its value: the value at a step is the one before the
     * access, so "store false" for a store of true read as the opposite of what the program did.
     */
    @Test
    void anAtomicsStepNamesTheAtomicNotItsValue() {
        Exploration e =
                Simulation.builder()
                        .seed(1)
                        .traceDirectory(Optional.empty())
                        .build()
                        .explore(
                                () -> {
                                    AtomicBool flag = new AtomicBool(false);
                                    AtomicI64 count = new AtomicI64(0);
                                    flag.store(true, Ordering.SEQ_CST);
                                    count.store(7, Ordering.SEQ_CST);
                                    throw new IllegalStateException("end");
                                });
        List<String> steps =
                e.trace().orElseThrow().steps().stream().map(Trace.Step::what).toList();
        assertThat(steps).contains("store AtomicBool#1", "store AtomicI64#2");
        assertThat(steps).noneMatch(s -> s.startsWith("store false") || s.startsWith("store 0"));
    }

    @Test
    void tracesCanBeTurnedOffAndTheMessageStillCarriesTheSteps() {
        Exploration e =
                Simulation.builder()
                        .seed(1)
                        .traceDirectory(Optional.empty())
                        .build()
                        .explore(TraceTest::abba);
        assertThat(e.trace()).hasValueSatisfying(t -> assertThat(t.file()).isEmpty());
        assertThat(e.message()).contains("last steps").doesNotContain("trace: ");
    }

    @Test
    void escapingCoversEveryMarkupCharacter() {
        assertThat(TraceHtml.esc("<a href=\"x\" title='y'>&</a>"))
                .isEqualTo("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
    }
}
