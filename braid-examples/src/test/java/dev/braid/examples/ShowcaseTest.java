package dev.braid.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.testkit.SimResult;
import dev.braid.thread.Panics;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The showcase's claims, asserted: if a step stops showing what the README says, this fails. */
class ShowcaseTest {
    @Test
    void runtimeSteps() throws Exception {
        var previous = Panics.setHook((t, e) -> {});
        try {
            assertThat(Showcase.spawnAndJoin()).isEqualTo(42);
            assertThat(Showcase.panicThroughJoin())
                    .hasMessageContaining("config-loader")
                    .hasCauseInstanceOf(IOException.class);
            assertThat(Showcase.scopedSum(1000, 4)).isEqualTo(500_500L);
            assertThat(Showcase.mutexCounter(4, 1000)).isEqualTo(4000);
        } finally {
            Panics.setHook(previous);
        }
    }

    @Test
    void lostUpdateIsFoundAndReplays() {
        Showcase.Demo d = Showcase.lostUpdate();
        SimResult failure = d.found().failure().orElseThrow();
        assertThat(failure).isInstanceOf(SimResult.Failed.class);
        assertThat(failure.message())
                .contains("lost update: counter is 1")
                .contains(failure.schedule());
        assertThat(d.replayed()).isInstanceOf(SimResult.Failed.class);
        assertThat(d.replayed().schedule()).isEqualTo(failure.schedule());
        assertThat(Showcase.firstLine(d.replayed())).isEqualTo(Showcase.firstLine(failure));
    }

    @Test
    void deadlockIsFoundWithItsGraphAndReplays() {
        Showcase.Demo d = Showcase.deadlock();
        SimResult failure = d.found().failure().orElseThrow();
        assertThat(failure).isInstanceOf(SimResult.Deadlock.class);
        assertThat(failure.message()).contains("T1", "T2", "Mutex(a)", "Mutex(b)");
        assertThat(d.replayed()).isInstanceOf(SimResult.Deadlock.class);
        assertThat(d.replayed().schedule()).isEqualTo(failure.schedule());
        assertThat(Showcase.orderedLocking().passed()).isTrue();
    }
}
