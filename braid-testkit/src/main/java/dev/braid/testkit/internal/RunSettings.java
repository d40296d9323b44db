package dev.braid.testkit.internal;

/**
 * What one run does beyond scheduling: whether a non-root thread's uncaught throwable ends it.
 *
 * @param failOnUncaught whether a simulated thread other than the root that ends with an uncaught
 *     throwable (or a braid panic) fails the run at once
 */
public record RunSettings(boolean failOnUncaught) {
    /** The defaults: an uncaught throwable of any simulated thread fails the run. */
    public static final RunSettings DEFAULTS = new RunSettings(true);
}
