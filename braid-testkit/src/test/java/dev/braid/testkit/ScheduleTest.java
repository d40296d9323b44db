package dev.braid.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.thread.PanicHook;
import dev.braid.thread.Panics;
import dev.braid.thread.Threads;
import org.junit.jupiter.api.Test;

/** The schedule string format, and the API's argument checks. */
class ScheduleTest {
    @Test
    void roundTripsThroughItsString() {
        Schedule s = new Schedule("random", -42, 9, "mQE", 0x5c1e02aa);
        assertThat(s.toString()).isEqualTo("braid1:random:-42:9:mQE:5c1e02aa");
        assertThat(Schedule.parse(s.toString())).isEqualTo(s);
        assertThat(Schedule.parse("  braid1:random:0:0::811c9dc5\n").choices()).isEmpty();
    }

    @Test
    void rejectsStringsThatAreNotSchedules() {
        for (String bad :
                new String[] {
                    "",
                    "braid2:random:1:0::00000000",
                    "braid1:random:1:0:00000000",
                    "braid1:random:x:0::00000000",
                    "braid1:Random:1:0::00000000",
                    "braid1:random:1:-1::00000000",
                    "braid1:random:1:1:a+b:00000000",
                    "braid1:random:1:0::xyz"
                }) {
            assertThatThrownBy(() -> Schedule.parse(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> Simulation.replay("nope", () -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a braid schedule");
    }

    @Test
    void builderRejectsNonsense() {
        assertThatThrownBy(() -> Simulation.builder().schedules(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Simulation.builder().maxSteps(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Simulation.builder().watchdog(java.time.Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nestedSimulationIsRejected() {
        Simulation sim = Simulation.builder().build();
        SimResult r = sim.runOnce(1, () -> sim.runOnce(2, () -> {}));
        assertThat(r)
                .isInstanceOfSatisfying(
                        SimResult.Failed.class,
                        f -> assertThat(f.cause()).isInstanceOf(IllegalStateException.class));
    }

    @Test
    void panicHookIsRestoredAndSimulatedPanicsAreCaptured() {
        PanicHook before = Panics.hook();
        int[] outside = {0};
        PanicHook counting = (t, e) -> outside[0]++;
        Panics.setHook(counting);
        try {
            // The test expects its child to panic and handles that through join: it opts out of
            // failing the run on a child's uncaught throwable.
            Simulation.builder()
                    .schedules(20)
                    .failOnUncaught(false)
                    .build()
                    .check(
                            () -> {
                                var h =
                                        Threads.spawn(
                                                () -> {
                                                    throw new IllegalStateException("quiet");
                                                });
                                try {
                                    h.join();
                                } catch (RuntimeException expected) {
                                    // the panic reaches the joiner, not the hook
                                }
                            });
            assertThat(Panics.hook()).isSameAs(counting);
            assertThat(outside[0]).isZero();
        } finally {
            Panics.setHook(before);
        }
    }
}
