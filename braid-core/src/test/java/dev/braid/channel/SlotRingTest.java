package dev.braid.channel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The bounded channel's lock-free buffer on its own, for its cached counters (ADR 0074): a hint of
 * the other side's counter only decides whether an offer or a poll looks at that counter first, so
 * a stale or even impossible hint never changes an answer. (Run with the hints on, the default.)
 */
class SlotRingTest {

    @Test
    void aTailHintAheadOfTheRealTailNeverMakesAnEmptyRingYieldSomething() {
        SlotRing r = new SlotRing(4, "test ring");
        r.tailCache = 1_000; // impossible: no producer has been that far
        assertThat(r.poll()).isNull();
        assertThat(r.offer("a")).isEqualTo(GatedRing.OK);
        assertThat(r.poll()).isEqualTo("a");
        assertThat(r.poll()).isNull();
    }

    @Test
    void aHeadHintAheadOfTheRealHeadNeverLetsAFullRingTakeMore() {
        for (int capacity : new int[] {1, 2, 3}) {
            SlotRing r = new SlotRing(capacity, "test ring");
            for (int k = 0; k < capacity; k++) {
                assertThat(r.offer(k)).isEqualTo(GatedRing.OK);
            }
            r.headCache = 1_000; // impossible: no consumer has been that far
            assertThat(r.offer("x")).as("capacity %d", capacity).isEqualTo(GatedRing.FULL);
            assertThat(r.poll()).isEqualTo(0);
            assertThat(r.offer("x")).isEqualTo(GatedRing.OK);
            assertThat(r.offer("y")).as("capacity %d", capacity).isEqualTo(GatedRing.FULL);
        }
    }

    @Test
    void staleHintsAreRefreshedFromTheRealCountersAndTheAnswersStayExact() {
        SlotRing r = new SlotRing(2, "test ring");
        assertThat(r.offer("a")).isEqualTo(GatedRing.OK);
        assertThat(r.offer("b")).isEqualTo(GatedRing.OK);
        assertThat(r.offer("c")).isEqualTo(GatedRing.FULL); // fresh read of head: 0
        assertThat(r.poll()).isEqualTo("a"); // tail hint refreshed to 2
        assertThat(r.tailCache).isEqualTo(2);
        assertThat(r.poll()).isEqualTo("b"); // within the hint: no read of tail
        assertThat(r.poll()).isNull(); // h = 2 = hint: a fresh read of tail says empty
        assertThat(r.offer("c")).isEqualTo(GatedRing.OK); // head hint 0 is stale: refreshed to 2
        assertThat(r.headCache).isEqualTo(2);
        assertThat(r.offer("d")).isEqualTo(GatedRing.OK);
        assertThat(r.offer("e")).isEqualTo(GatedRing.FULL);
        assertThat(r.poll()).isEqualTo("c");
        assertThat(r.poll()).isEqualTo("d");
        assertThat(r.poll()).isNull();
    }

    @Test
    void theGateStillTurnsFastOperationsAwayWhateverTheHints() {
        SlotRing r = new SlotRing(2, "test ring");
        r.enterSlow();
        r.headCache = 1_000;
        r.tailCache = 1_000;
        assertThat(r.offer("a")).isEqualTo(GatedRing.GATED);
        assertThat(r.poll()).isSameAs(GatedRing.GATED_MARK);
        assertThat(r.pushLocked("a")).isTrue();
        r.exitSlow();
        assertThat(r.poll()).isEqualTo("a");
    }
}
