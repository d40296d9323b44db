package dev.braid.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.channel.Channel;
import dev.braid.sync.Mutex;
import dev.braid.sync.MutexGuard;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A deadlock through a channel that no thread has used the other side of yet is reported as one
 * cycle (ADR 0135): such a wait may be ended by any other live thread that is not itself joining,
 * and the report picks the shortest cycle that assumption allows. Before, these reports listed the
 * waits ("served by no simulated thread") and no cycle (testkit10's corpus: ch-two-pipelines,
 * ch-mutex-cycle). A cycle through threads seen to serve the channel is reported as before, without
 * the assumption (ChannelSimTest).
 */
class ChannelDeadlockCycleTest {
    private static final String ASSUMED =
            " (assumed: a channel side no live thread has used yet is served by the thread after"
                    + " it)";

    @AfterEach
    void noSimulatedThreadOutlivesItsRun() {
        NoLiveThreads.check();
    }

    private static SimResult.Deadlock deadlock(SimBody body) {
        Exploration e = Simulation.builder().seed(1).schedules(200).build().explore(body);
        SimResult r = e.failure().orElseThrow(() -> new AssertionError("deadlock not found"));
        assertThat(r).isInstanceOf(SimResult.Deadlock.class);
        assertThat(Simulation.replay(r.schedule(), body)).isEqualTo(r);
        return (SimResult.Deadlock) r;
    }

    private static JoinHandle<Void> spawn(String name, Callable<Void> body) {
        return Threads.builder().name(name).spawn(body);
    }

    /** Each stage sends two values into its own full channel before it drains the other's. */
    @Test
    void twoPipelinesBlockedOnEachOthersFullChannelAreOneCycle() {
        SimResult.Deadlock d =
                deadlock(
                        () -> {
                            Channel<Integer> aToB =
                                    Channel.<Integer>builder().name("a-to-b").bounded(1).build();
                            Channel<Integer> bToA =
                                    Channel.<Integer>builder().name("b-to-a").bounded(1).build();
                            JoinHandle<Void> a = spawn("stage-a", () -> stage(aToB, bToA));
                            JoinHandle<Void> b = spawn("stage-b", () -> stage(bToA, aToB));
                            a.join();
                            b.join();
                        });
        assertThat(d.cycle())
                .isEqualTo(
                        "stage-a -> to send on channel 'a-to-b' (full, 1 of 1) -> stage-b -> to"
                                + " send on channel 'b-to-a' (full, 1 of 1) -> stage-a"
                                + ASSUMED);
    }

    private static Void stage(Channel<Integer> out, Channel<Integer> in)
            throws InterruptedException {
        out.send(1);
        out.send(2); // blocks: the other stage drains only after its own sends
        in.recv();
        in.recv();
        return null;
    }

    /** The producer sends under the lock into a full channel; the consumer locks before recv. */
    @Test
    void aSendUnderALockThatTheReceiverNeedsIsOneCycle() {
        SimResult.Deadlock d =
                deadlock(
                        () -> {
                            Channel<Integer> results =
                                    Channel.<Integer>builder().name("results").bounded(1).build();
                            Mutex<Integer> state = Mutex.named("state", 0);
                            JoinHandle<Void> producer =
                                    spawn(
                                            "producer",
                                            () -> {
                                                try (MutexGuard<Integer> g = state.lock()) {
                                                    g.set(2);
                                                    results.send(1);
                                                    results.send(2); // full: blocks, lock held
                                                }
                                                return null;
                                            });
                            JoinHandle<Void> consumer =
                                    spawn(
                                            "consumer",
                                            () -> {
                                                try (MutexGuard<Integer> g = state.lock()) {
                                                    g.set(1);
                                                }
                                                results.recv();
                                                return null;
                                            });
                            producer.join();
                            consumer.join();
                        });
        assertThat(d.cycle())
                .isEqualTo(
                        "producer -> to send on channel 'results' (full, 1 of 1) -> consumer ->"
                                + " Mutex(state) -> producer"
                                + ASSUMED);
    }

    /**
     * A thread blocked in a join is not assumed to serve a channel (it acts on none before the
     * thread it joins ends): here main would receive only after the join, and the report lists the
     * two waits with no cycle rather than guess.
     */
    @Test
    void aJoinerIsNotAssumedToServeAChannel() {
        SimResult.Deadlock d =
                deadlock(
                        () -> {
                            Channel<Integer> ch =
                                    Channel.<Integer>builder().name("out").bounded(1).build();
                            JoinHandle<Void> t =
                                    spawn(
                                            "sender",
                                            () -> {
                                                ch.send(1);
                                                ch.send(2); // full: main receives after the join
                                                return null;
                                            });
                            t.join();
                            ch.recv();
                            ch.recv();
                        });
        assertThat(d.cycle()).isEmpty();
        assertThat(d.waits())
                .containsExactly(
                        new SimResult.Wait("main", "join(sender)", java.util.List.of("sender")),
                        new SimResult.Wait(
                                "sender",
                                "to send on channel 'out' (full, 1 of 1)",
                                java.util.List.of()));
    }

    /** A wait served by a known thread keeps the exact cycle, with no assumption in it. */
    @Test
    void aCycleThroughAKnownServerNeedsNoAssumption() {
        SimResult.Deadlock d =
                deadlock(
                        () -> {
                            Channel<Integer> ch =
                                    Channel.<Integer>builder().name("jobs").bounded(1).build();
                            Mutex<Integer> m = Mutex.named("m", 0);
                            JoinHandle<Void> consumer =
                                    spawn(
                                            "consumer",
                                            () -> {
                                                ch.recv();
                                                try (MutexGuard<Integer> g = m.lock()) {
                                                    g.set(1);
                                                    ch.recv(); // empty: main holds m below
                                                }
                                                return null;
                                            });
                            ch.send(1);
                            try (MutexGuard<Integer> g = m.lock()) {
                                g.set(2);
                                consumer.join();
                            }
                        });
        assertThat(d.cycle()).doesNotContain("assumed").contains("main -> join(consumer)");
    }
}
