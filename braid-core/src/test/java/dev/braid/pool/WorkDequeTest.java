package dev.braid.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The deque's contract, over initial capacities 1 (every push past the first grows the buffer), 2
 * and 64: LIFO for the owner, FIFO for thieves, and under real concurrency every element is taken
 * exactly once.
 */
class WorkDequeTest {
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 64})
    void ownerIsLifoAndThievesAreFifo(int capacity) {
        WorkDeque<Integer> d = new WorkDeque<>(capacity);
        assertThat(d.pop()).isNull();
        assertThat(d.steal()).isInstanceOf(Steal.Empty.class);
        assertThat(d.isEmpty()).isTrue();
        for (int i = 0; i < 100; i++) {
            d.push(i);
        }
        assertThat(d.size()).isEqualTo(100);
        assertThat(d.steal()).isEqualTo(new Steal.Success<>(0));
        assertThat(d.steal()).isEqualTo(new Steal.Success<>(1));
        assertThat(d.pop()).isEqualTo(99);
        assertThat(d.pop()).isEqualTo(98);
        d.push(500);
        assertThat(d.pop()).isEqualTo(500);
        List<Integer> rest = new ArrayList<>();
        for (Integer x; (x = d.pop()) != null; ) {
            rest.add(x);
        }
        assertThat(rest).hasSize(96).startsWith(97, 96).endsWith(2);
        assertThat(d.size()).isZero();
        assertThat(d.pop()).isNull();
        assertThat(d.steal()).isInstanceOf(Steal.Empty.class);
        d.push(7);
        assertThat(d.steal()).isEqualTo(new Steal.Success<>(7));
        assertThat(d.pop()).isNull();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 3, 6})
    void hostileCapacityIsRefused(int capacity) {
        assertThatThrownBy(() -> new WorkDeque<Integer>(capacity))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("initialCapacity");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 64})
    void nullIsRefusedWithoutStateChange(int capacity) {
        WorkDeque<Integer> d = new WorkDeque<>(capacity);
        d.push(1);
        assertThatThrownBy(() -> d.push(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("element");
        assertThat(d.size()).isEqualTo(1);
        assertThat(d.pop()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 64})
    void concurrentThievesAndOwnerTakeEachElementExactlyOnce(int capacity) throws Exception {
        int n = 200_000;
        WorkDeque<Integer> d = new WorkDeque<>(capacity);
        ConcurrentLinkedQueue<Integer> taken = new ConcurrentLinkedQueue<>();
        AtomicBoolean done = new AtomicBoolean();
        List<Thread> thieves = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            thieves.add(
                    Thread.ofPlatform()
                            .start(
                                    () -> {
                                        while (!done.get() || !d.isEmpty()) {
                                            if (d.steal() instanceof Steal.Success<Integer> s) {
                                                taken.add(s.value());
                                            }
                                        }
                                    }));
        }
        for (int i = 0; i < n; i++) {
            d.push(i);
            if (i % 3 == 0) {
                Integer x = d.pop();
                if (x != null) {
                    taken.add(x);
                }
            }
        }
        for (Integer x; (x = d.pop()) != null; ) {
            taken.add(x);
        }
        done.set(true);
        for (Thread t : thieves) {
            t.join();
        }
        boolean[] seen = new boolean[n];
        for (int x : taken) {
            assertThat(seen[x]).as("element %d taken twice", x).isFalse();
            seen[x] = true;
        }
        assertThat(taken).hasSize(n);
    }
}
