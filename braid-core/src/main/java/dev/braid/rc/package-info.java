/**
 * Reference-counted ownership of shared {@link java.lang.AutoCloseable} resources: {@link
 * dev.braid.rc.Arc} (thread-safe), {@link dev.braid.rc.Rc} (confined to its creating thread) and
 * {@link dev.braid.rc.Weak}, with a {@link dev.braid.rc.LeakDetector} that reports an {@code Arc}
 * share that became unreachable without being released, with the stack where it was created.
 *
 * <p>Java has a garbage collector, so these types do not manage memory: their job is deterministic
 * release. Each handle is one <em>share</em>; the resource's {@code close()} runs exactly once,
 * when the last share is released.
 */
package dev.braid.rc;
