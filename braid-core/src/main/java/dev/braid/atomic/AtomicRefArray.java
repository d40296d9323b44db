package dev.braid.atomic;

import dev.braid.internal.rt.Op;
import dev.braid.internal.rt.Rt;
import dev.braid.internal.rt.SimMemory;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A fixed-length array of references whose elements threads access atomically with an explicit
 * {@link Ordering} per access, as a Rust {@code [AtomicPtr<T>; N]} (or the JDK's {@code
 * AtomicReferenceArray} with named modes). Compare-exchange compares by identity ({@code ==}).
 * Elements may be {@code null}; a new array holds {@code null} everywhere.
 *
 * <p>Each element is its own memory location: ordering rules, yield points and the simulated path
 * are as in {@link AtomicRef}, element by element. In production an access is one {@link VarHandle}
 * array access in the named mode, with no per-element object.
 *
 * @param <E> the type of the elements
 */
public final class AtomicRefArray<E> {
    /*
     * Implementation notes
     *
     * State. `array` holds the elements; every production access goes through ELEMENTS, the
     * array-element VarHandle, in the mode the ordering names (see Ordering's table).
     *
     * Simulation. The testkit's memory model keys locations by identity, so under simulation each
     * index gets a key object of its own, created on first simulated access (`simKeys`, installed
     * with a CAS so two arrays of keys never coexist). Production never allocates them: the branch
     * on Rt.sim() folds away until a simulator is installed (docs/adr/0003-runtime-seam.md).
     */

    private static final VarHandle ELEMENTS = MethodHandles.arrayElementVarHandle(Object[].class);
    private static final VarHandle SIM_KEYS;

    static {
        try {
            SIM_KEYS =
                    MethodHandles.lookup()
                            .findVarHandle(AtomicRefArray.class, "simKeys", Object[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Object[] array;

    @SuppressWarnings("unused") // accessed through SIM_KEYS
    private volatile Object[] simKeys;

    /**
     * An array of {@code length} elements, all {@code null}.
     *
     * @param length the number of elements
     * @throws IllegalArgumentException if {@code length} is negative
     */
    public AtomicRefArray(int length) {
        if (length < 0) {
            throw new IllegalArgumentException("length must be >= 0, was " + length);
        }
        this.array = new Object[length];
    }

    /**
     * The number of elements.
     *
     * @return the length fixed at construction
     */
    public int length() {
        return array.length;
    }

    /**
     * Reads element {@code index}.
     *
     * @param index the element's index
     * @param order the load's ordering; not {@code RELEASE} or {@code ACQ_REL}
     * @return the element's value
     * @throws IndexOutOfBoundsException if {@code index} is outside {@code [0, length())}
     * @throws IllegalArgumentException if {@code order} is not a load ordering
     */
    @SuppressWarnings("unchecked")
    public E load(int index, Ordering order) {
        Ordering.checkLoad(order);
        Object[] a = array;
        java.util.Objects.checkIndex(index, a.length);
        if (Rt.simulating()) {
            Rt.yieldPoint(Op.LOAD, this);
            if (Rt.sim() instanceof SimMemory m) {
                return (E) SimAccess.load(m, key(index), ELEMENTS.getVolatile(a, index), order);
            }
        }
        return (E)
                switch (order) {
                    case RELAXED -> ELEMENTS.getOpaque(a, index);
                    case ACQUIRE -> ELEMENTS.getAcquire(a, index);
                    default -> ELEMENTS.getVolatile(a, index);
                };
    }

    /**
     * Writes {@code value} into element {@code index}.
     *
     * @param index the element's index
     * @param value the new value (may be {@code null})
     * @param order the store's ordering; not {@code ACQUIRE} or {@code ACQ_REL}
     * @throws IndexOutOfBoundsException if {@code index} is outside {@code [0, length())}
     * @throws IllegalArgumentException if {@code order} is not a store ordering
     */
    public void store(int index, E value, Ordering order) {
        Ordering.checkStore(order);
        Object[] a = array;
        java.util.Objects.checkIndex(index, a.length);
        if (Rt.simulating()) {
            Rt.yieldPoint(Op.STORE, this);
            if (Rt.sim() instanceof SimMemory m) {
                SimAccess.store(
                        m,
                        key(index),
                        ELEMENTS.getVolatile(a, index),
                        value,
                        order,
                        v -> ELEMENTS.setVolatile(a, index, v));
                return;
            }
        }
        switch (order) {
            case RELAXED -> ELEMENTS.setOpaque(a, index, value);
            case RELEASE -> ELEMENTS.setRelease(a, index, value);
            default -> ELEMENTS.setVolatile(a, index, value);
        }
    }

    /**
     * Writes {@code value} into element {@code index} and returns the previous value.
     *
     * @param index the element's index
     * @param value the new value (may be {@code null})
     * @param order the read-modify-write's ordering
     * @return the value before the swap
     * @throws IndexOutOfBoundsException if {@code index} is outside {@code [0, length())}
     */
    @SuppressWarnings("unchecked")
    public E swap(int index, E value, Ordering order) {
        Ordering.checkRmw(order);
        Object[] a = array;
        java.util.Objects.checkIndex(index, a.length);
        if (Rt.simulating()) {
            Rt.yieldPoint(Op.RMW, this);
            if (Rt.sim() instanceof SimMemory m) {
                return (E)
                        SimAccess.rmw(
                                m,
                                key(index),
                                ELEMENTS.getVolatile(a, index),
                                v -> value,
                                order,
                                SimAccess.loadPart(order),
                                v -> ELEMENTS.setVolatile(a, index, v));
            }
        }
        return (E)
                switch (order) {
                    case RELAXED, ACQUIRE -> ELEMENTS.getAndSetAcquire(a, index, value);
                    case RELEASE -> ELEMENTS.getAndSetRelease(a, index, value);
                    default -> ELEMENTS.getAndSet(a, index, value);
                };
    }

    /**
     * Writes {@code desired} into element {@code index} if it holds {@code expected} (by identity).
     *
     * @param index the element's index
     * @param expected the value the element must hold
     * @param desired the value to write
     * @param success the ordering if the exchange happens
     * @param failure the ordering of the load if it does not; a load ordering no stronger than
     *     {@code success}
     * @return the value found: identical to {@code expected} exactly when the exchange happened
     * @throws IndexOutOfBoundsException if {@code index} is outside {@code [0, length())}
     * @throws IllegalArgumentException if the orderings are not a valid pair
     */
    @SuppressWarnings("unchecked")
    public E compareExchange(int index, E expected, E desired, Ordering success, Ordering failure) {
        Ordering.checkCas(success, failure);
        Object[] a = array;
        java.util.Objects.checkIndex(index, a.length);
        if (Rt.simulating()) {
            Rt.yieldPoint(Op.RMW, this);
            if (Rt.sim() instanceof SimMemory m) {
                return (E)
                        SimAccess.rmw(
                                m,
                                key(index),
                                ELEMENTS.getVolatile(a, index),
                                v -> v == expected ? desired : SimMemory.NO_WRITE,
                                success,
                                failure,
                                v -> ELEMENTS.setVolatile(a, index, v));
            }
        }
        return (E)
                switch (Ordering.combine(success, failure)) {
                    case RELAXED, ACQUIRE ->
                            ELEMENTS.compareAndExchangeAcquire(a, index, expected, desired);
                    case RELEASE -> ELEMENTS.compareAndExchangeRelease(a, index, expected, desired);
                    default -> ELEMENTS.compareAndExchange(a, index, expected, desired);
                };
    }

    /** The memory model's location key of element {@code index}; simulation only. */
    private Object key(int index) {
        Object[] keys = (Object[]) SIM_KEYS.getAcquire(this);
        if (keys == null) {
            Object[] fresh = new Object[array.length];
            for (int i = 0; i < fresh.length; i++) {
                fresh[i] = new Object();
            }
            Object witness = SIM_KEYS.compareAndExchange(this, null, fresh);
            keys = witness == null ? fresh : (Object[]) witness;
        }
        return keys[index];
    }

    /**
     * The elements' string form (read opaquely, without yield points), for debugging.
     *
     * @return the elements as {@link java.util.Arrays#toString(Object[])} writes them
     */
    @Override
    public String toString() {
        Object[] copy = new Object[array.length];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = ELEMENTS.getOpaque(array, i);
        }
        return java.util.Arrays.toString(copy);
    }
}
