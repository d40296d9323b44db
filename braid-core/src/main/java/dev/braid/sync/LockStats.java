package dev.braid.sync;

import java.time.Duration;

/**
 * A snapshot of an instrumented lock's contention statistics (see {@link
 * Mutex.Builder#instrumented} and {@link RwLock.Builder#instrumented}). Counters are cumulative
 * since the lock was made; a snapshot is not atomic across its fields (each is read separately
 * while the lock runs).
 */
public final class LockStats {
    private final long acquisitions;
    private final long contended;
    private final long waitNanos;
    private final long maxWaitNanos;

    LockStats(long acquisitions, long contended, long waitNanos, long maxWaitNanos) {
        this.acquisitions = acquisitions;
        this.contended = contended;
        this.waitNanos = waitNanos;
        this.maxWaitNanos = maxWaitNanos;
    }

    /**
     * Successful acquisitions (read holds of an RwLock included).
     *
     * @return successful acquisitions (read holds of an RwLock included)
     */
    public long acquisitions() {
        return acquisitions;
    }

    /**
     * Successful acquisitions that could not take the lock at once and had to spin or park.
     *
     * @return successful acquisitions that could not take the lock at once and had to spin or park
     */
    public long contendedAcquisitions() {
        return contended;
    }

    /**
     * Total time spent waiting in contended acquisitions (successful or not).
     *
     * @return total time spent waiting in contended acquisitions (successful or not)
     */
    public Duration totalWait() {
        return Duration.ofNanos(waitNanos);
    }

    /**
     * The longest single contended wait.
     *
     * @return the longest single contended wait
     */
    public Duration maxWait() {
        return Duration.ofNanos(maxWaitNanos);
    }

    @Override
    public String toString() {
        return "LockStats[acquisitions="
                + acquisitions
                + ", contended="
                + contended
                + ", totalWait="
                + totalWait()
                + ", maxWait="
                + maxWait()
                + "]";
    }
}
