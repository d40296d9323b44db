package dev.braid.internal.rt;

/**
 * Installed once per JVM by the testkit (through {@link Rt#install}); maps the calling thread to
 * its {@link SimThread}, if any.
 */
public interface Simulator {
    /**
     * Returns the simulated thread that is the caller, or {@code null} when the caller does not
     * belong to a running simulation (then the seam behaves as in production).
     */
    SimThread current();
}
