package dev.braid.internal.rt;

/**
 * What the seam needs to start a thread.
 *
 * @param name the thread's name; {@code null} lets the seam choose one (deterministic under
 *     simulation)
 * @param daemon whether the thread is a daemon (ignored for virtual threads, which always are)
 * @param virtual whether to start a virtual thread rather than a platform thread
 * @param stackSize the requested stack size in bytes for a platform thread; 0 for the JVM's default
 */
public record ThreadSpec(String name, boolean daemon, boolean virtual, long stackSize) {
    /** Validates the fields. */
    public ThreadSpec {
        if (name != null && name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        if (stackSize < 0) {
            throw new IllegalArgumentException("stackSize must be >= 0, was " + stackSize);
        }
    }
}
