package dev.braid.sync;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The live counters behind {@link LockStats}. Only instrumented locks have one; the uncontended
 * path of an instrumented lock pays one {@link LongAdder} increment. Read holds are concurrent, so
 * the counters are atomic even where an exclusive lock would not need it.
 */
final class LockCounters {
    private final LongAdder acquisitions = new LongAdder();
    private final LongAdder contended = new LongAdder();
    private final LongAdder waitNanos = new LongAdder();
    private final AtomicLong maxWaitNanos = new AtomicLong();

    void acquired() {
        acquisitions.increment();
    }

    /** A contended wait of {@code nanos} ended, successfully or not. */
    void waited(long nanos, boolean acquired) {
        if (acquired) {
            contended.increment();
        }
        waitNanos.add(nanos);
        maxWaitNanos.accumulateAndGet(nanos, Math::max);
    }

    LockStats snapshot() {
        return new LockStats(
                acquisitions.sum(), contended.sum(), waitNanos.sum(), maxWaitNanos.get());
    }
}
