package dev.braid.testkit;

/** The code a simulation runs as its root thread. It may throw; a throw fails the schedule. */
@FunctionalInterface
public interface SimBody {
    /**
     * Runs the body once, in the root simulated thread.
     *
     * @throws java.lang.Throwable anything: a throw fails the run as {@link SimResult.Failed}
     */
    void run() throws Throwable;
}
