package dev.braid.thread;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.cancel.Deadline;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JoinHandleTest {
    private PanicHook previous;

    @BeforeEach
    void quietPanics() {
        previous = Panics.setHook((t, e) -> {});
    }

    @AfterEach
    void restore() {
        Panics.setHook(previous);
    }

    private static ThreadBuilder builder(boolean virtual) {
        return virtual ? Threads.builder().virtual() : Threads.builder().platform();
    }

    @ParameterizedTest(name = "virtual={0}")
    @ValueSource(booleans = {false, true})
    void joinReturnsTheBodysValue(boolean virtual) throws Exception {
        JoinHandle<Integer> h = builder(virtual).spawn(() -> 6 * 7);
        assertThat(h.join()).isEqualTo(42);
        assertThat(h.join()).as("a handle can be joined again").isEqualTo(42);
        assertThat(h.isFinished()).isTrue();
        assertThat(h.thread().isVirtual()).isEqualTo(virtual);
    }

    @Test
    void runnableBodyJoinsToNull() throws Exception {
        int[] ran = new int[1];
        JoinHandle<Void> h =
                Threads.spawn(
                        () -> {
                            ran[0]++;
                        });
        assertThat(h.join()).isNull();
        assertThat(ran[0]).as("write before the end is visible after join").isEqualTo(1);
    }

    @ParameterizedTest(name = "virtual={0}")
    @ValueSource(booleans = {false, true})
    void panicIsRethrownWithOriginalPreservedAndThreadNamed(boolean virtual) {
        IOException original = new IOException("disk on fire");
        JoinHandle<Object> h =
                builder(virtual)
                        .name("worker-7")
                        .spawn(
                                () -> {
                                    throw original;
                                });
        assertThatThrownBy(h::join)
                .isInstanceOf(PanicException.class)
                .hasMessageContaining("worker-7")
                .hasMessageContaining("disk on fire")
                .cause()
                .isSameAs(original);
        assertThat(original.getStackTrace()).as("stack intact").isNotEmpty();
        assertThat(original.getStackTrace()[0].getMethodName())
                .isEqualTo("panicIsRethrownWithOriginalPreservedAndThreadNamed");
        PanicException pe = catchPanic(h);
        assertThat(pe.threadName()).isEqualTo("worker-7");
    }

    private static PanicException catchPanic(JoinHandle<?> h) {
        try {
            h.join();
        } catch (PanicException e) {
            return e;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected a panic");
    }

    @Test
    void errorsArePanicsToo() {
        JoinHandle<Object> h =
                Threads.spawn(
                        () -> {
                            throw new StackOverflowError("deep");
                        });
        assertThatThrownBy(h::join)
                .isInstanceOf(PanicException.class)
                .hasCauseInstanceOf(StackOverflowError.class);
    }

    @ParameterizedTest(name = "virtual={0}")
    @ValueSource(booleans = {false, true})
    void timedJoinTimesOutThenFinishes(boolean virtual) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        JoinHandle<String> h =
                builder(virtual)
                        .spawn(
                                () -> {
                                    release.await();
                                    return "done";
                                });
        JoinOutcome<String> first = h.join(Duration.ofMillis(20));
        assertThat(first.isFinished()).isFalse();
        assertThat(first).isInstanceOf(JoinOutcome.TimedOut.class);
        assertThatThrownBy(first::value).isInstanceOf(java.util.NoSuchElementException.class);
        assertThat(h.join(Deadline.after(Duration.ZERO)).isFinished()).isFalse();
        assertThat(h.isFinished()).isFalse();
        release.countDown();
        JoinOutcome<String> second = h.join(Deadline.after(Duration.ofSeconds(30)));
        assertThat(second.isFinished()).isTrue();
        assertThat(second.value()).isEqualTo("done");
    }

    @Test
    void manyTimedOutJoinsDoNotAccumulateWaiters() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        JoinHandle<Integer> h =
                Threads.spawn(
                        () -> {
                            release.await();
                            return 1;
                        });
        for (int i = 0; i < 2_000; i++) {
            assertThat(h.join(Duration.ZERO).isFinished()).isFalse();
        }
        release.countDown();
        assertThat(h.join()).isEqualTo(1);
    }

    @Test
    void manyJoinersAllSeeTheResult() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        JoinHandle<String> target =
                Threads.spawn(
                        () -> {
                            release.await();
                            return "x";
                        });
        var joiners = new java.util.ArrayList<JoinHandle<String>>();
        for (int i = 0; i < 8; i++) {
            joiners.add(Threads.builder().virtual().spawn(() -> target.join()));
        }
        Thread.sleep(20);
        release.countDown();
        for (JoinHandle<String> j : joiners) {
            assertThat(j.join()).isEqualTo("x");
        }
    }

    @Test
    void joinIsInterruptible() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        JoinHandle<Integer> target =
                Threads.spawn(
                        () -> {
                            release.await();
                            return 1;
                        });
        AtomicReference<Throwable> seen = new AtomicReference<>();
        JoinHandle<Void> joiner =
                Threads.spawn(
                        () -> {
                            try {
                                target.join();
                            } catch (InterruptedException e) {
                                seen.set(e);
                            }
                        });
        Thread.sleep(20);
        joiner.thread().interrupt();
        joiner.join();
        assertThat(seen.get()).isInstanceOf(InterruptedException.class);
        release.countDown();
        assertThat(target.join()).isEqualTo(1);
    }

    @Test
    void aThreadCannotJoinItself() throws Exception {
        AtomicReference<JoinHandle<Object>> self = new AtomicReference<>();
        CountDownLatch ready = new CountDownLatch(1);
        JoinHandle<Object> h =
                Threads.spawn(
                        () -> {
                            ready.await();
                            return self.get().join();
                        });
        self.set(h);
        ready.countDown();
        assertThatThrownBy(h::join)
                .isInstanceOf(PanicException.class)
                .hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void builderSettingsReachTheThread() throws Exception {
        JoinHandle<Thread> h =
                Threads.builder()
                        .name("custom")
                        .daemon(true)
                        .stackSize(1 << 20)
                        .spawn(Thread::currentThread);
        Thread t = h.join();
        assertThat(t.getName()).isEqualTo("custom");
        assertThat(t.isDaemon()).isTrue();
        assertThat(t.isVirtual()).isFalse();
        assertThat(h.name()).isEqualTo("custom");
        assertThat(Threads.spawn(() -> 1).name()).startsWith("braid-");
    }

    @Test
    void sleepWaitsAtLeastTheDuration() throws Exception {
        long start = System.nanoTime();
        Threads.sleep(Duration.ofMillis(30));
        assertThat(System.nanoTime() - start)
                .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(30));
        Threads.sleepUntil(Deadline.after(Duration.ofMillis(-5)));
    }
}
