package dev.braid.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MutexTest {

    @Test
    void guardGivesAccessToTheValueAndUnlocksOnClose() {
        Mutex<List<String>> m = new Mutex<>(new ArrayList<>());
        try (var g = m.lock()) {
            assertThat(m.isLocked()).isTrue();
            g.get().add("a");
            assertThat(g.set(new ArrayList<>(List.of("b")))).containsExactly("a");
        }
        assertThat(m.isLocked()).isFalse();
        assertThat(m.<Integer>withLock(List::size)).isEqualTo(1);
    }

    @Test
    void closedGuardFailsLoudly() {
        Mutex<Integer> m = new Mutex<>(1);
        MutexGuard<Integer> g = m.lock();
        g.close();
        assertThatThrownBy(g::get)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("used after it was closed");
        assertThatThrownBy(() -> g.set(2)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(g::close).isInstanceOf(IllegalStateException.class);
        assertThat(m.isLocked()).as("double close must not unlock someone else's hold").isFalse();
        try (var g2 = m.lock()) {
            assertThat(g2.get()).isEqualTo(1);
        }
    }

    @Test
    void tryLockFailsWhileHeld() throws Exception {
        Mutex<String> m = Mutex.named("t", "v");
        try (var _ = m.lock()) {
            JoinHandle<Boolean> other = Threads.spawn(() -> m.tryLock().isPresent());
            assertThat(other.join()).isFalse();
        }
        var maybe = m.tryLock();
        assertThat(maybe).isPresent();
        maybe.get().close();
    }

    @Test
    void failingClosurePoisonsAndRecoveryWorks() {
        Mutex<Integer> m = Mutex.named("accounts", 10);
        IllegalStateException failure = new IllegalStateException("half-way");
        assertThatThrownBy(
                        () ->
                                m.withLock(
                                        v -> {
                                            throw failure;
                                        }))
                .isSameAs(failure);
        assertThat(m.isPoisoned()).isTrue();
        assertThat(m.isLocked()).isFalse();
        assertThatThrownBy(m::lock)
                .isInstanceOf(PoisonedException.class)
                .hasMessageContaining("Mutex(accounts) is poisoned")
                .hasCause(failure);
        assertThat(m.isLocked()).as("not held after PoisonedException").isFalse();
        assertThatThrownBy(() -> m.withLock(v -> v)).isInstanceOf(PoisonedException.class);
        try (var g = m.lockIgnoringPoison()) {
            assertThat(g.get()).isEqualTo(10);
            g.set(11);
            g.clearPoison();
        }
        assertThat(m.isPoisoned()).isFalse();
        assertThat(m.<Integer>withLock(v -> v)).isEqualTo(11);
    }

    @Test
    void updateThatThrowsPoisonsAndKeepsTheValue() {
        Mutex<Integer> m = new Mutex<>(5);
        assertThat(m.update(v -> v + 1)).isEqualTo(6);
        assertThatThrownBy(
                        () ->
                                m.update(
                                        v -> {
                                            throw new ArithmeticException("no");
                                        }))
                .isInstanceOf(ArithmeticException.class);
        assertThat(m.isPoisoned()).isTrue();
        m.clearPoison();
        assertThat(m.<Integer>withLock(v -> v)).isEqualTo(6);
    }

    @Test
    void guardCanPoisonExplicitly() {
        Mutex<Integer> m = new Mutex<>(0);
        try (var g = m.lock()) {
            g.poison(new IllegalStateException("inconsistent"));
        }
        assertThatThrownBy(m::lock)
                .isInstanceOf(PoisonedException.class)
                .hasRootCauseMessage("inconsistent");
        assertThatThrownBy(m::tryLock).isInstanceOf(PoisonedException.class);
    }

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {2, 4, 8})
    void mutualExclusionUnderContention(int threads) throws Exception {
        int perThread = 20_000;
        int[] plain = new int[1]; // deliberately unsynchronized except through the mutex
        Mutex<int[]> m = new Mutex<>(plain);
        List<JoinHandle<Void>> hs = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        for (int t = 0; t < threads; t++) {
            hs.add(
                    Threads.builder()
                            .virtual()
                            .spawn(
                                    () -> {
                                        try {
                                            start.await();
                                        } catch (InterruptedException e) {
                                            throw new AssertionError(e);
                                        }
                                        for (int i = 0; i < perThread; i++) {
                                            try (var g = m.lock()) {
                                                g.get()[0]++;
                                            }
                                        }
                                    }));
        }
        start.countDown();
        for (var h : hs) {
            h.join();
        }
        assertThat(m.<Integer>withLock(a -> a[0])).isEqualTo(threads * perThread);
        assertThat(m.isLocked()).isFalse();
    }

    @Test
    void platformThreadsContendToo() throws Exception {
        int perThread = 50_000;
        Mutex<long[]> m = new Mutex<>(new long[1]);
        Threads.scope(
                s -> {
                    for (int t = 0; t < 3; t++) {
                        s.spawn(
                                () -> {
                                    for (int i = 0; i < perThread; i++) {
                                        m.withLock(a -> a[0]++);
                                    }
                                    return null;
                                });
                    }
                });
        assertThat(m.<Long>withLock(a -> a[0])).isEqualTo(3L * perThread);
    }

    @Test
    void lockIgnoresInterruptsButKeepsTheStatus() throws Exception {
        Mutex<Integer> m = new Mutex<>(0);
        CountDownLatch waiting = new CountDownLatch(1);
        JoinHandle<Boolean> h;
        try (var _ = m.lock()) {
            h =
                    Threads.spawn(
                            () -> {
                                waiting.countDown();
                                try (var g2 = m.lock()) {
                                    g2.set(g2.get() + 1);
                                }
                                return Thread.currentThread().isInterrupted();
                            });
            waiting.await();
            Thread.sleep(20);
            h.thread().interrupt();
            Thread.sleep(20);
        }
        assertThat(h.join()).isTrue();
        assertThat(m.<Integer>withLock(v -> v)).isEqualTo(1);
    }

    @Test
    void toStringNamesTheMutexButNotTheValue() {
        assertThat(Mutex.named("a", "secret").toString()).isEqualTo("Mutex(a)[unlocked]");
        assertThat(new Mutex<>("secret").toString()).isEqualTo("Mutex[unlocked]");
        assertThat(Mutex.named("a", "secret").label()).isEqualTo("Mutex(a)");
    }
}
