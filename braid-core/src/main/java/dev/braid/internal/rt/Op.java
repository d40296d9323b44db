package dev.braid.internal.rt;

/**
 * The kind of visible operation announced at a yield point. The testkit records it in traces and
 * may use it to weigh scheduling decisions; production ignores it.
 */
public enum Op {
    /** A lock acquisition attempt (blocking or not). */
    LOCK,
    /** A lock release. */
    UNLOCK,
    /** A thread is about to be spawned. */
    SPAWN,
    /** A thread is about to wait for another thread's completion. */
    JOIN,
    /** A thread is about to park. */
    PARK,
    /** A thread is about to unpark another. */
    UNPARK,
    /** A load from shared state (a braid atomic). */
    LOAD,
    /** A store to shared state (a braid atomic). */
    STORE,
    /** A read-modify-write of shared state (CAS, swap, fetch-and-op). */
    RMW,
    /** A read of the clock. */
    CLOCK,
    /** A sleep or a timed wait. */
    SLEEP,
    /** A spin-loop iteration: the caller waits for another thread without blocking. */
    SPIN,
    /** An explicit yield of the processor. */
    YIELD,
    /** Any other visible operation. */
    OTHER
}
