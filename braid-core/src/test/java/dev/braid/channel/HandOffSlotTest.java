package dev.braid.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The rendezvous waiter slot (ADR 0112): a lone blocked send or recv waits in the slot, not in the
 * locked lists; any operation that takes the lock moves it into its list (where everything locked
 * sees it as before) and the slot reopens once nobody waits; an owner that gives up takes its entry
 * out, so a timed-out sender's element is not kept.
 */
class HandOffSlotTest {

    private static void awaitOccupied(HandOffSlot slot) {
        while (!slot.occupied()) {
            Thread.onSpinWait();
        }
    }

    @Test
    void aLoneReceiverWaitsInTheSlotAndASendMeetsItThere() throws Exception {
        Channel<Integer> ch = Channel.rendezvous();
        HandOffSlot slot = ch.core.slot;
        assertThat(slot).isNotNull();
        AtomicReference<Integer> got = new AtomicReference<>();
        Thread rx = receiver(ch, got);
        awaitOccupied(slot);
        ch.send(5);
        rx.join();
        assertThat(got.get()).isEqualTo(5);
        assertThat(slot.occupied()).isFalse();
    }

    @Test
    void aLockedOperationMovesTheSlotWaiterIntoItsListAndTheSlotReopensAfterwards()
            throws Exception {
        Channel<Integer> ch = Channel.rendezvous();
        HandOffSlot slot = ch.core.slot;
        AtomicReference<Integer> got = new AtomicReference<>();
        Thread rx = receiver(ch, got);
        awaitOccupied(slot);
        assertThat(ch.blockedReceivers()).isEqualTo(1); // takes the lock
        assertThat(slot.occupied()).as("moved into the receivers list").isFalse();
        assertThat(ch.trySend(1).isSent()).as("found in the list").isTrue();
        rx.join();
        assertThat(got.get()).isEqualTo(1);
        Thread tx = Thread.ofPlatform().start(() -> send(ch, 2));
        awaitOccupied(slot); // reopened: the next lone waiter uses it again
        assertThat(ch.recv()).isEqualTo(2);
        tx.join();
    }

    @Test
    void aTimedOutSenderTakesItsElementOutOfTheSlot() throws Exception {
        Channel<Integer> ch = Channel.rendezvous();
        assertThat(ch.send(9, Duration.ofMillis(1)).isSent()).isFalse();
        assertThat(ch.core.slot.occupied()).isFalse();
        assertThat(ch.tryRecv().isReceived()).isFalse();
    }

    @Test
    void anInterruptedSenderMovedIntoTheListTakesItsEntryOut() throws Exception {
        Channel<Integer> ch = Channel.rendezvous();
        AtomicReference<Boolean> interrupted = new AtomicReference<>(false);
        Thread tx =
                Thread.ofPlatform()
                        .start(
                                () -> {
                                    try {
                                        ch.send(5);
                                    } catch (InterruptedException e) {
                                        interrupted.set(true);
                                    }
                                });
        awaitOccupied(ch.core.slot);
        assertThat(ch.blockedSenders()).isEqualTo(1); // the lock moves it into the list
        tx.interrupt();
        tx.join();
        assertThat(interrupted.get()).isTrue();
        // ADR 0123: the lock made the entry; the owner finds it by its waiter and removes it
        assertThat(ch.core.senders.isEmpty()).as("no stale entry left").isTrue();
        assertThat(ch.tryRecv().isReceived()).isFalse();
    }

    @Test
    void aSelectReceiverFindsASenderWaitingInTheSlot() throws Exception {
        Channel<Integer> ch = Channel.rendezvous();
        Channel<Integer> other = Channel.bounded(1);
        Thread tx = Thread.ofPlatform().start(() -> send(ch, 3));
        awaitOccupied(ch.core.slot);
        int got = Select.<Integer>biased().recv(other, x -> -x).recv(ch, x -> x).run();
        assertThat(got).isEqualTo(3);
        tx.join();
    }

    @Test
    void manyHandOffsBetweenTwoSendersAndTwoReceiversAllArriveOnce() throws Exception {
        Channel<Integer> ch = Channel.rendezvous();
        int perSender = 20_000;
        AtomicLong sum = new AtomicLong();
        Thread[] all = new Thread[4];
        for (int t = 0; t < 2; t++) {
            all[t] =
                    Thread.ofPlatform()
                            .start(
                                    () -> {
                                        for (int i = 1; i <= perSender; i++) {
                                            send(ch, i);
                                        }
                                    });
            all[t + 2] =
                    Thread.ofPlatform()
                            .start(
                                    () -> {
                                        for (int i = 0; i < perSender; i++) {
                                            try {
                                                sum.addAndGet(ch.recv());
                                            } catch (InterruptedException e) {
                                                throw new AssertionError(e);
                                            }
                                        }
                                    });
        }
        for (Thread t : all) {
            t.join();
        }
        assertThat(sum.get()).isEqualTo(2L * perSender * (perSender + 1) / 2);
        assertThat(ch.tryRecv().isReceived()).isFalse();
    }

    private static Thread receiver(Channel<Integer> ch, AtomicReference<Integer> out) {
        return Thread.ofPlatform()
                .start(
                        () -> {
                            try {
                                out.set(ch.recv());
                            } catch (InterruptedException e) {
                                throw new AssertionError(e);
                            }
                        });
    }

    private static void send(Channel<Integer> ch, int x) {
        try {
            ch.send(x);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
