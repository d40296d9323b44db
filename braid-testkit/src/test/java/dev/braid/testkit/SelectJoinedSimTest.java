package dev.braid.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.channel.Channel;
import dev.braid.channel.RecvResult;
import dev.braid.channel.Select;
import dev.braid.thread.Exit;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A select with a {@link Select#joined} clause under the testkit (ADR 0046): over many schedules
 * exactly one clause fires and nothing is lost, and a select that waits for a thread which waits on
 * the selector is reported as one cycle.
 */
class SelectJoinedSimTest {
    private final Simulation sim = Simulation.builder().seed(46).schedules(300).build();

    @AfterEach
    void noSimulatedThreadOutlivesItsRun() {
        NoLiveThreads.check();
    }

    /** The worker sends one element and ends; the select takes the element or sees the end. */
    static void elementOrEnd() throws InterruptedException {
        Channel<Integer> ch = Channel.<Integer>builder().name("out").bounded(1).build();
        JoinHandle<Integer> worker =
                Threads.builder()
                        .name("worker")
                        .spawn(
                                () -> {
                                    ch.send(1);
                                    return 7;
                                });
        String r =
                Select.<String>fair()
                        .recv(ch, x -> "element " + x)
                        .joined(
                                worker,
                                exit ->
                                        exit instanceof Exit.Returned<Integer> v
                                                ? "end " + v.value()
                                                : "bad exit " + exit)
                        .run();
        if (r.equals("element 1")) {
            assertThat(worker.join()).isEqualTo(7);
            assertThat(ch.tryRecv()).isInstanceOf(RecvResult.Empty.class);
        } else {
            assertThat(r).isEqualTo("end 7");
            assertThat(ch.tryRecv())
                    .as("the losing receive clause took nothing")
                    .isEqualTo(new RecvResult.Received<>(1));
        }
    }

    @Test
    void exactlyOneClauseFiresAndNothingIsLostInAnySchedule() {
        sim.check(SelectJoinedSimTest::elementOrEnd);
    }

    /** main feeds 'jobs' once, then selects on the end of a worker that waits for a second job. */
    static void selectOnAThreadThatWaitsOnTheSelector() throws InterruptedException {
        Channel<Integer> jobs = Channel.<Integer>builder().name("jobs").bounded(1).build();
        jobs.send(1);
        JoinHandle<Integer> worker =
                Threads.builder().name("worker").spawn(() -> jobs.recv() + jobs.recv());
        Select.<Integer>biased().joined(worker, Exit::get).run();
        jobs.send(2); // never reached: the select waits for the worker, which waits for this
    }

    @Test
    void aSelectWaitingOnAThreadThatWaitsOnItsChannelIsOneCycle() {
        Exploration e = sim.explore(SelectJoinedSimTest::selectOnAThreadThatWaitsOnTheSelector);
        SimResult r = e.failure().orElseThrow(() -> new AssertionError("deadlock not found"));
        assertThat(r).isInstanceOf(SimResult.Deadlock.class);
        SimResult.Deadlock d = (SimResult.Deadlock) r;
        assertThat(d.waits())
                .contains(
                        new SimResult.Wait("main", "select on [join(worker)]", List.of("worker")),
                        new SimResult.Wait(
                                "worker",
                                "to receive on channel 'jobs' (empty, 0 of 1)",
                                List.of("main")));
        assertThat(d.cycle())
                .contains("main -> select on [join(worker)] -> worker")
                .contains("worker -> to receive on channel 'jobs' (empty, 0 of 1) -> main");
        assertThat(
                        sim.rerun(
                                r.schedule(),
                                SelectJoinedSimTest::selectOnAThreadThatWaitsOnTheSelector))
                .isEqualTo(r);
    }
}
