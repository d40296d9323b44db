package dev.braid.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Issue 15 point 6: the count-less acquire(), tryAcquire() and tryAcquire(Duration). */
@SuppressWarnings("try") // guards held for their scope only
class SemaphoreSingleTest {
    @Test
    void countLessMethodsTakeOnePermit() throws Exception {
        Semaphore s = new Semaphore(2);
        try (Permits a = s.acquire()) {
            assertThat(s.availablePermits()).isEqualTo(1);
            Optional<Permits> b = s.tryAcquire();
            assertThat(b).isPresent();
            assertThat(s.availablePermits()).isZero();
            assertThat(s.tryAcquire()).isEmpty();
            assertThat(s.tryAcquire(Duration.ofMillis(10))).isEmpty();
            b.get().close();
            assertThat(s.tryAcquire(Duration.ofMillis(10))).hasValueSatisfying(Permits::close);
        }
        assertThat(s.availablePermits()).isEqualTo(2);
    }

    @Test
    void acquireWaitsForARelease() throws Exception {
        Semaphore s = new Semaphore(0);
        JoinHandle<Integer> w =
                Threads.spawn(
                        () -> {
                            try (Permits p = s.acquire()) {
                                return 1;
                            }
                        });
        Threads.sleep(Duration.ofMillis(20));
        assertThat(w.isFinished()).isFalse();
        s.release(1);
        assertThat(w.join()).isEqualTo(1);
        assertThat(s.availablePermits()).isEqualTo(1);
    }
}
