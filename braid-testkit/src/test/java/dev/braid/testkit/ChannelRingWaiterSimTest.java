package dev.braid.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.channel.Channel;
import dev.braid.channel.ChannelClosedException;
import dev.braid.channel.RecvResult;
import dev.braid.channel.Select;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The ring waiter of buffered channels (ADR 0144) under the testkit: a lone blocked receiver of an
 * empty ring waits in it and a lock-free send resumes it there; every schedule must hand each
 * element over exactly once while the waiter times out, is interrupted, is reached by close, or
 * shares the channel with a select (which takes the lock and moves it into the receivers list), and
 * the wait-for graph must name it. (Checked once by hand: with a producer that reports an element
 * sent after a failed claim, the interrupt test fails with a replay string; with lock() dropping
 * the displaced waiter, the close test fails. A receiver's last poll and its install run as one
 * step here, with no yield point between them, so an install that skips its empty check passes
 * here; RingWaiterTest's order test and jcstress ChannelSendWakesParkingReceiver cover that one.)
 */
class ChannelRingWaiterSimTest {
    private final Simulation sim = Simulation.builder().seed(144).schedules(400).build();

    @AfterEach
    void noSimulatedThreadOutlivesItsRun() {
        NoLiveThreads.check();
    }

    private static Channel<Integer> buffered(String name) {
        return Channel.<Integer>builder().name(name).bounded(2).build();
    }

    @Test
    void aTimedOutRingWaiterEitherGotTheElementOrLeftItBuffered() {
        sim.check(
                () -> {
                    Channel<Integer> ch = buffered("b");
                    JoinHandle<RecvResult<Integer>> receiver =
                            Threads.spawn(() -> ch.recv(Duration.ofMillis(1)));
                    JoinHandle<Boolean> sender = Threads.spawn(() -> ch.trySend(1).isSent());
                    assertThat(sender.join()).isTrue();
                    RecvResult<Integer> got = receiver.join();
                    RecvResult<Integer> left = ch.tryRecv();
                    assertThat(got.isReceived()).isNotEqualTo(left.isReceived());
                    assertThat((got.isReceived() ? got : left).orElseThrow()).isEqualTo(1);
                    assertThat(ch.blockedReceivers()).isZero();
                });
    }

    @Test
    void anInterruptedRingWaiterEitherGotTheElementOrLeftNoTrace() {
        sim.check(
                () -> {
                    Channel<Integer> ch = buffered("b");
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
                    assertThat(ch.trySend(7).isSent()).isTrue();
                    interrupter.join();
                    Optional<Integer> got = receiver.join();
                    RecvResult<Integer> left = ch.tryRecv();
                    assertThat(got.isPresent()).isNotEqualTo(left.isReceived());
                    assertThat(got.orElseGet(left::orElseThrow)).isEqualTo(7);
                });
    }

    @Test
    void closeReachesARingWaiterAndASendBeforeItIsReceivedOnce() {
        sim.check(
                () -> {
                    Channel<Integer> ch = buffered("b");
                    List<Integer> got = new ArrayList<>();
                    JoinHandle<List<Integer>> receiver =
                            Threads.spawn(
                                    () -> {
                                        try {
                                            while (true) {
                                                got.add(ch.recv());
                                            }
                                        } catch (ChannelClosedException e) {
                                            return got;
                                        }
                                    });
                    JoinHandle<Boolean> sender = Threads.spawn(() -> ch.trySend(1).isSent());
                    JoinHandle<Boolean> closer = Threads.spawn(() -> ch.close());
                    boolean sent = sender.join();
                    closer.join();
                    assertThat(receiver.join()).isEqualTo(sent ? List.of(1) : List.of());
                });
    }

    @Test
    void aSelectAndARingWaiterShareOneElementExactlyOnce() {
        sim.check(
                () -> {
                    Channel<Integer> ch = buffered("b");
                    Channel<Integer> other = buffered("o");
                    JoinHandle<Integer> selector =
                            Threads.spawn(
                                    () ->
                                            Select.<Integer>biased()
                                                    .recv(ch, x -> x)
                                                    .recv(other, x -> -x)
                                                    .run());
                    JoinHandle<Optional<Integer>> plain =
                            Threads.spawn(
                                    () -> {
                                        RecvResult<Integer> r = ch.recv(Duration.ofMillis(3));
                                        return r.isReceived()
                                                ? Optional.of(r.orElseThrow())
                                                : Optional.empty();
                                    });
                    assertThat(ch.trySend(1).isSent()).isTrue();
                    Optional<Integer> p = plain.join();
                    if (p.isPresent()) {
                        other.send(2); // the select still waits: release it
                    }
                    List<Integer> got = new ArrayList<>();
                    p.ifPresent(got::add);
                    got.add(selector.join());
                    assertThat(got).containsOnlyOnce(1).hasSize(p.isPresent() ? 2 : 1);
                });
    }

    @Test
    void aReceiverWaitingInTheRingIsNamedInADeadlockReport() {
        SimResult r =
                sim.runOnce(
                        3,
                        () -> {
                            Channel<Integer> ch = buffered("ring");
                            ch.recv(); // nobody sends: the only waiter, so it waits in the ring
                        });
        assertThat(r).isInstanceOf(SimResult.Deadlock.class);
        assertThat(((SimResult.Deadlock) r).waits().getFirst().waitsFor())
                .startsWith("to receive on channel 'ring'");
    }
}
