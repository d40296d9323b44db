package dev.braid;

import java.lang.ref.Reference;
import java.time.Duration;
import java.util.Collection;

/**
 * Waits for weakly held objects to be collected. {@code System.gc()} is only a request: one call
 * may return before a collection that clears a reference (a concurrent cycle, a busy machine), so a
 * retention test asks again until every reference is cleared or a generous bound passes. A bound
 * that passes fails the test: the object is still reachable.
 */
public final class Collected {
    /** How long to keep asking: a hang guard, not a measurement (a cleared reference ends it). */
    public static final Duration BOUND = Duration.ofSeconds(30);

    private Collected() {}

    /**
     * Requests collections until every reference in {@code refs} is cleared or {@link #BOUND}
     * passes.
     *
     * @return whether every reference was cleared
     */
    public static boolean all(Collection<? extends Reference<?>> refs) {
        long end = System.nanoTime() + BOUND.toNanos();
        while (refs.stream().anyMatch(r -> r.get() != null)) {
            if (System.nanoTime() - end > 0) {
                return false;
            }
            System.gc();
            Thread.onSpinWait();
        }
        return true;
    }

    /** As {@link #all} for one reference. */
    public static boolean cleared(Reference<?> ref) {
        return all(java.util.List.of(ref));
    }
}
