package dev.braid.atomic;

/**
 * The memory ordering of an atomic access, named as in Rust and C++. Each maps to a {@link
 * java.lang.invoke.VarHandle} access mode:
 *
 * <table>
 *   <caption>Orderings and VarHandle modes</caption>
 *   <tr><th>Ordering</th><th>load</th><th>store</th><th>read-modify-write</th></tr>
 *   <tr><td>{@link #RELAXED}</td><td>{@code getOpaque}</td><td>{@code setOpaque}</td>
 *       <td>{@code *Acquire} (no opaque RMW exists; weak CAS uses {@code weakCompareAndSetPlain})</td></tr>
 *   <tr><td>{@link #ACQUIRE}</td><td>{@code getAcquire}</td><td>refused</td><td>{@code *Acquire}</td></tr>
 *   <tr><td>{@link #RELEASE}</td><td>refused</td><td>{@code setRelease}</td><td>{@code *Release}</td></tr>
 *   <tr><td>{@link #ACQ_REL}</td><td>refused</td><td>refused</td><td>volatile</td></tr>
 *   <tr><td>{@link #SEQ_CST}</td><td>{@code getVolatile}</td><td>{@code setVolatile}</td><td>volatile</td></tr>
 * </table>
 *
 * <p>See {@code docs/memory-ordering.md} for what each guarantees, the litmus tests that tell them
 * apart, and how the testkit models them.
 */
public enum Ordering {
    /**
     * Atomicity and per-location coherence only (Java's opaque mode): no ordering with other
     * locations, no happens-before edge. Unlike C11 relaxed, no load-buffering cycle: a load reads
     * only stores that have already executed.
     */
    RELAXED,
    /** A load (or the load half of a read-modify-write) that synchronizes with a release store. */
    ACQUIRE,
    /** A store (or the store half of a read-modify-write) that publishes everything before it. */
    RELEASE,
    /** Both {@link #ACQUIRE} and {@link #RELEASE}; only for read-modify-writes and fences. */
    ACQ_REL,
    /**
     * {@link #ACQ_REL} plus a single total order over all {@code SEQ_CST} accesses that every
     * thread agrees on (Java's volatile mode).
     */
    SEQ_CST;

    /** Whether a load with this ordering acquires. */
    boolean acquires() {
        return this == ACQUIRE || this == ACQ_REL || this == SEQ_CST;
    }

    /** Whether a store with this ordering releases. */
    boolean releases() {
        return this == RELEASE || this == ACQ_REL || this == SEQ_CST;
    }

    static Ordering checkLoad(Ordering order) {
        if (order == null) {
            throw new NullPointerException("order must not be null");
        }
        if (order == RELEASE || order == ACQ_REL) {
            throw new IllegalArgumentException(
                    "order: a load cannot have " + order + " ordering (use ACQUIRE or SEQ_CST)");
        }
        return order;
    }

    static Ordering checkStore(Ordering order) {
        if (order == null) {
            throw new NullPointerException("order must not be null");
        }
        if (order == ACQUIRE || order == ACQ_REL) {
            throw new IllegalArgumentException(
                    "order: a store cannot have " + order + " ordering (use RELEASE or SEQ_CST)");
        }
        return order;
    }

    static Ordering checkRmw(Ordering order) {
        if (order == null) {
            throw new NullPointerException("order must not be null");
        }
        return order;
    }

    /**
     * Checks a compare-exchange's pair: the failure ordering is a load's (not RELEASE or ACQ_REL)
     * and not stronger than the success ordering, as Rust required before 1.64.
     */
    static void checkCas(Ordering success, Ordering failure) {
        if (success == null) {
            throw new NullPointerException("success must not be null");
        }
        if (failure == null) {
            throw new NullPointerException("failure must not be null");
        }
        if (failure == RELEASE || failure == ACQ_REL) {
            throw new IllegalArgumentException(
                    "failure: a failed compare-exchange is a load and cannot have "
                            + failure
                            + " ordering");
        }
        if (failure == SEQ_CST && success != SEQ_CST || failure == ACQUIRE && !success.acquires()) {
            throw new IllegalArgumentException(
                    "failure: ordering "
                            + failure
                            + " is stronger than success ordering "
                            + success);
        }
    }

    /** The single ordering that covers both halves of a compare-exchange. */
    static Ordering combine(Ordering success, Ordering failure) {
        if (success == SEQ_CST || failure == SEQ_CST) {
            return SEQ_CST;
        }
        if (failure == ACQUIRE && success == RELEASE) {
            return ACQ_REL;
        }
        return success;
    }
}
