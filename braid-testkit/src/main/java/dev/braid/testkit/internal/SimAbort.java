package dev.braid.testkit.internal;

/**
 * Thrown inside a simulated thread to unwind it once its run is over (deadlock, watchdog, livelock,
 * root failure). It is an {@link Error} so that ordinary {@code catch (Exception e)} blocks in code
 * under test let it pass; it carries no stack trace, so throwing it is cheap.
 */
final class SimAbort extends Error {
    private static final long serialVersionUID = 1L;

    SimAbort() {
        super("braid simulation aborted this thread", null, false, false);
    }
}
