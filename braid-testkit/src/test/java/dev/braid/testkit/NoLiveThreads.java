package dev.braid.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.testkit.internal.Engine;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The after-test check that no simulated thread outlives its run. A run whose verdict is in returns
 * once its threads have unwound or its teardown limit has passed; on an overloaded machine a thread
 * may still be unwinding then (once seen with four builds on two cores). A leaked thread never
 * ends, so the check waits a bounded while for the count to reach zero before failing.
 */
public final class NoLiveThreads {
    private static final long PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(30);

    private NoLiveThreads() {}

    /**
     * Fails unless every simulated thread of the runs so far has ended (within thirty seconds: a
     * hang guard).
     */
    public static void check() {
        long deadline = System.nanoTime() + PATIENCE_NANOS;
        while (Engine.liveThreads() != 0 && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        assertThat(Engine.liveThreads())
                .as("simulated threads still alive after the test")
                .isZero();
    }
}
