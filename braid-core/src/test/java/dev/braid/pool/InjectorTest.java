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
        AtomicI32 running = new AtomicI32(Lifecycle.RUNNING);
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
        AtomicI32 running = new AtomicI32(Lifecycle.RUNNING);
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
        AtomicI32 state = new AtomicI32(Lifecycle.SHUTDOWN);
        assertThat(s.pushIfRunning(new SubmittedTask<>(null, (Runnable) () -> {}), state))
                .isFalse();
        assertThat(s.isEmptyLocked()).isTrue();
    }

    @Test
    void aRunIsTheOldestTasksInOrderSizedByDepthShareAndRoom() {
        Injector.Shard s = new Injector.Shard();
        AtomicI32 running = new AtomicI32(Lifecycle.RUNNING);
        List<TaskHandle<?>> in = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            TaskHandle<?> t = new SubmittedTask<>(null, (Runnable) () -> {});
            in.add(t);
            s.pushIfRunning(t, running);
        }
        TaskHandle<?>[] into = new TaskHandle<?>[8];
        assertThat(s.takeRunFrom(s.headIfNonEmpty(), into, 99, 2)).isEqualTo(8); // room for 8
        assertThat(into).containsExactly(in.subList(0, 8).toArray(new TaskHandle<?>[0]));
        assertThat(s.size()).isEqualTo(32);
        assertThat(s.takeRunFrom(0, into, 99, 2)).as("head moved").isZero();
        TaskHandle<?>[] rest = new TaskHandle<?>[64];
        assertThat(s.takeRunFrom(s.headIfNonEmpty(), rest, 99, 4)).isEqualTo(9); // 32 / 4 + 1
        assertThat(s.take()).isSameAs(in.get(17)); // single takes continue after the run
        assertThat(s.takeRunFrom(s.headIfNonEmpty(), rest, 3, 1)).isEqualTo(3); // the limit
        assertThat(s.takeRunFrom(s.headIfNonEmpty(), rest, 99, 1)).isEqualTo(19); // the depth
        assertThat(rest[18]).isSameAs(in.get(39));
        assertThat(s.headIfNonEmpty()).isEqualTo(-1);
        assertThat(s.isEmpty()).isTrue();
    }

    @Test
    void racingTakersGetEveryElementExactlyOnce() throws Exception {
        raceTakers(false);
    }

    /** ADR 0118: takers claiming runs, racing each other and a producer over a growing ring. */
    @Test
    void racingRunTakersGetEveryElementExactlyOnceAndEachRunInOrder() throws Exception {
        raceTakers(true);
    }

    private static void raceTakers(boolean runs) throws Exception {
        Injector.Shard s = new Injector.Shard();
        AtomicI32 running = new AtomicI32(Lifecycle.RUNNING);
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
                                        TaskHandle<?>[] run = new TaskHandle<?>[5];
                                        while (true) {
                                            boolean more = producing.get();
                                            TaskHandle<?> t = runs ? null : s.take();
                                            long h = runs ? s.headIfNonEmpty() : -1;
                                            int got =
                                                    h >= 0
                                                            ? s.takeRunFrom(h, run, 5, 2)
                                                            : t == null ? 0 : 1;
                                            for (int i = 0; i < got; i++) {
                                                int at = index.get(runs ? run[i] : t);
                                                taken.incrementAndGet(at);
                                                if (i > 0 && at != index.get(run[i - 1]) + 1) {
                                                    taken.set(at, -1000); // a run out of order
                                                }
                                            }
                                            if (got != 0 || h >= 0) {
                                                continue; // took some, or lost a race: again
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
