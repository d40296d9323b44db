package dev.braid.internal.sched;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** The bounded run queue: FIFO takes, the full push, steal-half, and exactly-once under races. */
class RunQueueTest {

    @Test
    void capacityMustBeAPositivePowerOfTwo() {
        assertThatThrownBy(() -> new RunQueue<Integer>(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("capacity");
        assertThatThrownBy(() -> new RunQueue<Integer>(6))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("capacity");
        assertThat(new RunQueue<Integer>(8).capacity()).isEqualTo(8);
    }

    @Test
    void ownerAndThievesTakeInPushOrderAndAFullPushLeavesTheQueueAsItWas() {
        RunQueue<Integer> q = new RunQueue<>(4);
        for (int i = 0; i < 4; i++) {
            assertThat(q.push(i)).isTrue();
        }
        assertThat(q.push(99)).isFalse();
        assertThat(q.size()).isEqualTo(4);
        assertThat(q.poll()).isEqualTo(0);
        assertThat(q.push(4)).isTrue(); // the freed slot is reused
        List<Integer> rest = new ArrayList<>();
        for (Integer x; (x = q.poll()) != null; ) {
            rest.add(x);
        }
        assertThat(rest).containsExactly(1, 2, 3, 4);
        assertThat(q.isEmpty()).isTrue();
    }

    /**
     * The dump's look: the elements between head and tail, oldest first, across the ring's wrap,
     * not the stale references a take leaves in its slot; nothing taken; false ends it.
     */
    @Test
    void forEachQueuedOffersTheQueuedElementsOldestFirstAndTakesNothing() {
        RunQueue<Integer> q = new RunQueue<>(4);
        List<Integer> seen = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            q.push(i);
        }
        assertThat(q.poll()).isZero();
        assertThat(q.poll()).isEqualTo(1); // slots 0 and 1 keep stale references
        q.push(3);
        q.push(4); // wraps into slot 0
        q.forEachQueued(seen::add);
        assertThat(seen).containsExactly(2, 3, 4);
        seen.clear();
        q.forEachQueued(x -> seen.add(x) && x < 3);
        assertThat(seen).as("stops at the first false").containsExactly(2, 3);
        assertThat(q.size()).isEqualTo(3);
        assertThat(q.poll()).isEqualTo(2);
    }

    @Test
    void pushAllAppendsInOrderAndStopsWhereTheQueueIsFull() {
        RunQueue<Integer> q = new RunQueue<>(4);
        q.push(0);
        Integer[] src = {-1, 1, 2, 3, 4, 5};
        assertThat(q.pushAll(src, 1, 5)).isEqualTo(3); // room for three: 1, 2, 3
        assertThat(q.size()).isEqualTo(4);
        assertThat(q.pushAll(src, 4, 2)).isZero(); // full: nothing taken, the queue unchanged
        assertThat(q.poll()).isEqualTo(0);
        assertThat(q.pushAll(src, 4, 2)).isEqualTo(1); // the freed slot: 4 only
        List<Integer> rest = new ArrayList<>();
        for (Integer x; (x = q.poll()) != null; ) {
            rest.add(x);
        }
        assertThat(rest).containsExactly(1, 2, 3, 4);
        assertThat(q.pushAll(src, 0, 0)).isZero();
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    void stealHalfTakesTheOlderHalfAndMovesAllButOneIntoTheThiefsQueue() {
        RunQueue<Integer> victim = new RunQueue<>(8);
        RunQueue<Integer> mine = new RunQueue<>(8);
        for (int i = 0; i < 5; i++) {
            victim.push(i);
        }
        assertThat(victim.stealHalfInto(mine)).isEqualTo(2); // took 0, 1, 2; returns the last
        assertThat(mine.poll()).isEqualTo(0);
        assertThat(mine.poll()).isEqualTo(1);
        assertThat(mine.poll()).isNull();
        assertThat(victim.poll()).isEqualTo(3);
        assertThat(victim.stealHalfInto(mine)).isEqualTo(4);
        assertThat(victim.stealHalfInto(mine)).isNull();
    }

    @Test
    void stealHalfTakesNoMoreThanTheThiefHasRoomFor() {
        RunQueue<Integer> victim = new RunQueue<>(16);
        RunQueue<Integer> mine = new RunQueue<>(2);
        mine.push(100);
        for (int i = 0; i < 16; i++) {
            victim.push(i);
        }
        assertThat(victim.stealHalfInto(mine)).isEqualTo(1); // room 1: one moved, one returned
        assertThat(mine.size()).isEqualTo(2);
        assertThat(victim.size()).isEqualTo(14);
    }

    /**
     * The owner pushes and polls while two thieves steal halves into their own queues and drain
     * them: every element is taken exactly once.
     */
    @Test
    void underRacesEveryElementIsTakenExactlyOnce() throws InterruptedException {
        int n = 200_000;
        RunQueue<Integer> q = new RunQueue<>(64);
        AtomicIntegerArray taken = new AtomicIntegerArray(n);
        AtomicBoolean done = new AtomicBoolean();
        List<Thread> thieves = new ArrayList<>();
        for (int k = 0; k < 2; k++) {
            thieves.add(
                    Thread.ofPlatform()
                            .start(
                                    () -> {
                                        RunQueue<Integer> mine = new RunQueue<>(32);
                                        while (!done.get() || !q.isEmpty()) {
                                            Integer x = q.stealHalfInto(mine);
                                            if (x != null) {
                                                taken.incrementAndGet(x);
                                            }
                                            for (Integer y; (y = mine.poll()) != null; ) {
                                                taken.incrementAndGet(y);
                                            }
                                        }
                                    }));
        }
        for (int i = 0; i < n; i++) {
            while (!q.push(i)) {
                Integer x = q.poll();
                if (x != null) {
                    taken.incrementAndGet(x);
                }
            }
            if (i % 3 == 0) {
                Integer x = q.poll();
                if (x != null) {
                    taken.incrementAndGet(x);
                }
            }
        }
        done.set(true);
        for (Thread t : thieves) {
            t.join();
        }
        for (Integer x; (x = q.poll()) != null; ) {
            taken.incrementAndGet(x);
        }
        for (int i = 0; i < n; i++) {
            assertThat(taken.get(i)).as("element %d taken", i).isEqualTo(1);
        }
    }
}
