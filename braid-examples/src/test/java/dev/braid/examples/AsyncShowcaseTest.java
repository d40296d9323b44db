package dev.braid.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.testkit.Exploration;
import dev.braid.testkit.SimResult;
import dev.braid.testkit.Simulation;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The async step's claims (issue 13 point 9), asserted. */
class AsyncShowcaseTest {
    @Test
    void theCrawlerReportsEveryReachablePageOnceAndTheSlowOneAsTimedOut() throws Exception {
        // pages take 5-25 ms; a 500 ms timeout per page timed out a 20 ms page once on a loaded
        // 2-core box (probe16, load ~9): 3 s keeps the verdict about /slow (30 s) alone
        assertThat(AsyncShowcase.crawl("/", Duration.ofMillis(3_000)))
                .containsExactly(
                        "/ -> /docs, /blog, /about",
                        "/about -> ",
                        "/blog -> /blog/2026, /slow",
                        "/blog/2026 -> /about",
                        "/docs -> /docs/channels, /docs/pool, /",
                        "/docs/channels -> /docs/pool",
                        "/docs/pool -> ",
                        "/slow timed out after 3000 ms");
    }

    @Test
    void thePlantedLostWakeUpIsFoundAsADeadlockAndReplays() {
        Showcase.Demo d = Showcase.findAndReplay(AsyncShowcase.lostWakeUp(true));
        SimResult failure = d.found().failure().orElseThrow();
        assertThat(failure).isInstanceOf(SimResult.Deadlock.class);
        assertThat(failure.message())
                // ADR 0187: the report names the future that left the task pending
                .contains(
                        "task 'main-blockOn', idle (awaiting a wake) from Flag",
                        "(served by no simulated thread)")
                .contains(failure.schedule());
        assertThat(d.replayed().isFailure()).isTrue();
        assertThat(d.replayed().schedule()).isEqualTo(failure.schedule());
        assertThat(Showcase.firstLine(d.replayed())).isEqualTo(Showcase.firstLine(failure));
    }

    @Test
    void theCorrectFlagPassesEverySchedule() {
        Exploration e =
                Simulation.builder()
                        .seed(1)
                        .schedules(1000)
                        .build()
                        .explore(AsyncShowcase.lostWakeUp(false));
        assertThat(e.passed()).as(e.message()).isTrue();
        assertThat(e.schedulesRun()).isEqualTo(1000);
    }
}
