package dev.braid.examples.guides;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancellationRegistration;
import dev.braid.cancel.CancellationSource;
import dev.braid.cancel.CancellationToken;
import dev.braid.cancel.CancelledException;
import dev.braid.cancel.Deadline;
import dev.braid.cancel.DeadlineExceededException;
import dev.braid.channel.Channel;
import dev.braid.sync.Latch;
import dev.braid.sync.Mutex;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import dev.braid.time.Timeout;
import dev.braid.time.TimerWheel;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The examples of {@code docs/cancellation.md}, compiled and run, including the parking pattern the
 * guide gives authors of their own blocking primitives.
 */
class CancellationGuideTest {
    @Test
    void tokens() {
        AtomicInteger aborted = new AtomicInteger();
        // --- docs/cancellation.md, "Tokens"
        var source = new CancellationSource();
        CancellationToken token = source.token();
        try (var _ = token.onCancel(() -> aborted.incrementAndGet())) {
            assertThat(token.isCancelled()).isFalse(); // stands for connection.query(...)
        }
        source.cancel(new IOException("client went away"));
        // ---
        assertThat(aborted).hasValue(0); // deregistered before the cancel
        assertThat(token.cause()).get().isInstanceOf(IOException.class);
        assertThatThrownBy(token::throwIfCancelled)
                .isInstanceOf(CancelledException.class)
                .hasCauseInstanceOf(IOException.class);
    }

    @Test
    void linkedSources() {
        var shutdown = new CancellationSource();
        var request = new CancellationSource();
        // --- docs/cancellation.md, "Linked tokens and deadlines"
        try (var perCall = CancellationSource.linkedTo(request.token(), shutdown.token())) {
            perCall.cancelAfter(Duration.ofMillis(300));
            assertThat(perCall.token().deadline().isNever()).isFalse();
            shutdown.cancel("shutting down");
            assertThat(perCall.isCancelled()).isTrue();
        }
        // ---
        assertThat(request.isCancelled()).isFalse(); // close() detaches, it does not cancel
    }

    @Test
    void ambientScopes() throws Exception {
        Mutex<String> cache = new Mutex<>("cached");
        JoinHandle<String> fetcher = Threads.spawn(() -> "fetched");
        fetcher.join(); // ended before the snippet's 2 s deadline starts: a slow machine cannot
        // miss it
        // --- docs/cancellation.md, "Ambient scopes"
        String page =
                CancelScope.withTimeout(
                        Duration.ofSeconds(2),
                        () -> {
                            try (var g = cache.lock()) {
                                assertThat(g.get()).isEqualTo("cached");
                            }
                            return fetcher.join();
                        });
        // ---
        assertThat(page).isEqualTo("fetched");
    }

    @Test
    void aChildEntersTheRequestScope() throws Exception {
        var source = new CancellationSource();
        JoinHandle<String> child =
                CancelScope.withToken(
                        source.token(),
                        () -> {
                            // --- docs/cancellation.md, carrying a scope to another thread
                            CancelScope request = CancelScope.current();
                            return Threads.spawn(() -> request.enter(() -> fetch()));
                            // ---
                        });
        source.cancel("request abandoned");
        assertThat(child.join()).isEqualTo("stopped: CancelledException");
    }

    private static String fetch() throws InterruptedException {
        try {
            Threads.sleep(Duration.ofSeconds(30)); // stops when the request scope is cancelled
            return "slept";
        } catch (CancelledException e) {
            return "stopped: " + e.getClass().getSimpleName();
        }
    }

    /** A hand-made primitive: a one-shot flag whose waiters park with LockSupport. */
    static final class Flag {
        private final AtomicBoolean set = new AtomicBoolean();
        private volatile Thread waiter;

        void set() {
            set.set(true);
            Thread w = waiter;
            if (w != null) {
                LockSupport.unpark(w);
            }
        }

        private boolean ready() {
            return set.get();
        }

        // --- docs/cancellation.md, the pattern for authors of blocking primitives
        boolean awaitReady(Deadline deadline) throws InterruptedException {
            waiter = Thread.currentThread();
            CancelScope scope = CancelScope.current();
            try (CancellationRegistration _ = scope.wakeOnCancel(Thread.currentThread())) {
                Deadline bound = deadline.min(scope.deadline());
                while (!ready()) {
                    if (Thread.interrupted()) throw new InterruptedException();
                    scope.check();
                    if (deadline.isExpired()) return false;
                    LockSupport.parkNanos(this, bound.remainingNanos());
                }
                return true;
            }
        }
        // ---
    }

    @Test
    void theParkingPatternHonoursTheScope() throws Exception {
        Flag flag = new Flag();
        assertThat(flag.awaitReady(Deadline.after(Duration.ofMillis(20)))).isFalse(); // own timeout

        var source = new CancellationSource();
        JoinHandle<String> waiter =
                Threads.spawn(
                        () ->
                                CancelScope.withToken(
                                        source.token(),
                                        () -> {
                                            try {
                                                flag.awaitReady(Deadline.never());
                                                return "ready";
                                            } catch (CancelledException e) {
                                                return "cancelled";
                                            }
                                        }));
        Threads.sleep(Duration.ofMillis(20));
        source.cancel("stop");
        assertThat(waiter.join()).isEqualTo("cancelled"); // woken by the cancel, not a timeout

        assertThatThrownBy(
                        () ->
                                CancelScope.withTimeout(
                                        Duration.ofMillis(20),
                                        () -> flag.awaitReady(Deadline.never())))
                .isInstanceOf(DeadlineExceededException.class);

        JoinHandle<Boolean> ok = Threads.spawn(() -> flag.awaitReady(Deadline.never()));
        flag.set();
        assertThat(ok.join()).isTrue();
    }

    /**
     * docs/cancellation.md, "What the exception says": the three sample messages, as patterns (the
     * times and the holder's thread id vary).
     */
    @Test
    void whatTheExceptionSays() throws Exception {
        String waited = "stopped after waiting \\d+\\.\\d ms: ";
        String late = "deadline exceeded \\(deadline passed \\d+\\.\\d ms ago\\)";

        Mutex<Integer> accounts = Mutex.named("accounts", 0);
        Latch locked = new Latch(1);
        Latch release = new Latch(1);
        JoinHandle<Integer> holder =
                Threads.builder()
                        .name("worker-1")
                        .spawn(
                                () -> {
                                    try (var _ = accounts.lock()) {
                                        locked.countDown();
                                        release.await();
                                    }
                                    return 1;
                                });
        locked.await();
        assertThatThrownBy(
                        () ->
                                CancelScope.withTimeout(
                                        Duration.ofMillis(1), () -> accounts.withLock(v -> v)))
                .isInstanceOf(DeadlineExceededException.class)
                .message()
                .matches(
                        "lock of Mutex\\(accounts\\)\\[locked by \"worker-1\" \\(#\\d+\\)"
                                + "(, threads queued)?\\] "
                                + waited
                                + late);
        release.countDown();
        assertThat(holder.join()).isEqualTo(1);

        var stop = new CancellationSource();
        stop.cancel("user pressed stop");
        Latch never = new Latch(1);
        JoinHandle<Integer> slow =
                Threads.builder()
                        .name("slow-worker")
                        .spawn(
                                () -> {
                                    never.await();
                                    return 2;
                                });
        assertThatThrownBy(() -> CancelScope.withToken(stop.token(), () -> slow.join()))
                .isInstanceOf(CancelledException.class)
                .message()
                .matches(
                        "join of JoinHandle\\[slow-worker\\] "
                                + waited
                                + "cancelled: user pressed stop");
        never.countDown();
        assertThat(slow.join()).isEqualTo(2);

        Channel<Integer> replies = Channel.<Integer>builder().name("replies").bounded(1).build();
        assertThatThrownBy(
                        () -> CancelScope.withTimeout(Duration.ofMillis(1), () -> replies.recv()))
                .isInstanceOf(DeadlineExceededException.class)
                .message()
                .matches("receive of channel 'replies' " + waited + late);
    }

    @Test
    void timers() {
        // --- docs/cancellation.md, "Timer wheel"
        Timeout t = TimerWheel.shared().schedule(Duration.ofSeconds(5), () -> {});
        t.cancel();
        // ---
        assertThat(t.isCancelled()).isTrue();
    }
}
