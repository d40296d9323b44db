package dev.braid.testkit.internal;

import dev.braid.testkit.Fault;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What one run does beyond scheduling.
 *
 * @param failOnUncaught whether a simulated thread other than the root that ends with an uncaught
 *     throwable (or a braid panic) fails the run at once, and a task failure that no one read fails
 *     it at its end
 * @param faults the faults that may be injected (none by default)
 * @param faultProbability the chance that an injection point injects one of them
 * @param strategySuffix appended to the strategy's name in schedule strings ({@code -f5}) so a
 *     replay knows which faults were enabled
 */
public record RunSettings(
        boolean failOnUncaught, Set<Fault> faults, double faultProbability, String strategySuffix) {
    /** The defaults: an uncaught throwable of any simulated thread fails the run; no faults. */
    public static final RunSettings DEFAULTS =
            new RunSettings(true, EnumSet.noneOf(Fault.class), 0, "");

    /**
     * Ends the thread name of a {@code ThreadFailed} that stands for a task (a pool or async task)
     * whose failure no one read by the end of the run (failOnUncaught also covers it).
     */
    public static final String UNREAD = " (its failure was never read: no join, no poll)";

    /** Copies the set. */
    public RunSettings {
        faults = faults.isEmpty() ? EnumSet.noneOf(Fault.class) : EnumSet.copyOf(faults);
        Objects.requireNonNull(strategySuffix, "strategySuffix");
    }
}
