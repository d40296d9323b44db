package dev.braid.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The partner hint of a channel wait (ADR 0113; its virtual-thread side, ADR 0122, in {@link
 * ChannelVirtualHintTest}): claims that find their owner already yielding or parked, {@link
 * LockedCore#IDLE_CLAIMS} in a row, make the next waits skip their spins (but one in {@link
 * Waiter#PROBE_EVERY}); one claim that finds its owner still spinning clears it; owners that
 * skipped their spins and wakers teach nothing.
 */
class ChannelPartnerHintTest {

    private static Waiter claimed(boolean yielding, boolean parked, boolean skipped) {
        Waiter w = new Waiter(Thread.currentThread(), null);
        w.yielding = yielding;
        w.skippedSpins = skipped;
        if (parked) {
            assertThat(w.announcePark()).isTrue();
        }
        assertThat(w.tryClaim()).isTrue();
        return w;
    }

    @Test
    void idleClaimsInARowSetTheHintAndOneSpinningClaimClearsIt() {
        LockedCore<Integer> core = Channel.<Integer>rendezvous().core;
        assertThat(core.partnerIdle()).isFalse();
        for (int i = 1; i < LockedCore.IDLE_CLAIMS; i++) {
            core.noteClaimed(claimed(true, false, false));
        }
        assertThat(core.partnerIdle()).as("one idle claim short of a run").isFalse();
        core.noteClaimed(claimed(false, true, false)); // parked counts as idle
        assertThat(core.partnerIdle()).isTrue();
        core.noteClaimed(claimed(true, false, false));
        assertThat(core.partnerIdle()).isTrue();
        core.noteClaimed(claimed(false, false, false));
        assertThat(core.partnerIdle()).as("a spinning owner was claimed").isFalse();
        assertThat(core.idleClaims).isZero();
    }

    @Test
    void ownersThatSkippedTheirSpinsAndWakersTeachNothing() {
        LockedCore<Integer> core = Channel.<Integer>rendezvous().core;
        core.noteClaimed(claimed(true, false, false));
        core.noteClaimed(claimed(false, false, true)); // skipped: looks spinning, is not evidence
        assertThat(core.idleClaims).isEqualTo(1);
        Waiter waker = new Waiter(null, () -> {});
        assertThat(waker.tryClaim()).isTrue();
        core.noteClaimed(waker);
        assertThat(core.idleClaims).isEqualTo(1);
    }

    @Test
    void whileTheHintIsSetAboutOneWaitInSixteenStillSpins() {
        assertThat(Waiter.skipSpins(false)).isFalse();
        assertProbesOneInSixteen(() -> Waiter.skipSpins(true), Waiter.PARTNER_HINT);
    }

    @Test
    void whileTheHintIsSetAboutOneVirtualWaitInSixteenStillYields() { // ADR 0122
        assertThat(Waiter.skipYields(false)).isFalse();
        assertProbesOneInSixteen(() -> Waiter.skipYields(true), Waiter.VIRTUAL_HINT);
    }

    private static void assertProbesOneInSixteen(BooleanSupplier skip, boolean enabled) {
        int n = 16_000;
        int probes = 0;
        for (int i = 0; i < n; i++) {
            probes += skip.getAsBoolean() ? 0 : 1;
        }
        if (!enabled) {
            assertThat(probes).isEqualTo(n); // the rule's switch is off: never skips
            return;
        }
        // expected 1,000 (binomial, sd ~31): the bounds are 16 standard deviations wide
        assertThat(probes).isBetween(500, 1_500);
    }

    @Test
    void aWaitOnAnIdleHintedChannelYieldsWithoutSpinningAndIsStillServed()
            throws InterruptedException {
        // a platform thread yields without spinning (ADR 0113); a virtual one parks at once, or
        // yields on a probe (ADR 0122); on a rendezvous (the slot) and a buffered channel
        for (boolean virtual : new boolean[] {false, true}) {
            for (int capacity : new int[] {0, 1}) {
                String what = (virtual ? "virtual" : "platform") + ", capacity " + capacity;
                Channel<Integer> ch = capacity == 0 ? Channel.rendezvous() : Channel.bounded(1);
                ch.core.idleClaims = LockedCore.IDLE_CLAIMS;
                AtomicInteger got = new AtomicInteger();
                Thread.Builder builder = virtual ? Thread.ofVirtual() : Thread.ofPlatform();
                Thread rx =
                        builder.start(
                                () -> {
                                    try {
                                        got.set(ch.recv());
                                    } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                    }
                                });
                while (rx.getState() != Thread.State.WAITING && rx.isAlive()) {
                    Thread.onSpinWait(); // parked
                }
                ch.send(7);
                rx.join();
                assertThat(got.get()).as(what).isEqualTo(7);
                // found parked: idle evidence, unless it skipped (then none was taken)
                assertThat(ch.core.idleClaims).as(what).isEqualTo(LockedCore.IDLE_CLAIMS);
            }
        }
    }
}
