package dev.braid.channel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The bounded channel's lock-free buffer on its own, for its cached counters (ADR 0074): a hint of
 * the other side's counter only decides whether an offer or a poll looks at that counter first, so
 * a stale or even impossible hint never changes an answer; the sign of the consumers' hint chooses
 * whether a poll reads the slot or tail first (ADR 0082). (Run with the defaults.)
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
        assertThat(r.poll()).isNull(); // slot not published; a fresh read of tail says empty
        assertThat(r.tailCache).as("a missing poll marks the mode").isEqualTo(-1);
        assertThat(r.offer("a")).isEqualTo(GatedRing.OK);
        assertThat(r.offer("b")).isEqualTo(GatedRing.OK);
        assertThat(r.offer("c")).isEqualTo(GatedRing.FULL); // fresh read of head: 0
        assertThat(r.poll()).isEqualTo("a"); // after a miss, tail first: hint refreshed to 2
        assertThat(r.tailCache).isEqualTo(2);
        assertThat(r.poll()).isEqualTo("b"); // within the hint: no read of tail
        assertThat(r.poll()).isNull(); // h = 2 = hint, slot first: not published; tail says empty
        assertThat(r.offer("c")).isEqualTo(GatedRing.OK); // head hint 0 is stale: refreshed to 2
        assertThat(r.headCache).isEqualTo(2);
        assertThat(r.offer("d")).isEqualTo(GatedRing.OK);
        assertThat(r.offer("e")).isEqualTo(GatedRing.FULL);
        assertThat(r.poll()).isEqualTo("c");
        assertThat(r.poll()).isEqualTo("d");
        assertThat(r.poll()).isNull();
    }

    @Test
    void aConsumerTrailingItsProducerTakesPublishedSlotsWithoutReadingTail() {
        // ADR 0082: after a poll that found an element, a used-up hint sends the poll to the slot
        // first; the hint is left as it was (tail was not read) and the answers are the same
        SlotRing r = new SlotRing(4, "test ring");
        assertThat(r.offer("a")).isEqualTo(GatedRing.OK);
        assertThat(r.poll()).isEqualTo("a"); // the initial hint 0 is a "found" mode
        assertThat(r.tailCache).as("tail not read: the slot was published").isZero();
        assertThat(r.offer("b")).isEqualTo(GatedRing.OK);
        assertThat(r.offer("c")).isEqualTo(GatedRing.OK);
        assertThat(r.poll()).isEqualTo("b");
        assertThat(r.poll()).isEqualTo("c");
        assertThat(r.tailCache).isZero();
        assertThat(r.poll()).as("slot not published: tail decides").isNull();
        assertThat(r.tailCache).as("the miss switches to tail first").isEqualTo(-1);
        assertThat(r.offer("d")).isEqualTo(GatedRing.OK);
        assertThat(r.poll()).isEqualTo("d");
        assertThat(r.tailCache).as("tail read once after the miss").isEqualTo(4);
    }

    @Test
    void aNegativeTailHintNeverMakesAnEmptyRingYieldSomethingNorHidesAnElement() {
        SlotRing r = new SlotRing(2, "test ring");
        r.tailCache = -1;
        assertThat(r.poll()).isNull();
        assertThat(r.offer("a")).isEqualTo(GatedRing.OK);
        r.tailCache = -1;
        assertThat(r.poll()).isEqualTo("a");
        r.tailCache = -1;
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
