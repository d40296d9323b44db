package dev.braid.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TimerWheelTest {
    private static final long TICK = 1_000_000L;

    @Test
    void manualWheelFiresExactlyAtItsTickNeverEarly() {
        TimerWheel w = TimerWheel.manual(TICK, 100);
        long o = w.origin();
        List<String> fired = new ArrayList<>();
        w.scheduleAt(o + 5 * TICK + 1, () -> fired.add("a")); // due in tick 6
        w.scheduleAt(o + 5 * TICK, () -> fired.add("b")); // due at tick 5
        assertThat(w.advance(o + 5 * TICK - 1)).isZero();
        assertThat(w.advance(o + 5 * TICK)).isEqualTo(1);
        assertThat(fired).containsExactly("b");
        assertThat(w.advance(o + 6 * TICK)).isEqualTo(1);
        assertThat(fired).containsExactly("b", "a");
        assertThat(w.pending()).isZero();
    }

    @Test
    void drivenGridIsAQuarterTickWithinBounds() {
        assertThat(TimerWheel.grid(TICK)).isEqualTo(TICK / 4);
        assertThat(TimerWheel.grid(1_000L)).isEqualTo(1_000L); // 1 us floor, never above the tick
        assertThat(TimerWheel.grid(3_000L)).isEqualTo(1_000L);
        assertThat(TimerWheel.grid(8_000L)).isEqualTo(2_000L);
        try (TimerWheel w = TimerWheel.create("grid", Duration.ofMillis(1), 10)) {
            assertThat(w.tick()).isEqualTo(Duration.ofMillis(1));
            assertThat(w.resolution()).isEqualTo(Duration.ofNanos(250_000));
        }
        assertThat(TimerWheel.manual(TICK, 1).resolution()).isEqualTo(Duration.ofNanos(TICK));
    }

    @Test
    void quarterTickGridFiresAtTheFirstGridPointAtOrAfterTheDeadlineNeverEarly() {
        TimerWheel w = TimerWheel.manualOnGrid(TICK, 100);
        long o = w.origin();
        long q = TICK / 4;
        List<String> fired = new ArrayList<>();
        w.scheduleAt(o + 5 * TICK + 1, () -> fired.add("a")); // grid point 5 1/4 ticks
        w.scheduleAt(o + 5 * TICK + 2 * q, () -> fired.add("b")); // exactly on 5 1/2 ticks
        w.scheduleAt(o + 5 * TICK + 3 * q - 1, () -> fired.add("c")); // grid point 5 3/4
        assertThat(w.advance(o + 5 * TICK + q - 1)).isZero();
        assertThat(w.advance(o + 5 * TICK + q)).isEqualTo(1);
        assertThat(fired).containsExactly("a");
        assertThat(w.advance(o + 5 * TICK + 2 * q - 1)).isZero();
        assertThat(w.advance(o + 5 * TICK + 2 * q)).isEqualTo(1);
        assertThat(w.advance(o + 5 * TICK + 3 * q - 2)).isZero();
        assertThat(w.advance(o + 5 * TICK + 3 * q)).isEqualTo(1);
        assertThat(fired).containsExactly("a", "b", "c"); // each within a quarter tick
        assertThat(w.pending()).isZero();
    }

    @Test
    void randomScheduleCancelAdvanceMatchesAModel() {
        matchesAModel(new Random(42), 20, 3000, 5, 2, 3);
    }

    /**
     * As above with advances rare (1 op in 40), so that many timers are scheduled and cancelled
     * between two advances: the wheel's staging area fills and is linked by an insert, cancels hit
     * staged and linked entries alike, and the staging array is replaced (ADR 0067).
     */
    @Test
    void denseScheduleCancelBetweenAdvancesMatchesAModel() {
        matchesAModel(new Random(7), 10, 4000, 25, 14, 1);
    }

    /** Random schedules, cancels and advances in the given proportions, checked against a model. */
    private static void matchesAModel(
            Random rnd, int rounds, int steps, int schedule, int cancel, int advance) {
        for (int round = 0; round < rounds; round++) {
            TimerWheel w = TimerWheel.manual(TICK, 100_000);
            long o = w.origin();
            long now = o;
            TreeMap<Long, List<Integer>> model = new TreeMap<>();
            List<Timeout> handles = new ArrayList<>();
            List<Long> deadlines = new ArrayList<>();
            List<Integer> fired = new ArrayList<>();
            for (int step = 0; step < steps; step++) {
                int op = rnd.nextInt(schedule + cancel + advance);
                if (op < schedule) {
                    long span =
                            rnd.nextInt(4) == 0
                                    ? 1L << (12 + rnd.nextInt(24))
                                    : 1 + rnd.nextInt(5000);
                    long d = now + (rnd.nextLong(span)) * (TICK / 4);
                    int id = handles.size();
                    handles.add(w.scheduleAt(d, () -> fired.add(id)));
                    deadlines.add(d);
                    long due =
                            Math.max(Math.ceilDiv(d - o, TICK), Math.floorDiv(now - o, TICK) + 1);
                    model.computeIfAbsent(due, k -> new ArrayList<>()).add(id);
                } else if (op < schedule + cancel && !handles.isEmpty()) {
                    int id = // half the time one of the newest: likely still staged
                            rnd.nextBoolean()
                                    ? rnd.nextInt(handles.size())
                                    : Math.max(0, handles.size() - 1 - rnd.nextInt(20));
                    boolean inModel = model.values().stream().anyMatch(l -> l.contains(id));
                    assertThat(handles.get(id).cancel()).isEqualTo(inModel);
                    model.values().forEach(l -> l.remove((Integer) id));
                } else {
                    now +=
                            rnd.nextInt(4) == 0
                                    ? rnd.nextLong(1L << 32)
                                    : rnd.nextInt(200) * TICK / 3;
                    fired.clear();
                    w.advance(now);
                    long nowTick = Math.floorDiv(now - o, TICK);
                    List<Integer> expect = new ArrayList<>();
                    var head = model.headMap(nowTick, true);
                    head.values().forEach(expect::addAll);
                    head.clear();
                    assertThat(fired).containsExactlyInAnyOrderElementsOf(expect);
                    for (int id : fired) {
                        assertThat(deadlines.get(id)).isLessThanOrEqualTo(now); // never early
                        assertThat(handles.get(id).isExpired()).isTrue();
                    }
                }
                assertThat(w.pending())
                        .isEqualTo(model.values().stream().mapToInt(List::size).sum());
            }
        }
    }

    @Test
    void farTimersCascadeDownCorrectly() {
        TimerWheel w = TimerWheel.manual(1, 10);
        long o = w.origin();
        List<Long> fired = new ArrayList<>();
        long[] ds = {1L << 36, (1L << 36) + 5, 1L << 40, 64L * 64 * 64 + 3};
        for (long d : ds) {
            w.scheduleAt(o + d, () -> fired.add(d));
        }
        w.advance(o + (1L << 36) - 1);
        assertThat(fired).containsExactly(64L * 64 * 64 + 3);
        w.advance(o + (1L << 36) + 4);
        assertThat(fired).hasSize(2);
        w.advance(o + (1L << 41));
        assertThat(fired).hasSize(4);
    }

    @Test
    void cancelledTimerIsUnreachableRightAfterCancel() {
        TimerWheel w = TimerWheel.manual(TICK, 10);
        Object payload = new Object();
        Runnable task = payload::hashCode; // capturing: not a cached constant lambda
        Timeout t = w.schedule(Duration.ofHours(1), task);
        WeakReference<Timeout> weakHandle = new WeakReference<>(t);
        WeakReference<Runnable> weakTask = new WeakReference<>(task);
        assertThat(t.cancel()).isTrue();
        assertThat(t.cancel()).isFalse();
        t = null;
        task = null;
        assertThat(dev.braid.Collected.all(java.util.List.of(weakHandle, weakTask)))
                .as("the cancelled timer and its task were released")
                .isTrue();
        assertThat(w.pending()).isZero();
    }

    @Test
    void extremeDeadlinesSaturate() {
        TimerWheel w = TimerWheel.manual(TICK, 10);
        List<String> fired = new ArrayList<>();
        w.scheduleAt(Long.MIN_VALUE, () -> fired.add("past"));
        Timeout far = w.scheduleAt(Long.MAX_VALUE, () -> fired.add("far"));
        w.advance(w.origin() + TICK);
        assertThat(fired).containsExactly("past");
        assertThat(far.isExpired()).isFalse();
        assertThat(far.cancel()).isTrue();
        TimerWheel closing = TimerWheel.create("far", Duration.ofMillis(1), 10);
        Timeout t = closing.scheduleAt(Long.MAX_VALUE, () -> {});
        closing.close(); // drains without walking time forward
        assertThat(t.isCancelled()).isTrue();
    }

    @Test
    void boundedPendingRejectsClearly() {
        TimerWheel w = TimerWheel.manual(TICK, 2);
        w.schedule(Duration.ofSeconds(1), () -> {});
        Timeout second = w.schedule(Duration.ofSeconds(1), () -> {});
        assertThatThrownBy(() -> w.schedule(Duration.ofSeconds(1), () -> {}))
                .isInstanceOf(TimerOverloadException.class)
                .hasMessageContaining("2 timers pending");
        assertThat(w.pending()).isEqualTo(2);
        second.cancel();
        w.schedule(Duration.ofSeconds(1), () -> {});
    }

    @Test
    void drivenWheelFiresNeverEarlyAndAboutOnTime() throws Exception {
        try (TimerWheel w = TimerWheel.create("test-wheel", Duration.ofMillis(1), 10_000)) {
            int n = 200;
            CountDownLatch all = new CountDownLatch(n);
            ConcurrentLinkedQueue<Long> lateness = new ConcurrentLinkedQueue<>();
            for (int i = 0; i < n; i++) {
                long d = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(5 + i % 20);
                w.scheduleAt(
                        d,
                        () -> {
                            lateness.add(System.nanoTime() - d);
                            all.countDown();
                        });
            }
            assertThat(all.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(lateness).allMatch(l -> l >= 0);
        }
    }

    @Test
    void failingTaskDoesNotStopTheDriver() throws Exception {
        try (TimerWheel w = TimerWheel.create("failing", Duration.ofMillis(1), 10)) {
            CountDownLatch ran = new CountDownLatch(1);
            Thread.UncaughtExceptionHandler old = Thread.getDefaultUncaughtExceptionHandler();
            Thread.setDefaultUncaughtExceptionHandler((t, e) -> {});
            try {
                w.schedule(
                        Duration.ZERO,
                        () -> {
                            throw new IllegalStateException("boom");
                        });
                w.schedule(Duration.ofMillis(2), ran::countDown);
                assertThat(ran.await(30, TimeUnit.SECONDS)).isTrue();
            } finally {
                Thread.setDefaultUncaughtExceptionHandler(old);
            }
        }
    }

    @Test
    void closeCancelsPendingAndRejectsNewTimers() {
        TimerWheel w = TimerWheel.create("closing", Duration.ofMillis(1), 10);
        Timeout t = w.schedule(Duration.ofHours(1), () -> {});
        w.close();
        w.close();
        assertThat(t.isCancelled()).isTrue();
        assertThatThrownBy(() -> w.schedule(Duration.ZERO, () -> {}))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> TimerWheel.shared().close())
                .isInstanceOf(IllegalStateException.class);
    }
}
