package dev.braid.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The partner hint for virtual threads (ADR 0122): a virtual thread's wait, which only yields,
 * skips its yields while the channel's recent claims found their owners idle (but one wait in
 * {@link Waiter#PROBE_EVERY}, tested in {@link ChannelPartnerHintTest}), its fast-path retries skip
 * them too, and a virtual owner counts as idle from its second yield on. Run with the defaults.
 */
class ChannelVirtualHintTest {

    private static int onVirtualThread(java.util.function.IntSupplier s)
            throws InterruptedException {
        AtomicInteger out = new AtomicInteger(-1);
        Thread.ofVirtual().start(() -> out.set(s.getAsInt())).join();
        return out.get();
    }

    @Test
    void aVirtualThreadSkipsItsFastPathYieldsOnAnIdleHintedChannel() throws InterruptedException {
        Channel<Integer> ch = Channel.bounded(4);
        assertThat(onVirtualThread(ch.core::fastBudget)).isEqualTo(Waiter.PARK_YIELDS);
        ch.core.idleClaims = LockedCore.IDLE_CLAIMS;
        int expected = Waiter.VIRTUAL_HINT ? 0 : Waiter.PARK_YIELDS;
        assertThat(onVirtualThread(ch.core::fastBudget)).isEqualTo(expected);
        assertThat(ch.core.fastBudget())
                .as("a platform thread keeps its budget")
                .isEqualTo(Waiter.spinBudget());
    }

    @Test
    void aVirtualOwnerCountsAsIdleFromItsSecondYield() {
        assertThat(Waiter.idleAt(false)).isEqualTo(Waiter.PARK_YIELDS);
        assertThat(Waiter.idleAt(true))
                .isEqualTo(Waiter.VIRTUAL_HINT ? Waiter.PARK_YIELDS - 1 : Waiter.PARK_YIELDS);
    }
}
