package dev.braid.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The pre-park budget of a blocking channel operation (ADR 0083): spins and yields on a platform
 * thread when there is more than one processor, the yields alone on a virtual thread (whose spin
 * would hold the carrier its partner may need). Run with the defaults.
 */
class ChannelSpinBudgetTest {

    @Test
    void aPlatformThreadSpinsAndYieldsWhenThereIsMoreThanOneProcessor() {
        int expected =
                Runtime.getRuntime().availableProcessors() > 1
                        ? Waiter.PARK_SPINS + Waiter.PARK_YIELDS
                        : Waiter.PARK_YIELDS;
        assertThat(Thread.currentThread().isVirtual()).isFalse();
        assertThat(Waiter.spinBudget()).isEqualTo(expected);
    }

    @Test
    void aVirtualThreadOnlyYieldsBeforeItParks() throws InterruptedException {
        AtomicInteger budget = new AtomicInteger(-1);
        Thread.ofVirtual().start(() -> budget.set(Waiter.spinBudget())).join();
        assertThat(budget.get()).isEqualTo(Waiter.PARK_YIELDS);
    }

    @Test
    void aBlockedVirtualReceiverStillGetsItsElement() throws InterruptedException {
        Channel<Integer> ch = Channel.bounded(1);
        AtomicInteger got = new AtomicInteger();
        Thread rx =
                Thread.ofVirtual()
                        .start(
                                () -> {
                                    try {
                                        got.set(ch.recv()); // yields, then parks
                                    } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                    }
                                });
        while (ch.blockedReceivers() == 0 && rx.isAlive()) {
            Thread.onSpinWait();
        }
        ch.send(42);
        rx.join();
        assertThat(got.get()).isEqualTo(42);
    }
}
