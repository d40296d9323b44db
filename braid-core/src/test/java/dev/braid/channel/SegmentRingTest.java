package dev.braid.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/**
 * The unbounded channel's lock-free buffer on its own (ADR 0057): segment sizing, FIFO across
 * segment boundaries, the locked primitives mixed with the fast ones, the gate, and a short MPMC
 * run that checks every element arrives exactly once and in each producer's order.
 */
class SegmentRingTest {

    @Test
    void segmentSizesAreRoundedUpToAPowerOfTwoOfAtLeastTwo() {
        assertThat(SegmentRing.segmentSize(0)).isEqualTo(2);
        assertThat(SegmentRing.segmentSize(1)).isEqualTo(2);
        assertThat(SegmentRing.segmentSize(2)).isEqualTo(2);
        assertThat(SegmentRing.segmentSize(3)).isEqualTo(4);
        assertThat(SegmentRing.segmentSize(256)).isEqualTo(256);
        assertThat(SegmentRing.segmentSize(257)).isEqualTo(512);
        assertThat(SegmentRing.segmentSize(Integer.MAX_VALUE)).isEqualTo(1 << 20);
    }

    @Test
    void fastAndLockedOperationsShareOneFifoAcrossSegments() {
        SegmentRing r = new SegmentRing("test ring");
        int n = SegmentRing.SEGMENT * 3 + 5;
        List<Object> out = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            if (k % 3 == 0) {
                r.enterSlow();
                assertThat(r.pushLocked(k)).isTrue();
                r.exitSlow();
            } else {
                assertThat(r.offer(k)).isEqualTo(GatedRing.OK);
            }
        }
        assertThat(r.approxSize()).isEqualTo(n);
        r.enterSlow();
        assertThat(r.sizeLocked()).isEqualTo(n);
        assertThat(r.getLocked(SegmentRing.SEGMENT + 1)).isEqualTo(SegmentRing.SEGMENT + 1);
        out.add(r.popLocked());
        r.exitSlow();
        for (Object x; (x = r.poll()) != null; ) {
            out.add(x);
        }
        List<Object> expected = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            expected.add(k);
        }
        assertThat(out).isEqualTo(expected);
        assertThat(r.approxSize()).isZero();
        r.enterSlow();
        assertThat(r.popLocked()).isNull();
        r.exitSlow();
    }

    @Test
    void aClosedGateTurnsFastOperationsAwayAndMovesNothing() {
        SegmentRing r = new SegmentRing("test ring");
        assertThat(r.offer("a")).isEqualTo(GatedRing.OK);
        assertThat(r.sizeIfOpen()).isEqualTo(1);
        r.enterSlow();
        assertThat(r.offer("b")).isEqualTo(GatedRing.GATED);
        assertThat(r.poll()).isSameAs(GatedRing.GATED_MARK);
        assertThat(r.sizeIfOpen())
                .as("a locked operation may be mid-way: no snapshot")
                .isEqualTo(-1);
        assertThat(r.sizeLocked()).isEqualTo(1);
        r.exitSlow();
        assertThat(r.poll()).isEqualTo("a");
        assertThat(r.poll()).isNull();
    }

    @Test
    void concurrentProducersAndConsumersLoseAndDuplicateNothingAndKeepProducerOrder()
            throws Exception {
        SegmentRing r = new SegmentRing("test ring");
        int producers = 3;
        int consumers = 3;
        int per = 20_000;
        AtomicIntegerArray seen = new AtomicIntegerArray(producers * per);
        int[][] last = new int[consumers][producers];
        List<Thread> threads = new ArrayList<>();
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        for (int p = 0; p < producers; p++) {
            int base = p * per;
            threads.add(
                    Thread.ofPlatform()
                            .start(
                                    () -> {
                                        for (int k = 0; k < per; k++) {
                                            if (r.offer(base + k) != GatedRing.OK) {
                                                errors.add(new AssertionError("offer failed"));
                                            }
                                        }
                                    }));
        }
        AtomicInteger taken = new AtomicInteger();
        for (int c = 0; c < consumers; c++) {
            int[] mine = last[c];
            Arrays.fill(mine, -1);
            threads.add(
                    Thread.ofPlatform()
                            .start(
                                    () -> {
                                        while (taken.get() < producers * per) {
                                            Object x = r.poll();
                                            if (x == null) {
                                                Thread.onSpinWait();
                                                continue;
                                            }
                                            int v = (Integer) x;
                                            taken.incrementAndGet();
                                            if (seen.getAndIncrement(v) != 0) {
                                                errors.add(new AssertionError("twice: " + v));
                                            }
                                            int p = v / per;
                                            if (v % per <= mine[p]) {
                                                errors.add(new AssertionError("reordered: " + v));
                                            }
                                            mine[p] = v % per;
                                        }
                                    }));
        }
        for (Thread t : threads) {
            t.join(60_000);
            assertThat(t.isAlive()).as("a thread hung").isFalse();
        }
        assertThat(errors).isEmpty();
        for (int i = 0; i < seen.length(); i++) {
            assertThat(seen.get(i)).as("element %d", i).isEqualTo(1);
        }
    }
}
