package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/**
 * The injector queue of ADR 0080 (one atomic per offer, batch takes: ADRs 0088, 0087): FIFO across
 * segment boundaries, every element taken exactly once by racing consumers, and the emptiness check
 * the scheduler's lost-wake-up argument needs (a completed offer is never reported empty).
 */
class InjectorQueueTest {

    @Test
    void firstInFirstOutAcrossSegments() {
        InjectorQueue<Integer> q = new InjectorQueue<>(4, InjectorQueue.STORE_WAIT);
        assertThat(q.isEmpty()).isTrue();
        assertThat(q.poll()).isNull();
        for (int round = 0; round < 3; round++) { // refills after draining, past several segments
            for (int i = 0; i < 11; i++) {
                q.offer(i);
                assertThat(q.isEmpty()).isFalse();
            }
            for (int i = 0; i < 11; i++) {
                assertThat(q.poll()).isEqualTo(i);
            }
            assertThat(q.poll()).isNull();
            assertThat(q.isEmpty()).isTrue();
        }
    }

    /**
     * The dump's look (ADR 0140): what is queued, oldest first, across segments, after takes moved
     * the head into a later segment; nothing taken; the sink's false ends the look.
     */
    @Test
    void forEachQueuedOffersWhatIsQueuedOldestFirstAndTakesNothing() {
        InjectorQueue<Integer> q = new InjectorQueue<>(4, InjectorQueue.STORE_WAIT);
        List<Integer> seen = new ArrayList<>();
        q.forEachQueued(seen::add);
        assertThat(seen).isEmpty();
        for (int i = 0; i < 11; i++) {
            q.offer(i);
        }
        for (int i = 0; i < 5; i++) {
            assertThat(q.poll()).isEqualTo(i); // head in the second segment, one slot taken
        }
        q.forEachQueued(seen::add);
        assertThat(seen).containsExactly(5, 6, 7, 8, 9, 10);
        seen.clear();
        q.forEachQueued(x -> seen.add(x) && x < 7);
        assertThat(seen).as("stops at the first false").containsExactly(5, 6, 7);
        for (int i = 5; i < 11; i++) {
            assertThat(q.poll()).isEqualTo(i); // the look took nothing
        }
        seen.clear();
        q.forEachQueued(seen::add);
        assertThat(seen).isEmpty();
    }

    @Test
    void aBatchPollTakesSeveralOldestFirstAndStopsAtASegmentBoundary() {
        InjectorQueue<Integer> q = new InjectorQueue<>(4, InjectorQueue.STORE_WAIT);
        Integer[] into = new Integer[3];
        assertThat(q.poll(into)).isZero();
        for (int i = 0; i < 10; i++) {
            q.offer(i);
        }
        List<Integer> taken = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        for (int n; (n = q.poll(into)) > 0; ) {
            sizes.add(n);
            taken.addAll(java.util.Arrays.asList(into).subList(0, n));
        }
        assertThat(taken).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        // one claim per batch: 0-2, then 3 (the end of segment one), then 4-6, 7, 8-9
        assertThat(sizes).containsExactly(3, 1, 3, 1, 2);
        assertThat(q.isEmpty()).isTrue();
        assertThat(q.poll()).isNull();
        q.offer(42); // single and batch polls share the indices
        q.offer(43);
        assertThat(q.poll()).isEqualTo(42);
        assertThat(q.poll(into)).isEqualTo(1);
        assertThat(into[0]).isEqualTo(43);
    }

    @Test
    void anEmptyPollBurnsNoSlot() {
        InjectorQueue<Integer> q = new InjectorQueue<>(2, InjectorQueue.STORE_WAIT);
        for (int i = 0; i < 10; i++) {
            assertThat(q.poll()).isNull(); // must not use up indices of the only segment
        }
        q.offer(7);
        q.offer(8);
        assertThat(q.poll()).isEqualTo(7);
        assertThat(q.poll()).isEqualTo(8);
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    void nullIsRefusedAndTheQueueUnchanged() {
        InjectorQueue<Integer> q = new InjectorQueue<>();
        q.offer(1);
        assertThatThrownBy(() -> q.offer(null)).isInstanceOf(NullPointerException.class);
        assertThat(q.poll()).isEqualTo(1);
        assertThat(q.poll()).isNull();
        assertThatThrownBy(() -> q.poll(new Integer[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("into");
        assertThatThrownBy(() -> new InjectorQueue<Integer>(0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("segmentSize");
    }

    /**
     * ADR 0133: a segment's two claim indices sit on different cache lines (and adjacent-line
     * prefetch pairs), away from the line of their array's header, so a consumer's claim does not
     * take the line every producer's getAndAdd needs. Byte offsets assume a 16-byte array header,
     * the layout of every JVM the build runs on.
     */
    @Test
    void theProducersAndTheConsumersIndexLiveOnLinesOfTheirOwn() {
        int enqByte = 16 + 4 * InjectorQueue.ENQ;
        int deqByte = 16 + 4 * InjectorQueue.DEQ;
        assertThat(enqByte / 128).as("enq's line pair: not the header's").isGreaterThan(0);
        assertThat(deqByte / 128).as("deq's line pair: not enq's").isGreaterThan(enqByte / 128);
        assertThat(16 + 4 * InjectorQueue.INDICES)
                .as("the array ends past deq's line")
                .isGreaterThanOrEqualTo((deqByte / 64 + 1) * 64);
    }

    /** A spin look sees a stored element, across a drained segment too, and nothing once taken. */
    @Test
    void aLookSeesTheOldestStoredElement() {
        InjectorQueue<Integer> q = new InjectorQueue<>(2, InjectorQueue.STORE_WAIT);
        assertThat(q.looksNonEmpty()).isFalse();
        q.offer(1);
        assertThat(q.looksNonEmpty()).isTrue();
        q.offer(2);
        q.offer(3); // a second segment
        assertThat(q.poll()).isEqualTo(1);
        assertThat(q.poll()).isEqualTo(2);
        assertThat(q.looksNonEmpty()).as("head drained, successor holds 3").isTrue();
        assertThat(q.poll()).isEqualTo(3);
        assertThat(q.looksNonEmpty()).isFalse();
        assertThat(q.isEmpty()).isTrue();
    }

    /** Consumers claim stored elements by their slots; enq only decides an empty look. */
    @Test
    void pollsTakeWhatIsStoredInOrderWhetherSingleOrBatched() {
        InjectorQueue<Integer> q = new InjectorQueue<>(8, InjectorQueue.STORE_WAIT);
        Integer[] into = new Integer[5];
        for (int i = 0; i < 6; i++) {
            q.offer(i);
        }
        assertThat(q.poll()).isEqualTo(0);
        assertThat(q.poll(into)).isEqualTo(5);
        assertThat(into).containsExactly(1, 2, 3, 4, 5);
        assertThat(q.poll(into)).isZero();
        assertThat(q.poll()).isNull();
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    void racingProducersAndConsumersTakeEachElementExactlyOnceInEachProducersOrder()
            throws Exception {
        race(InjectorQueue.STORE_WAIT);
    }

    /** A consumer that meets a late store yields at once instead of spinning first. */
    @Test
    void theSameWhenConsumersYieldAtOnceToALateStore() throws Exception {
        race(0);
    }

    /** Consumers that take batches (the scheduler's injector drain) race the producers. */
    @Test
    void theSameWhenConsumersTakeBatches() throws Exception {
        race(InjectorQueue.STORE_WAIT, 3);
        race(0, 3);
    }

    private static void race(int storeWait) throws Exception {
        race(storeWait, 0);
    }

    /** Consumers poll one at a time ({@code batch} 0) or up to {@code batch} at once. */
    private static void race(int storeWait, int batch) throws Exception {
        int producers = 3;
        int consumers = 3;
        int perProducer = 20_000;
        InjectorQueue<Integer> q = new InjectorQueue<>(4, storeWait); // many segment hand-overs
        AtomicIntegerArray seen = new AtomicIntegerArray(producers * perProducer);
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int p = 0; p < producers; p++) {
            int base = p * perProducer;
            threads.add(
                    Thread.ofPlatform()
                            .start(
                                    () -> {
                                        await(start);
                                        for (int i = 0; i < perProducer; i++) {
                                            q.offer(base + i);
                                        }
                                    }));
        }
        java.util.concurrent.atomic.AtomicInteger taken =
                new java.util.concurrent.atomic.AtomicInteger();
        int total = producers * perProducer;
        for (int c = 0; c < consumers; c++) {
            threads.add(
                    Thread.ofPlatform()
                            .start(
                                    () -> {
                                        await(start);
                                        int[] last = new int[producers];
                                        java.util.Arrays.fill(last, -1);
                                        long deadline = System.nanoTime() + 60_000_000_000L;
                                        while (taken.get() < total) {
                                            if (System.nanoTime() > deadline) {
                                                failures.add( // a lost element: fail, not hang
                                                        new AssertionError(
                                                                "only "
                                                                        + taken.get()
                                                                        + " of "
                                                                        + total
                                                                        + " taken"));
                                                return;
                                            }
                                            Integer[] got = new Integer[Math.max(1, batch)];
                                            int n;
                                            if (batch == 0) {
                                                got[0] = q.poll();
                                                n = got[0] == null ? 0 : 1;
                                            } else {
                                                n = q.poll(got);
                                            }
                                            if (n == 0) {
                                                Thread.onSpinWait();
                                                continue;
                                            }
                                            for (int j = 0; j < n; j++) {
                                                int x = got[j];
                                                taken.incrementAndGet();
                                                seen.incrementAndGet(x);
                                                int p = x / perProducer;
                                                if (x <= last[p]) { // one consumer sees each
                                                    failures.add( // producer's elements in order
                                                            new AssertionError(
                                                                    x + " after " + last[p]));
                                                }
                                                last[p] = x;
                                            }
                                        }
                                    }));
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertThat(failures).isEmpty();
        for (int i = 0; i < total; i++) {
            assertThat(seen.get(i)).as("element %d taken once", i).isEqualTo(1);
        }
        assertThat(q.poll()).isNull();
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    void aCompletedOfferIsNeverSeenEmptyByARacingCheck() throws Exception {
        // the scheduler's Dekker argument: offer, then read a flag; set the flag, then isEmpty.
        // Whatever the interleaving, one side must see the other's write
        for (int round = 0; round < 500; round++) {
            InjectorQueue<Integer> q = new InjectorQueue<>(2, InjectorQueue.STORE_WAIT);
            q.offer(-1);
            q.offer(-2);
            q.poll();
            q.poll(); // head segment now drained: the next offer links a new segment
            java.util.concurrent.atomic.AtomicBoolean idle =
                    new java.util.concurrent.atomic.AtomicBoolean();
            boolean[] producerSawIdle = new boolean[1];
            boolean[] consumerSawWork = new boolean[1];
            CountDownLatch go = new CountDownLatch(1);
            Thread producer =
                    Thread.ofPlatform()
                            .start(
                                    () -> {
                                        await(go);
                                        q.offer(0);
                                        producerSawIdle[0] = idle.get();
                                    });
            Thread consumer =
                    Thread.ofPlatform()
                            .start(
                                    () -> {
                                        await(go);
                                        idle.set(true);
                                        consumerSawWork[0] = !q.isEmpty();
                                    });
            go.countDown();
            producer.join();
            consumer.join();
            assertThat(producerSawIdle[0] || consumerSawWork[0]).as("round %d", round).isTrue();
            assertThat(q.isEmpty()).isFalse();
        }
    }

    private static void await(CountDownLatch l) {
        try {
            l.await();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
