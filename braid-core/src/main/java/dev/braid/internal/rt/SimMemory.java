package dev.braid.internal.rt;

import java.util.function.UnaryOperator;

/**
 * The testkit's memory model, seen from one simulated thread: braid's atomic cells route their
 * accesses here (after announcing the yield point) when the caller's {@link SimThread} also
 * implements this interface. Production never reaches it.
 *
 * <p>Orderings are passed as ints, the ordinals of {@code dev.braid.atomic.Ordering} (the seam sits
 * below that package): {@link #RELAXED}, {@link #ACQUIRE}, {@link #RELEASE}, {@link #ACQ_REL},
 * {@link #SEQ_CST}. Values are boxed. {@code current} is the value in the cell's field, which the
 * model uses as the location's initial value when the location is first touched in a run; the cell
 * writes back whatever a store or read-modify-write returns, so the field holds the newest value in
 * modification order.
 */
public interface SimMemory {
    /** {@code Ordering.RELAXED}. */
    int RELAXED = 0;

    /** {@code Ordering.ACQUIRE}. */
    int ACQUIRE = 1;

    /** {@code Ordering.RELEASE}. */
    int RELEASE = 2;

    /** {@code Ordering.ACQ_REL}. */
    int ACQ_REL = 3;

    /** {@code Ordering.SEQ_CST}. */
    int SEQ_CST = 4;

    /** Returned by a read-modify-write's update to say "do not write" (a failed CAS). */
    Object NO_WRITE = new Object();

    /** A load: returns the value of a store the model allows the caller to read. */
    Object load(Object cell, Object current, int order);

    /**
     * A store of {@code value}; returns the value that is now last in the location's modification
     * order (not necessarily {@code value}: a weak store may be ordered before earlier ones).
     */
    Object store(Object cell, Object current, Object value, int order);

    /**
     * An atomic read-modify-write: reads the last value in modification order, applies {@code
     * update}, and writes the result unless it is {@link #NO_WRITE} (then the access is a load with
     * {@code failureOrder}). Returns the value read.
     */
    Object readModifyWrite(
            Object cell,
            Object current,
            UnaryOperator<Object> update,
            int successOrder,
            int failureOrder);

    /** A fence of the given ordering (not {@link #RELAXED}). */
    void fence(int order);

    /**
     * An access to instrumented plain (non-atomic) state: the model reports a data race if a
     * conflicting access to {@code cell} is not ordered with this one by happens-before.
     */
    void plainAccess(Object cell, boolean write);
}
