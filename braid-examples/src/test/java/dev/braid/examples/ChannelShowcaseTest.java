package dev.braid.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.testkit.SimResult;
import org.junit.jupiter.api.Test;

/** The channel step's claims (issue 11 point 9), asserted. */
class ChannelShowcaseTest {
    @Test
    void thePipelineDeliversEverySquareOnce() throws Exception {
        assertThat(ChannelShowcase.pipeline(100, 3)).isEqualTo(338_350L);
    }

    @Test
    void theTimeoutFiresFirstThenTheServicesEndWins() throws Exception {
        assertThat(ChannelShowcase.selectWithTimeout())
                .containsExactly(
                        "timed out after 20 ms", "service ended: answer after the go signal");
    }

    @Test
    void thePlantedEarlyCloseIsFoundAndReplays() {
        Showcase.Demo d = Showcase.findAndReplay(ChannelShowcase.EARLY_CLOSE);
        SimResult failure = d.found().failure().orElseThrow();
        assertThat(failure.message()).contains("producer-").contains(failure.schedule());
        assertThat(d.replayed().isFailure()).isTrue();
        assertThat(d.replayed().schedule()).isEqualTo(failure.schedule());
        assertThat(Showcase.firstLine(d.replayed())).isEqualTo(Showcase.firstLine(failure));
    }
}
