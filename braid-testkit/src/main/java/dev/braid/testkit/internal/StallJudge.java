package dev.braid.testkit.internal;

import java.util.concurrent.TimeUnit;

/**
 * Decides from periodic samples whether a run's baton holder has stopped reaching yield points (ADR
 * 0177): the watchdog's rule, for the controller of a run (Engine) and for the shared watchdog of
 * inline runs (Watchdog) alike.
 */
final class StallJudge {
    /*
     * Implementation notes (ADR 0177)
     *
     * Why. The watchdog used to compare wall time with its limit once: no step for the watchdog's
     * time and the holder not RUNNABLE at that one look (or no step for ten times that) and the
     * run was reported. On a loaded machine (CI: two cores and other builds) a pause of the whole
     * JVM, or of the sampler, passes wall time in which nobody ran, and one look can catch a
     * holder that had been computing at the moment it waits on some JDK lock for a few µs. Either
     * failed a correct test with "stopped reaching braid yield points".
     *
     * Rule. Time is counted in samples, not read off the clock: each sample credits the time
     * since the previous one, but at most CREDIT_FACTOR times the interval the sampler asked for
     * (plus a little). A sampler that comes back late was itself not running, and neither,
     * likely, was the holder: that time does not count. Then
     *   - blocked: the holder was seen not RUNNABLE at every sample of a streak worth the
     *     watchdog's time, at least MIN_SAMPLES samples long; one RUNNABLE sample ends the streak
     *     (Scheduler.watchdog then looks at the state once more before it reports);
     *   - runaway: no step for RUNNABLE_GRACE watchdog times, whatever the state, and at least
     *     MIN_SAMPLES samples (a watchdog shorter than the sampler's interval gets three looks).
     * A step ends both. A real block (Thread.sleep, a lock a simulated thread holds, I/O) is
     * still seen blocked at every sample and reported after the watchdog's time of samples; a
     * real spin, RUNNABLE throughout, after ten. On a machine that starves the sampler the report
     * comes later, never falsely.
     *
     * Not CPU time. ThreadMXBean has no CPU time for a virtual thread (the JDK answers -1), and a
     * simulated thread is one; its carrier's CPU time would also count other runs' work.
     *
     * Clock. The same credited time serves the teardown waits after a verdict (Engine's
     * controller, and Watchdog's rescue of an inline run): a starved controller is not taken for a
     * held one.
     */

    /** How many watchdog times a holder may go without a step whatever its state. */
    static final int RUNNABLE_GRACE = 10;

    /** The fewest samples in a row that must see the holder stuck before a report. */
    static final int MIN_SAMPLES = 3;

    /** A sample interval counts for at most this many times the interval asked for. */
    static final int CREDIT_FACTOR = 2;

    /** What a sample found. */
    enum Verdict {
        /** The holder made progress, or may still. */
        NONE,
        /** The holder has been blocked outside braid for the watchdog's time of samples. */
        BLOCKED_OUTSIDE,
        /** The holder has reached no yield point for {@link #RUNNABLE_GRACE} watchdog times. */
        RUNAWAY
    }

    /** Time as credited by samples: late samples count as on time (see the notes: Rule). */
    static final class Clock {
        private final long creditNanos;
        private long last;
        private long elapsed;

        /**
         * @param intervalNanos how long the sampler means to wait between samples
         * @param now the time of the first sample
         */
        Clock(long intervalNanos, long now) {
            this.creditNanos =
                    Math.max(
                            CREDIT_FACTOR * intervalNanos,
                            intervalNanos + TimeUnit.MILLISECONDS.toNanos(5));
            this.last = now;
        }

        /** Credits the time since the previous sample; returns what it credited. */
        long sample(long t) {
            long credit = Math.clamp(t - last, 0, creditNanos);
            last = t;
            elapsed += credit;
            return credit;
        }

        /** The credited time since this clock was made. */
        long elapsed() {
            return elapsed;
        }
    }

    private final long watchNanos;
    private final Clock clock;
    private long seenSteps = -1;
    private long stalled; // credited time without a step
    private int stalledSamples;
    private long blocked; // credited time of the current blocked streak
    private int blockedSamples;

    /**
     * @param watchNanos the watchdog's time
     * @param intervalNanos how long the sampler means to wait between samples
     * @param now the time of the run's start
     */
    StallJudge(long watchNanos, long intervalNanos, long now) {
        this.watchNanos = watchNanos;
        this.clock = new Clock(intervalNanos, now);
    }

    /**
     * One sample.
     *
     * @param t the time now
     * @param steps the run's step count now
     * @param holder the JVM state of the baton holder's thread, or null if no thread holds it
     * @return whether to report the run now, and as what
     */
    Verdict sample(long t, long steps, Thread.State holder) {
        long credit = clock.sample(t);
        if (steps != seenSteps) {
            seenSteps = steps;
            stalled = 0;
            stalledSamples = 0;
            endStreak();
            return Verdict.NONE;
        }
        stalled += credit;
        stalledSamples++;
        if (holder == null || holder == Thread.State.RUNNABLE) {
            endStreak();
        } else if (blockedSamples++ > 0) { // the first sample of a streak starts it: no credit
            blocked += credit;
        }
        if (blocked >= watchNanos && blockedSamples >= MIN_SAMPLES) {
            return Verdict.BLOCKED_OUTSIDE;
        }
        if (stalled >= RUNNABLE_GRACE * watchNanos && stalledSamples >= MIN_SAMPLES) {
            return Verdict.RUNAWAY;
        }
        return Verdict.NONE;
    }

    private void endStreak() {
        blocked = 0;
        blockedSamples = 0;
    }
}
