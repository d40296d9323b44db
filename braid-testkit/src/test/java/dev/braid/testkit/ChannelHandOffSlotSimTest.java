package dev.braid.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.channel.Channel;
import dev.braid.channel.RecvResult;
import dev.braid.channel.Select;
import dev.braid.channel.SendResult;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The lock-free waiter slot of rendezvous channels (ADR 0112) under the testkit: a waiter in the
 * slot racing a taker while it times out or is interrupted, a close that moves it into a list, and
 * a select that finds it through the lock. Every schedule must hand each element over at most once,
 * report a send as sent exactly when a receiver got it, and wake every waiter. (Checked once by
 * hand: with lock() dropping the slot's entry instead of moving it into its list, the close and
 * select tests end in a deadlock report; with a taker that completes an entry it failed to claim,
 * the interrupt test fails with a replay string.)
 */
class ChannelHandOffSlotSimTest {
    private final Simulation sim = Simulation.builder().seed(112).schedules(400).build();

    @AfterEach
    void noSimulatedThreadOutlivesItsRun() {
        NoLiveThreads.check();
    }

    @Test
    void aTimedOutWaiterInTheSlotIsNeverHandedAnything() {
        sim.check(
                () -> {
                    Channel<Integer> ch = Channel.<Integer>builder().name("r").rendezvous().build();
                    JoinHandle<SendResult> sender =
                            Threads.spawn(() -> ch.send(1, Duration.ofMillis(2)));
                    JoinHandle<RecvResult<Integer>> receiver =
                            Threads.spawn(() -> ch.recv(Duration.ofMillis(1)));
                    boolean sent = sender.join().isSent();
                    RecvResult<Integer> got = receiver.join();
                    assertThat(got.isReceived()).isEqualTo(sent);
                    if (sent) {
                        assertThat(got.orElseThrow()).isEqualTo(1);
                    }
                    assertThat(ch.blockedSenders() + ch.blockedReceivers()).isZero();
                    assertThat(ch.trySend(2).isSent()).isFalse(); // nobody left waiting
                });
    }

    @Test
    void anInterruptedWaiterInTheSlotEitherGotTheElementOrLeftNoTrace() {
        sim.check(
                () -> {
                    Channel<Integer> ch = Channel.<Integer>builder().name("r").rendezvous().build();
                    JoinHandle<Optional<Integer>> receiver =
                            Threads.spawn(
                                    () -> {
                                        try {
                                            return Optional.of(ch.recv());
                                        } catch (InterruptedException e) {
                                            return Optional.empty();
                                        }
                                    });
                    JoinHandle<Void> interrupter =
                            Threads.spawn(
                                    () -> {
                                        receiver.thread().interrupt();
                                        return null;
                                    });
                    SendResult sent = ch.send(7, Duration.ofMillis(1));
                    interrupter.join();
                    Optional<Integer> got = receiver.join();
                    assertThat(got.isPresent()).isEqualTo(sent.isSent());
                    got.ifPresent(x -> assertThat(x).isEqualTo(7));
                });
    }

    @Test
    void closeReachesAWaiterInTheSlot() {
        sim.check(
                () -> {
                    Channel<Integer> ch = Channel.<Integer>builder().name("r").rendezvous().build();
                    JoinHandle<Boolean> sender =
                            Threads.spawn(
                                    () -> {
                                        try {
                                            ch.send(1);
                                            return true;
                                        } catch (dev.braid.channel.ChannelClosedException e) {
                                            return false;
                                        }
                                    });
                    JoinHandle<Optional<Integer>> receiver =
                            Threads.spawn(() -> element(ch.recv(Duration.ofMillis(5))));
                    JoinHandle<Boolean> closer = Threads.spawn(() -> ch.close());
                    boolean sent = sender.join();
                    closer.join();
                    assertThat(receiver.join().isPresent()).isEqualTo(sent);
                    assertThat(ch.tryRecv()).isInstanceOf(RecvResult.Closed.class);
                });
    }

    @Test
    void aSelectAndAPlainReceiverShareOneSenderExactlyOnce() {
        sim.check(
                () -> {
                    Channel<Integer> ch = Channel.<Integer>builder().name("r").rendezvous().build();
                    Channel<Integer> other =
                            Channel.<Integer>builder().name("o").bounded(1).build();
                    List<Integer> got = new ArrayList<>();
                    JoinHandle<Integer> selector =
                            Threads.spawn(
                                    () ->
                                            Select.<Integer>biased()
                                                    .recv(ch, x -> x)
                                                    .recv(other, x -> -x)
                                                    .run());
                    JoinHandle<Optional<Integer>> plain =
                            Threads.spawn(() -> element(ch.recv(Duration.ofMillis(3))));
                    ch.send(1);
                    Optional<Integer> p = plain.join();
                    if (p.isPresent()) {
                        got.add(p.get());
                        other.send(2); // the select still waits: release it
                    }
                    got.add(selector.join());
                    assertThat(got).containsOnlyOnce(1).hasSize(p.isPresent() ? 2 : 1);
                });
    }

    private static Optional<Integer> element(RecvResult<Integer> r) {
        return r.isReceived() ? Optional.of(r.orElseThrow()) : Optional.empty();
    }

    @Test
    void aReceiverWaitingInTheSlotIsNamedInADeadlockReport() {
        SimResult r =
                sim.runOnce(
                        3,
                        () -> {
                            Channel<Integer> ch =
                                    Channel.<Integer>builder().name("handoff").rendezvous().build();
                            ch.recv(); // nobody sends: the only waiter, so it waits in the slot
                        });
        assertThat(r).isInstanceOf(SimResult.Deadlock.class);
        assertThat(((SimResult.Deadlock) r).waits().getFirst().waitsFor())
                .startsWith("to receive on channel 'handoff'");
    }

    /**
     * ChannelSimTest's channel-and-mutex cycle on a rendezvous channel: the consumer holds m while
     * its second receive waits in the slot; the producer, known to the wait-for graph as a sender
     * since its first send, needs m before its second send.
     */
    static void slotAndMutex() throws InterruptedException {
        ChannelSimTest.channelAndMutexOn(
                Channel.<Integer>builder().name("handoff").rendezvous().build());
    }

    @Test
    void aCycleThroughASlotWaiterAndAMutexIsOneCycle() {
        Exploration e = sim.explore(ChannelHandOffSlotSimTest::slotAndMutex);
        SimResult r = e.failure().orElseThrow(() -> new AssertionError("deadlock not found"));
        assertThat(r).isInstanceOf(SimResult.Deadlock.class);
        assertThat(((SimResult.Deadlock) r).cycle())
                .contains("consumer -> to receive on channel 'handoff'")
                .contains("producer -> Mutex(m) -> consumer");
        assertThat(sim.rerun(r.schedule(), ChannelHandOffSlotSimTest::slotAndMutex)).isEqualTo(r);
    }
}
