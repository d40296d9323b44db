package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * probe17: a thread that holds an {@link AsyncMutex} (taken with {@code Async.await(m.lock())} or
 * {@code tryLock()}) and awaits another lock of it would wait for itself for ever. A task doing so
 * panics (ADR 0065) and braid's blocking {@code Mutex} refuses a re-entrant lock; before, the
 * thread hung (these tests hit their time limit). Now the await throws {@link
 * IllegalStateException} naming the thread and the mutex, and the mutex is unchanged: still held,
 * nobody queued.
 */
class AsyncMutexThreadReentryTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    @Test
    void aThreadAwaitingALockItHoldsFailsFastNamingItselfAndTheMutex() {
        AsyncMutex m = new AsyncMutex("cache");
        assertTimeoutPreemptively(
                LIMIT,
                () -> {
                    String me = Thread.currentThread().getName();
                    try (AsyncMutex.Guard g = Async.await(m.lock())) {
                        assertThat(g.mutex()).isSameAs(m);
                        assertThat(m)
                                .hasToString("AsyncMutex[cache, locked by thread '" + me + "']");
                        assertThatThrownBy(() -> Async.await(m.lock()))
                                .isInstanceOf(IllegalStateException.class)
                                .hasMessageContaining(
                                        "thread '" + me + "' already holds AsyncMutex[cache]")
                                .hasMessageContaining("not reentrant");
                        assertThat(m)
                                .hasToString("AsyncMutex[cache, locked by thread '" + me + "']");
                    }
                });
        assertThat(m).hasToString("AsyncMutex[cache, unlocked]");
    }

    @Test
    void aVirtualThreadThatTookTheLockWithTryLockFailsFastToo() throws Exception {
        AsyncMutex m = new AsyncMutex("v");
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t =
                Thread.ofVirtual()
                        .name("holder")
                        .start(
                                () -> {
                                    AsyncMutex.Guard g = m.tryLock().orElseThrow();
                                    try {
                                        Async.await(m.lock());
                                    } catch (Throwable e) {
                                        failure.set(e);
                                    } finally {
                                        g.close();
                                    }
                                });
        assertThat(t.join(LIMIT)).isTrue();
        assertThat(failure.get())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("thread 'holder' already holds AsyncMutex[v]");
        assertThat(m.isLocked()).isFalse();
    }

    /** Another thread is no re-entry: it waits, and gets the lock when the holder closes. */
    @Test
    void anotherThreadStillWaitsForTheHolder() throws Exception {
        AsyncMutex m = new AsyncMutex("w");
        AsyncMutex.Guard held = m.tryLock().orElseThrow();
        AtomicReference<String> got = new AtomicReference<>();
        Thread t =
                Thread.ofVirtual()
                        .start(
                                () -> {
                                    try (AsyncMutex.Guard g = Async.await(m.lock())) {
                                        got.set(g.mutex().toString());
                                    } catch (InterruptedException e) {
                                        got.set("interrupted");
                                    }
                                });
        while (m.waiters() == 0 && t.isAlive()) {
            Thread.onSpinWait(); // the waiter queues: then the holder closes
        }
        held.close();
        assertThat(t.join(LIMIT)).isTrue();
        assertThat(got.get()).startsWith("AsyncMutex[w, locked by thread '");
        assertThat(m.isLocked()).isFalse();
    }
}
