package dev.braid.rc;

import dev.braid.internal.util.Args;
import java.lang.ref.Cleaner;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Finds {@link Arc} shares that become unreachable without being released, and reports each with
 * the stack where the share was created, as Netty's {@code ResourceLeakDetector} does for its
 * reference-counted buffers.
 *
 * <p><b>Levels.</b> {@link Level#DISABLED} tracks nothing. {@link Level#SAMPLED} (the default)
 * tracks one share in {@link #samplingInterval()} (default 128): cheap enough for production, and a
 * steady leak is still found. {@link Level#PARANOID} tracks every share (tests). Tracking a share
 * costs a stack capture and a {@link Cleaner} registration at creation and a deregistration at
 * release; an untracked share costs one counter increment. Set the level at startup with the system
 * properties {@code braid.leakDetection.level} ({@code disabled}, {@code sampled}, {@code
 * paranoid}) and {@code braid.leakDetection.samplingInterval}, or at run time with {@link
 * #setLevel}; a change applies to shares created afterwards.
 *
 * <p><b>Reports</b> go to the {@linkplain #setReporter reporter}; the default logs a warning
 * through {@link System.Logger} ({@code dev.braid.rc.LeakDetector}). Reports are delivered on a JDK
 * cleaner thread, at a time chosen by the garbage collector: a reporter must be thread-safe, quick,
 * and must not use braid primitives that a testkit simulation controls (that thread is outside
 * every simulation). A reporter that throws is ignored. A leaked share is only reported: its
 * resource is not closed for you, because closing would run the resource's code on the cleaner
 * thread.
 *
 * <p>{@link Rc} is not tracked: it is confined to one thread, whose scope usually bounds its life.
 */
public final class LeakDetector {
    /*
     * Implementation notes
     *
     * Each tracked share owns a Tracker: the Cleaner action, which holds the resource type and
     * the creation stack but never the share (a reference back would keep it reachable forever).
     * Release marks the tracker released, then cleans it, which deregisters it from the Cleaner
     * and runs the action on the releasing thread, where it sees `released` and does nothing.
     * When the GC finds the share phantom-reachable first, the cleaner thread runs the action,
     * which sees `released == false` and reports. Sampling is a counter, not a random draw: no
     * seam randomness is consumed, so leak detection never perturbs a testkit schedule.
     */

    /** How many shares are tracked. */
    public enum Level {
        /** None. */
        DISABLED,
        /** One in {@link #samplingInterval()}. */
        SAMPLED,
        /** Every share. */
        PARANOID
    }

    private static final System.Logger LOG = System.getLogger(LeakDetector.class.getName());
    private static final Consumer<LeakReport> DEFAULT_REPORTER =
            r -> LOG.log(System.Logger.Level.WARNING, r.message());
    private static final AtomicLong COUNTER = new AtomicLong();

    private static volatile Level level =
            parseLevel(System.getProperty("braid.leakDetection.level", "sampled"));
    private static volatile int samplingInterval =
            parseInterval(System.getProperty("braid.leakDetection.samplingInterval", "128"));
    private static volatile Consumer<LeakReport> reporter = DEFAULT_REPORTER;

    private LeakDetector() {}

    /**
     * The current level.
     *
     * @return the current level
     */
    public static Level level() {
        return level;
    }

    /**
     * Sets the level for shares created from now on, and returns the previous one.
     *
     * @param level the new level
     * @return the previous one
     * @throws NullPointerException if {@code level} is null
     */
    public static Level setLevel(Level level) {
        Args.notNull(level, "level");
        Level old = LeakDetector.level;
        LeakDetector.level = level;
        return old;
    }

    /**
     * In {@link Level#SAMPLED}, one share in this many is tracked.
     *
     * @return the sampling interval: in {@link Level#SAMPLED}, one share in this many is tracked
     */
    public static int samplingInterval() {
        return samplingInterval;
    }

    /**
     * Sets the sampling interval and returns the previous one.
     *
     * @param interval track one share in this many (at least 1)
     * @return the previous one
     * @throws IllegalArgumentException if {@code interval} is less than 1
     */
    public static int setSamplingInterval(int interval) {
        if (interval < 1) {
            throw new IllegalArgumentException("interval must be >= 1, was " + interval);
        }
        int old = samplingInterval;
        samplingInterval = interval;
        return old;
    }

    /**
     * Replaces the reporter and returns the previous one.
     *
     * @param reporter receives every leak report
     * @return the previous one
     * @throws NullPointerException if {@code reporter} is null
     */
    public static Consumer<LeakReport> setReporter(Consumer<LeakReport> reporter) {
        Args.notNull(reporter, "reporter");
        Consumer<LeakReport> old = LeakDetector.reporter;
        LeakDetector.reporter = reporter;
        return old;
    }

    /**
     * The reporter that logs through {@link System.Logger}.
     *
     * @return the reporter that logs through {@link System.Logger}
     */
    public static Consumer<LeakReport> defaultReporter() {
        return DEFAULT_REPORTER;
    }

    // ---- for Arc ----

    /** Starts tracking {@code share} if the level says so; returns the tracker or null. */
    static Tracker track(Object share, String resourceType) {
        Level l = level;
        if (l == Level.DISABLED
                || l == Level.SAMPLED && COUNTER.getAndIncrement() % samplingInterval != 0) {
            return null;
        }
        Tracker t = new Tracker(resourceType, new Throwable("Arc share created here"));
        t.cleanable = Holder.CLEANER.register(share, t);
        return t;
    }

    /** The cleaner's action for one tracked share; references only what a report needs. */
    static final class Tracker implements Runnable {
        private final String resourceType;
        private final Throwable createdAt;
        private volatile boolean released;
        private Cleaner.Cleanable cleanable;

        private Tracker(String resourceType, Throwable createdAt) {
            this.resourceType = resourceType;
            this.createdAt = createdAt;
        }

        /** The share was released: never report it, and drop the registration. */
        void released() {
            released = true;
            cleanable.clean();
        }

        @Override
        public void run() {
            if (released) {
                return;
            }
            try {
                reporter.accept(new LeakReport(resourceType, createdAt));
            } catch (Throwable ignored) {
                // a failing reporter must not kill the cleaner thread
            }
        }
    }

    /** Starts the cleaner thread only when the first share is tracked. */
    private static final class Holder {
        static final Cleaner CLEANER = Cleaner.create();
    }

    private static Level parseLevel(String s) {
        try {
            return Level.valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return Level.SAMPLED;
        }
    }

    private static int parseInterval(String s) {
        try {
            return Math.max(1, Integer.parseInt(s.trim()));
        } catch (NumberFormatException e) {
            return 128;
        }
    }
}
