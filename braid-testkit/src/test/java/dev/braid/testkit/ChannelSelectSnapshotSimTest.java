package dev.braid.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.channel.Channel;
import dev.braid.channel.Select;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A non-blocking select is not a snapshot of its channels (ADR 0137): it tries its clauses one
 * after another. In the shape of Go's {@code TestNonblockSelectRace} (one of two channels is ready
 * at every instant: {@code c2} gets an element before {@code c1} loses its own), the clause order
 * against the handover can take the default; the testkit finds that schedule and replays it. In the
 * order that follows the handover ({@code c1} first) the default never fires.
 */
class ChannelSelectSnapshotSimTest {
    private final Simulation sim = Simulation.builder().seed(11).schedules(500).build();

    @AfterEach
    void noSimulatedThreadOutlivesItsRun() {
        NoLiveThreads.check();
    }

    static void handover(boolean c1First) throws InterruptedException {
        Channel<Integer> c1 = Channel.<Integer>builder().name("c1").bounded(1).build();
        Channel<Integer> c2 = Channel.<Integer>builder().name("c2").bounded(1).build();
        c1.send(1);
        JoinHandle<String> sel =
                Threads.spawn(
                        () -> {
                            Select<String> s = Select.biased();
                            if (c1First) {
                                s.recv(c1, v -> "c1").recv(c2, v -> "c2");
                            } else {
                                s.recv(c2, v -> "c2").recv(c1, v -> "c1");
                            }
                            return s.orElse(() -> "default").run();
                        });
        c2.send(1);
        c1.tryRecv();
        assertThat(sel.join())
                .as("select took the default while a channel was ready")
                .isNotEqualTo("default");
    }

    @Test
    void theClauseOrderAgainstTheHandoverCanTakeTheDefault() {
        Exploration e = sim.explore(() -> handover(false));
        SimResult r =
                e.failure().orElseThrow(() -> new AssertionError("the smeared select not found"));
        assertThat(r).isInstanceOf(SimResult.Failed.class);
        assertThat(r.message()).contains("select took the default while a channel was ready");
        SimResult again = sim.rerun(r.schedule(), () -> handover(false));
        assertThat(again).isInstanceOf(SimResult.Failed.class);
        assertThat(again.schedule()).isEqualTo(r.schedule());
        assertThat(again.steps()).isEqualTo(r.steps());
        assertThat(again.message()).isEqualTo(r.message());
    }

    @Test
    void theClauseOrderThatFollowsTheHandoverNeverTakesIt() {
        sim.check(() -> handover(true));
    }
}
