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
 * after another, twice before its default (ADR 0145). In the shape of Go's {@code
 * TestNonblockSelectRace} (one of two channels is ready at every instant: {@code c2} gets an
 * element before {@code c1} loses its own) the default never fires in either clause order: the
 * second pass finds what the handover moved. Readiness handed over back and forth (three handovers,
 * each channel gaining before the other loses) can still take the default; the testkit finds that
 * schedule and replays it. (With one pass, {@code -Dbraid.select.secondPass=false}, the single
 * handover against the clause order took the default: the test of ADR 0137.)
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

    /** c1 holds an element; readiness moves c1 -> c2 -> c1 -> c2 while a c2-first select runs. */
    static void handoverBackAndForth() throws InterruptedException {
        Channel<Integer> c1 = Channel.<Integer>builder().name("c1").bounded(1).build();
        Channel<Integer> c2 = Channel.<Integer>builder().name("c2").bounded(1).build();
        c1.send(1);
        JoinHandle<String> sel =
                Threads.spawn(
                        () ->
                                Select.<String>biased()
                                        .recv(c2, v -> "c2")
                                        .recv(c1, v -> "c1")
                                        .orElse(() -> "default")
                                        .run());
        c2.send(1);
        c1.tryRecv();
        c1.send(1);
        c2.tryRecv();
        c2.send(1);
        c1.tryRecv();
        assertThat(sel.join())
                .as("select took the default while a channel was ready")
                .isNotEqualTo("default");
    }

    @Test
    void theClauseOrderAgainstOneHandoverNoLongerTakesTheDefault() {
        sim.check(() -> handover(false));
    }

    @Test
    void readinessHandedBackAndForthCanStillTakeTheDefault() {
        Simulation deep = Simulation.builder().seed(11).schedules(20_000).build(); // 4 switches
        Exploration e = deep.explore(ChannelSelectSnapshotSimTest::handoverBackAndForth);
        SimResult r =
                e.failure().orElseThrow(() -> new AssertionError("the smeared select not found"));
        assertThat(r).isInstanceOf(SimResult.Failed.class);
        assertThat(r.message()).contains("select took the default while a channel was ready");
        SimResult again =
                deep.rerun(r.schedule(), ChannelSelectSnapshotSimTest::handoverBackAndForth);
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
