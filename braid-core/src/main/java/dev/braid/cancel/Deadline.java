package dev.braid.cancel;

import dev.braid.internal.rt.Rt;
import dev.braid.internal.util.Args;
import dev.braid.time.TimePoint;
import java.time.Duration;

/**
 * A point in time on braid's monotonic clock, after which a blocking operation gives up.
 *
 * <p>Deadlines are read from the runtime seam's clock: {@link System#nanoTime()} in production, the
 * virtual clock under the testkit. A deadline made in one world must not be used in the other.
 * Arithmetic saturates: {@code after(Duration.ofDays(1_000_000))} is a deadline about 73 years
 * away, never an overflow into the past. Instances are immutable values.
 */
public final class Deadline implements Comparable<Deadline>, TimePoint {
    /** Farthest a deadline can lie from the moment it is made; keeps differences overflow-free. */
    private static final long MAX_SPAN_NANOS = Long.MAX_VALUE / 4;

    private static final Deadline NEVER = new Deadline(0L, true);

    private final long nanos;
    private final boolean never;

    private Deadline(long nanos, boolean never) {
        this.nanos = nanos;
        this.never = never;
    }

    /**
     * A deadline {@code timeout} from now. A zero or negative timeout gives a deadline that has
     * already expired (operations bounded by it do not wait), as with {@code java.util.concurrent}.
     *
     * @param timeout the time from now
     * @return a deadline {@code timeout} from now
     * @throws NullPointerException if {@code timeout} is null
     */
    public static Deadline after(Duration timeout) {
        Args.notNull(timeout, "timeout");
        return new Deadline(Rt.nanoTime() + clamp(timeout), false);
    }

    /**
     * A deadline that never expires.
     *
     * @return a deadline that never expires
     */
    public static Deadline never() {
        return NEVER;
    }

    /**
     * Whether this deadline can expire at all.
     *
     * @return whether this deadline can expire at all
     */
    @Override
    public boolean isNever() {
        return never;
    }

    /**
     * Whether the deadline has passed.
     *
     * @return whether the deadline has passed
     */
    public boolean isExpired() {
        return !never && Rt.nanoTime() - nanos >= 0;
    }

    /**
     * Time left until the deadline; {@link Duration#ZERO} once expired.
     *
     * @return time left until the deadline; {@link Duration#ZERO} once expired
     */
    public Duration remaining() {
        return Duration.ofNanos(remainingNanos());
    }

    /**
     * Nanoseconds left until the deadline, at least 0; {@link Long#MAX_VALUE} for {@link #never()}.
     *
     * @return nanoseconds left until the deadline, at least 0; {@link Long#MAX_VALUE} for {@link
     *     #never()}
     */
    public long remainingNanos() {
        if (never) {
            return Long.MAX_VALUE;
        }
        long left = nanos - Rt.nanoTime();
        return Math.max(0L, left);
    }

    /**
     * The deadline as a value of the seam clock ({@code Rt.nanoTime()}), for timed parks. For
     * {@link #never()} a value about 73 years ahead of now.
     *
     * @return the deadline as a value of the seam clock ({@code Rt.nanoTime()}), for timed parks
     */
    @Override
    public long nanoTime() {
        return never ? Rt.nanoTime() + MAX_SPAN_NANOS : nanos;
    }

    /**
     * The earlier of this deadline and {@code other}.
     *
     * @param other the deadline to compare with
     * @return the earlier of this deadline and {@code other}
     */
    public Deadline min(Deadline other) {
        Args.notNull(other, "other");
        return compareTo(other) <= 0 ? this : other;
    }

    @Override
    public int compareTo(Deadline other) {
        Args.notNull(other, "other");
        if (never || other.never) {
            return Boolean.compare(never, other.never);
        }
        return Long.signum(nanos - other.nanos);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Deadline d && d.never == never && d.nanos == nanos;
    }

    @Override
    public int hashCode() {
        return never ? -1 : Long.hashCode(nanos);
    }

    @Override
    public String toString() {
        return never
                ? "Deadline[never]"
                : "Deadline[in " + Duration.ofNanos(nanos - Rt.nanoTime()) + "]";
    }

    private static long clamp(Duration d) {
        if (d.isNegative() || d.isZero()) {
            return 0L;
        }
        try {
            return Math.min(d.toNanos(), MAX_SPAN_NANOS);
        } catch (ArithmeticException overflow) {
            return MAX_SPAN_NANOS;
        }
    }
}
