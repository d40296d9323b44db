package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancellationSource;
import dev.braid.cancel.Deadline;
import dev.braid.thread.ScopePolicy;
import dev.braid.time.TimerWheel;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Timers over time (the audit of 2026-12-04): a timeout, sleep, deadline or delayed cancel that is
 * armed and then made moot — the guarded work finished first, the sleeping task was cancelled, the
 * source was cancelled or closed — leaves no timer on the shared wheel, however often it happens.
 * An hour-long timer left behind per call would fill the wheel's million slots in a day of a busy
 * service. Probe: {@link TimerWheel#pending()} of the shared wheel against its value before the
 * loop (timers of other tests may only fire meanwhile).
 */
class TimerLeakAuditTest {
    private static final Duration HOUR = Duration.ofHours(1);
    private static final int N = 1_000;

    private static void assertNoNewTimers(int before, String what) {
        assertThat(TimerWheel.shared().pending()).as(what).isLessThanOrEqualTo(before);
    }

    @Test
    void mootAsyncTimersAreCancelled() {
        assertTimeoutPreemptively(
                Duration.ofSeconds(60),
                () -> {
                    try (LocalExecutor ex = LocalExecutor.create("timer-audit")) {
                        int before = TimerWheel.shared().pending();
                        for (int i = 0; i < N; i++) {
                            ex.blockOn(Async.yieldNow().timeout(HOUR)); // armed at the 1st poll
                        }
                        assertNoNewTimers(before, "timeout");
                        for (int i = 0; i < N; i++) {
                            ex.blockOn(
                                    Async.race(
                                            List.of(
                                                    Async.yieldNow().map(v -> 1),
                                                    Async.sleep(HOUR).map(v -> 2))));
                        }
                        assertNoNewTimers(before, "a sleep that lost a race");
                        CancellationSource src = new CancellationSource();
                        for (int i = 0; i < N; i++) {
                            ex.blockOn(
                                    Async.yieldNow()
                                            .cancelAfter(Deadline.after(HOUR), src.token()));
                        }
                        assertNoNewTimers(before, "cancelAfter");
                        for (int i = 0; i < 1_000; i++) {
                            try (TaskScope s =
                                    TaskScope.open(
                                            ex, ScopePolicy.FAIL_FAST, Deadline.after(HOUR))) {
                                s.spawn(Async.yieldNow());
                                s.join();
                            }
                        }
                        assertNoNewTimers(before, "a task scope's deadline");
                        for (int i = 0; i < 1_000; i++) {
                            TaskHandle<Void> h = ex.spawn(Async.sleep(HOUR));
                            ex.runUntilStalled();
                            h.cancel();
                            ex.runUntilStalled();
                        }
                        assertNoNewTimers(before, "a cancelled sleeping task");
                    }
                });
    }

    @Test
    void mootCancellationTimersAreCancelled() {
        int before = TimerWheel.shared().pending();
        for (int i = 0; i < N; i++) {
            CancelScope.withTimeout(HOUR, () -> 1);
        }
        assertNoNewTimers(before, "CancelScope.withTimeout");
        for (int i = 0; i < N; i++) {
            CancellationSource.withTimeout(HOUR).close();
        }
        assertNoNewTimers(before, "CancellationSource.withTimeout then close");
        for (int i = 0; i < N; i++) {
            CancellationSource s = new CancellationSource();
            s.cancelAfter(HOUR);
            s.cancel();
        }
        assertNoNewTimers(before, "cancelAfter then cancel");
        CancellationSource kept = new CancellationSource();
        kept.cancelAfter(HOUR);
        assertThat(TimerWheel.shared().pending())
                .as("the probe sees a live timer")
                .isGreaterThan(0);
        kept.cancel();
    }
}
