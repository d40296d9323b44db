package dev.braid.time;

/**
 * A point on braid's monotonic clock (the runtime seam's {@code nanoTime}: the JDK's in production,
 * the virtual clock under the testkit). {@link dev.braid.cancel.Deadline} is the one to use; this
 * interface lets the timer wheel, which lies below cancellation, accept it.
 */
public interface TimePoint {
    /**
     * The point as a value of the seam clock.
     *
     * @return nanoseconds on the seam clock's scale
     */
    long nanoTime();

    /**
     * Whether the point never comes.
     *
     * @return {@code true} for a point that never comes
     */
    boolean isNever();
}
