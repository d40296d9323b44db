package dev.braid.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancellationSource;
import dev.braid.cancel.CancelledException;
import dev.braid.cancel.DeadlineExceededException;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The latch contract: counting, waking every waiter, timeouts, interrupts, ambient scopes. */
class LatchTest {
    @Test
    void opensAfterCountCountDownsAndWakesEveryWaiter() throws Exception {
        Latch latch = Latch.named("ready", 3);
        AtomicInteger through = new AtomicInteger();
        List<JoinHandle<Integer>> waiters = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            waiters.add(
                    Threads.spawn(
                            () -> {
                                latch.await();
                                return through.incrementAndGet();
                            }));
        }
        latch.countDown();
        latch.countDown();
        assertThat(latch.count()).isEqualTo(1);
        assertThat(latch.isOpen()).isFalse();
        assertThat(through).hasValue(0);
        latch.countDown();
        for (JoinHandle<Integer> w : waiters) {
            w.join();
        }
        assertThat(through).hasValue(4);
        assertThat(latch.isOpen()).isTrue();
        latch.countDown(); // no effect once open
        assertThat(latch.count()).isZero();
        assertThat(latch.await(Duration.ZERO)).isTrue();
        assertThat(latch.toString()).isEqualTo("Latch(ready)[open]");
    }

    @Test
    void aZeroLatchIsOpenAndANegativeCountIsRefused() throws Exception {
        assertThat(new Latch(0).isOpen()).isTrue();
        new Latch(0).await();
        assertThatThrownBy(() -> new Latch(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("count");
    }

    @Test
    void timedAwaitGivesUpAndLaterOpens() throws Exception {
        Latch latch = new Latch(1);
        long t0 = System.nanoTime();
        assertThat(latch.await(Duration.ofMillis(30))).isFalse();
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(30_000_000L);
        assertThat(latch.toString()).isEqualTo("Latch[count=1]");
        JoinHandle<Boolean> w = Threads.spawn(() -> latch.await(Duration.ofSeconds(30)));
        Threads.sleep(Duration.ofMillis(20));
        latch.countDown();
        assertThat(w.join()).isTrue();
    }

    @Test
    void awaitIsInterruptible() throws Exception {
        Latch latch = new Latch(1);
        JoinHandle<String> w =
                Threads.spawn(
                        () -> {
                            try {
                                latch.await();
                                return "opened";
                            } catch (InterruptedException e) {
                                return "interrupted";
                            }
                        });
        Threads.sleep(Duration.ofMillis(20));
        w.thread().interrupt();
        assertThat(w.join()).isEqualTo("interrupted");
        assertThat(latch.count()).isEqualTo(1);
    }

    @Test
    void awaitHonoursTheAmbientScope() {
        Latch latch = Latch.named("never", 1);
        assertThatThrownBy(
                        () ->
                                CancelScope.withTimeout(
                                        Duration.ofMillis(30),
                                        () -> {
                                            latch.await();
                                            return null;
                                        }))
                .isInstanceOf(DeadlineExceededException.class)
                .hasMessageContaining("await of Latch(never)[count=1")
                .hasMessageContaining("stopped after waiting");
        CancellationSource src = new CancellationSource();
        JoinHandle<Void> w =
                Threads.spawn(
                        () ->
                                CancelScope.withToken(
                                        src.token(),
                                        () -> {
                                            latch.await();
                                            return null;
                                        }));
        src.cancel("shutting down");
        assertThatThrownBy(w::join)
                .hasCauseInstanceOf(CancelledException.class)
                .hasRootCauseMessage("shutting down");
    }
}
