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
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * Issue 15 point 5: a wait stopped by its scope says what was waiting (operation and object), why
 * (the deadline or the token's reason) and how long it waited.
 */
@SuppressWarnings("try") // guards held for their scope only
class StopMessagesTest {
    @Test
    void aMutexLockStoppedByADeadlineNamesTheLockAndTheWait() throws Exception {
        Mutex<Integer> accounts = Mutex.named("accounts", 0);
        CountDownLatch locked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        JoinHandle<Void> holder =
                Threads.spawn(
                        () -> {
                            try (var g = accounts.lock()) {
                                locked.countDown();
                                release.await();
                            }
                            return null;
                        });
        locked.await();
        try {
            assertThatThrownBy(
                            () ->
                                    CancelScope.withTimeout(
                                            Duration.ofMillis(40),
                                            () -> {
                                                try (var g = accounts.lock()) {
                                                    return g.get();
                                                }
                                            }))
                    .isInstanceOf(DeadlineExceededException.class)
                    .hasMessageMatching(
                            "lock of Mutex\\(accounts\\).* stopped after waiting \\d+\\.\\d ms:"
                                    + " deadline exceeded \\(deadline passed \\d+\\.\\d ms ago\\)");
        } finally {
            release.countDown();
            holder.join();
        }
    }

    @Test
    void aCancelledJoinNamesTheThreadAndTheReason() throws Exception {
        CancellationSource src = new CancellationSource();
        CountDownLatch go = new CountDownLatch(1);
        JoinHandle<Void> slow =
                Threads.builder()
                        .name("slow-worker")
                        .spawn(
                                () -> {
                                    go.await();
                                    return null;
                                });
        JoinHandle<Throwable> joiner =
                Threads.spawn(
                        () -> {
                            try {
                                CancelScope.withToken(src.token(), slow::join);
                                return null;
                            } catch (CancelledException e) {
                                return e;
                            }
                        });
        Threads.sleep(Duration.ofMillis(20));
        src.cancel("user pressed stop");
        Throwable e = joiner.join();
        go.countDown();
        slow.join();
        assertThat(e)
                .isExactlyInstanceOf(CancelledException.class)
                .hasMessageContaining("join of JoinHandle[slow-worker]")
                .hasMessageContaining("stopped after waiting")
                .hasMessageEndingWith("cancelled: user pressed stop");
    }

    @Test
    void aSemaphoreAcquireStoppedByADeadlineSaysHowManyPermits() {
        Semaphore pool = Semaphore.named("db", 0, false);
        assertThatThrownBy(
                        () ->
                                CancelScope.withTimeout(
                                        Duration.ofMillis(20),
                                        () -> {
                                            pool.acquire(2).close();
                                            return null;
                                        }))
                .isInstanceOf(DeadlineExceededException.class)
                .hasMessageStartingWith("acquire(2) of Semaphore(db")
                .hasMessageContaining("deadline exceeded");
    }
}
