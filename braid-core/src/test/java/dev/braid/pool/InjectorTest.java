package dev.braid.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.atomic.AtomicI32;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/**
 * The injector's shard: producers under the lock, takers lock-free with a CAS on head (ADR 0060).
 * Rings start at 16 slots, so these runs wrap and grow while takers race.
 */
class InjectorTest {
    static final int TASKS = 50_000;

    @Test
    void aShardIsFirstInFirstOutAndGrowsPastItsFirstRing() {
        Injector.Shard s = new Injector.Shard();
        AtomicI32 running = new AtomicI32(WorkStealingPool.RUNNING);
        List<TaskHandle<?>> in = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            TaskHandle<?> t = new SubmittedTask<>(null, (Runnable) () -> {});
            in.add(t);
            assertThat(s.pushIfRunning(t, running)).isTrue();
            if (i % 3 == 0) {
                assertThat(s.take()).isSameAs(in.remove(0)); // wraps the ring while growing
            }
        }
        for (TaskHandle<?> t : in) {
            assertThat(s.take()).isSameAs(t);
        }
        assertThat(s.take()).isNull();
        assertThat(s.isEmpty()).isTrue();
    }

    @Test
    void takeIfOldestTakesOnlyTheGivenTaskAndOnlyAtTheHead() {
        Injector.Shard s = new Injector.Shard();
        AtomicI32 running = new AtomicI32(WorkStealingPool.RUNNING);
        TaskHandle<?> first = new SubmittedTask<>(null, (Runnable) () -> {});
        TaskHandle<?> second = new SubmittedTask<>(null, (Runnable) () -> {});
        assertThat(s.takeIfOldest(first)).isFalse(); // empty
        s.pushIfRunning(first, running);
        s.pushIfRunning(second, running);
        assertThat(s.takeIfOldest(second)).isFalse(); // not the oldest: left where it is
        assertThat(s.size()).isEqualTo(2);
        assertThat(s.takeIfOldest(first)).isTrue();
        assertThat(s.takeIfOldest(first)).isFalse(); // gone
        assertThat(s.takeIfOldest(second)).isTrue();
        assertThat(s.isEmpty()).isTrue();
    }

    @Test
    void aShardRejectsPushesOnceThePoolIsNotRunning() {
        Injector.Shard s = new Injector.Shard();
        AtomicI32 state = new AtomicI32(WorkStealingPool.SHUTDOWN);
        assertThat(s.pushIfRunning(new SubmittedTask<>(null, (Runnable) () -> {}), state))
                .isFalse();
        assertThat(s.isEmptyLocked()).isTrue();
    }

    @Test
    void racingTakersGetEveryElementExactlyOnce() throws Exception {
        Injector.Shard s = new Injector.Shard();
        AtomicI32 running = new AtomicI32(WorkStealingPool.RUNNING);
        List<TaskHandle<?>> all = new ArrayList<>(TASKS);
        java.util.IdentityHashMap<TaskHandle<?>, Integer> index = new java.util.IdentityHashMap<>();
        for (int i = 0; i < TASKS; i++) {
            TaskHandle<?> t = new SubmittedTask<>(null, (Runnable) () -> {});
            all.add(t);
            index.put(t, i);
        }
        AtomicIntegerArray taken = new AtomicIntegerArray(TASKS);
        int takers = 3;
        CountDownLatch done = new CountDownLatch(takers);
        java.util.concurrent.atomic.AtomicBoolean producing =
                new java.util.concurrent.atomic.AtomicBoolean(true);
        List<Thread> threads = new ArrayList<>();
        for (int k = 0; k < takers; k++) {
            threads.add(
                    Thread.ofPlatform()
                            .start(
                                    () -> {
                                        while (true) {
                                            boolean more = producing.get();
                                            TaskHandle<?> t = s.take();
                                            if (t != null) {
                                                taken.incrementAndGet(index.get(t));
                                            } else if (!more) {
                                                break;
                                            } else {
                                                Thread.onSpinWait();
                                            }
                                        }
                                        done.countDown();
                                    }));
        }
        for (TaskHandle<?> t : all) {
            s.pushIfRunning(t, running);
        }
        producing.set(false);
        assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
        for (Thread t : threads) {
            t.join();
        }
        for (int i = 0; i < TASKS; i++) {
            assertThat(taken.get(i)).as("element %d taken", i).isEqualTo(1);
        }
        assertThat(s.isEmpty()).isTrue();
    }
}
