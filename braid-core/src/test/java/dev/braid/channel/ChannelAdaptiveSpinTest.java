package dev.braid.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The adaptive pre-park spin of a queued channel wait (ADR 0091): a channel whose waits ended
 * during a long spin keeps spinning long, one whose long spin ended in a park goes back to short
 * spins, and a short-spinning channel still tries a long spin on about one wait in {@link
 * Waiter#PROBE_EVERY}.
 */
class ChannelAdaptiveSpinTest {

    @Test
    void aLongSpinIsAlwaysTriedWhileTheHintSaysItPays() {
        assertThat(Waiter.LONG_SPINS).isGreaterThan(Waiter.PARK_SPINS);
        for (int i = 0; i < 1_000; i++) {
            assertThat(Waiter.spinLongNow(true)).isTrue();
        }
    }

    @Test
    void aShortSpinningChannelProbesALongSpinOnAboutOneWaitInSixteen() {
        int n = 16_000;
        int probes = 0;
        for (int i = 0; i < n; i++) {
            probes += Waiter.spinLongNow(false) ? 1 : 0;
        }
        // expected 1,000 (binomial, sd ~31): the bounds are 16 standard deviations wide
        assertThat(probes).isBetween(500, 1_500);
    }

    @Test
    void aLongSpinThatEndsInAParkTurnsTheHintOff() throws InterruptedException {
        Channel<Integer> ch = Channel.rendezvous();
        ch.core.spinLong = true; // as if recent waits had been answered during a long spin
        AtomicInteger got = new AtomicInteger();
        Thread rx =
                Thread.ofPlatform()
                        .start(
                                () -> {
                                    try {
                                        got.set(ch.recv()); // spins long, then yields, then parks
                                    } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                    }
                                });
        while (rx.getState() != Thread.State.WAITING && rx.isAlive()) {
            Thread.onSpinWait(); // parked: its spin did not pay
        }
        ch.send(7);
        rx.join();
        assertThat(got.get()).isEqualTo(7);
        // a one-CPU machine never spins, so it never adapts: the hint stays as it was set
        assertThat(ch.core.spinLong).isEqualTo(!Waiter.MULTI_CORE);
    }
}
