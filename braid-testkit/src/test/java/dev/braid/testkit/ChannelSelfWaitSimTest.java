package dev.braid.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.channel.Channel;
import dev.braid.channel.Select;
import dev.braid.channel.SelectLoop;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The waits that docs/channels.md lists under "Waits braid cannot see through" (ADR 0136): in
 * production each waits for ever without an exception (a channel cannot tell "nobody" from "not
 * yet"), and under the testkit each is reported as a deadlock naming the channel, with a schedule
 * that replays it.
 */
class ChannelSelfWaitSimTest {
    private final Simulation sim = Simulation.builder().seed(11).schedules(50).build();

    @AfterEach
    void noSimulatedThreadOutlivesItsRun() {
        NoLiveThreads.check();
    }

    /** The only receiver sends on a full channel before it receives. */
    static void onlyReceiverSendsOnAFullChannel() throws InterruptedException {
        Channel<Integer> ch = Channel.<Integer>builder().name("loopback").bounded(1).build();
        ch.send(1);
        ch.send(2);
        ch.recv();
    }

    /** A select that sends and receives on one rendezvous channel never pairs with itself. */
    static void selectSendsAndReceivesOnOneRendezvousChannel() throws InterruptedException {
        Channel<Integer> ch = Channel.<Integer>builder().name("self").rendezvous().build();
        Select.<String>fair().send(ch, 1, () -> "sent").recv(ch, v -> "got").run();
    }

    /** A thread iterates a channel that only it would close, after the loop. */
    static void iteratesAChannelOnlyItCloses() throws InterruptedException {
        Channel<Integer> ch = Channel.<Integer>builder().name("results").bounded(4).build();
        JoinHandle<Void> worker =
                Threads.builder()
                        .name("worker")
                        .spawn(
                                () -> {
                                    ch.send(1);
                                    return null;
                                });
        List<Integer> got = new ArrayList<>();
        for (Integer x : ch) {
            got.add(x);
        }
        worker.join();
        ch.close(); // never reached: the loop ends only when ch is closed
    }

    /**
     * A loop serving a channel whose only sender is the loop's own handler, which closes nothing.
     */
    static void selectLoopWhoseHandlersCloseNothing() throws InterruptedException {
        Channel<Integer> ticks = Channel.<Integer>builder().name("ticks").bounded(2).build();
        ticks.send(0);
        SelectLoop.biased()
                .recv(
                        ticks,
                        x -> {
                            if (x < 3) {
                                ticks.trySend(x + 1);
                            }
                        })
                .run();
    }

    private void reportedAsDeadlockOn(SimBody program, String channel) {
        Exploration e = sim.explore(program);
        SimResult r = e.failure().orElseThrow(() -> new AssertionError("wait not reported"));
        assertThat(r).isInstanceOf(SimResult.Deadlock.class);
        assertThat(e.message()).contains("channel '" + channel + "'").contains("replay: ");
        assertThat(sim.rerun(r.schedule(), program)).isEqualTo(r);
    }

    @Test
    void theOnlyReceiverSendingOnAFullChannelIsADeadlock() {
        reportedAsDeadlockOn(ChannelSelfWaitSimTest::onlyReceiverSendsOnAFullChannel, "loopback");
    }

    @Test
    void aSelectThatSendsAndReceivesOnOneRendezvousChannelAloneIsADeadlock() {
        reportedAsDeadlockOn(
                ChannelSelfWaitSimTest::selectSendsAndReceivesOnOneRendezvousChannel, "self");
    }

    @Test
    void iteratingAChannelOnlyTheIteratorClosesIsADeadlock() {
        reportedAsDeadlockOn(ChannelSelfWaitSimTest::iteratesAChannelOnlyItCloses, "results");
    }

    @Test
    void aSelectLoopWhoseHandlersCloseNothingIsADeadlock() {
        reportedAsDeadlockOn(ChannelSelfWaitSimTest::selectLoopWhoseHandlersCloseNothing, "ticks");
    }
}
