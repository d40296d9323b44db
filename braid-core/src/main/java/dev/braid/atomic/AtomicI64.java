package dev.braid.atomic;

import dev.braid.internal.rt.Op;
import dev.braid.internal.rt.Rt;
import dev.braid.internal.rt.SimMemory;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.function.LongUnaryOperator;

/**
 * A {@code long} that threads access atomically with an explicit {@link Ordering} per access, as
 * Rust's {@code AtomicI64}. Orderings that make no sense for an access (a load with {@code
 * RELEASE}, a store with {@code ACQUIRE}, a compare-exchange whose failure ordering is {@code
 * RELEASE} or stronger than its success ordering) are refused with {@link
 * IllegalArgumentException}; a {@code null} ordering with {@link NullPointerException}.
 *
 * <p>Every access is a testkit yield point, and under the testkit's memory model a weaker ordering
 * may observe the older values that weak hardware could show. Outside a simulation each access is
 * one {@link VarHandle} call in the mode {@link Ordering} names.
 */
public final class AtomicI64 {
    /*
     * Implementation notes
     *
     * Each method is: check the orderings, announce the yield point, take the simulated path if
     * the caller is a simulated thread, else one VarHandle access in the mode the ordering maps to
     * (table in Ordering). Orderings are usually constants at the call site, so after inlining the
     * switch folds to the one access; Rt's checks fold to nothing in production (Rt's notes).
     * fetchMax, fetchMin and the update functions have no VarHandle primitive and run a
     * compare-exchange loop whose successful exchange carries the ordering; under simulation they
     * are one read-modify-write of the model.
     */

    private static final VarHandle VALUE;

    static {
        try {
            VALUE = MethodHandles.lookup().findVarHandle(AtomicI64.class, "value", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile long value;

    /** A cell holding 0. */
    public AtomicI64() {}

    /**
     * A cell holding {@code initial}.
     *
     * @param initial the initial value
     */
    public AtomicI64(long initial) {
        this.value = initial;
    }

    /**
     * Reads the value. {@code order} may not be {@code RELEASE} or {@code ACQ_REL}.
     *
     * @param order the memory ordering of this access
     * @return the value read
     */
    public long load(Ordering order) {
        Ordering.checkLoad(order);
        Rt.yieldPoint(Op.LOAD, this);
        if (Rt.sim() instanceof SimMemory m) {
            return (Long) SimAccess.load(m, this, value, order);
        }
        return switch (order) {
            case RELAXED -> (long) VALUE.getOpaque(this);
            case ACQUIRE -> (long) VALUE.getAcquire(this);
            default -> (long) VALUE.getVolatile(this);
        };
    }

    /**
     * Writes {@code newValue}. {@code order} may not be {@code ACQUIRE} or {@code ACQ_REL}.
     *
     * @param newValue the value to write
     * @param order the memory ordering of this access
     */
    public void store(long newValue, Ordering order) {
        Ordering.checkStore(order);
        Rt.yieldPoint(Op.STORE, this);
        if (Rt.sim() instanceof SimMemory m) {
            SimAccess.store(m, this, value, newValue, order, this::writeBack);
            return;
        }
        switch (order) {
            case RELAXED -> VALUE.setOpaque(this, newValue);
            case RELEASE -> VALUE.setRelease(this, newValue);
            default -> VALUE.setVolatile(this, newValue);
        }
    }

    /**
     * Writes {@code newValue} and returns the previous value.
     *
     * @param newValue the value to write
     * @param order the memory ordering of this access
     * @return the previous value
     */
    public long swap(long newValue, Ordering order) {
        Ordering.checkRmw(order);
        Rt.yieldPoint(Op.RMW, this);
        if (Rt.sim() instanceof SimMemory m) {
            return simUpdate(m, v -> newValue, order);
        }
        return switch (order) {
            case RELAXED, ACQUIRE -> (long) VALUE.getAndSetAcquire(this, newValue);
            case RELEASE -> (long) VALUE.getAndSetRelease(this, newValue);
            default -> (long) VALUE.getAndSet(this, newValue);
        };
    }

    /**
     * Writes {@code desired} if the value is {@code expected}; returns the value found (equal to
     * {@code expected} exactly when the exchange happened). {@code success} orders the exchange,
     * {@code failure} the load when the value differs.
     *
     * @param expected the value the cell must hold for the exchange
     * @param desired the value to write if the exchange happens
     * @param success the ordering of the read-modify-write when it exchanges
     * @param failure the ordering of the load when it does not exchange
     * @return the value found; equal to {@code expected} exactly when the exchange happened
     */
    public long compareExchange(long expected, long desired, Ordering success, Ordering failure) {
        Ordering.checkCas(success, failure);
        Rt.yieldPoint(Op.RMW, this);
        if (Rt.sim() instanceof SimMemory m) {
            return (Long)
                    SimAccess.rmw(
                            m,
                            this,
                            value,
                            v -> (Long) v == expected ? (Object) desired : SimMemory.NO_WRITE,
                            success,
                            failure,
                            this::writeBack);
        }
        return switch (Ordering.combine(success, failure)) {
            case RELAXED, ACQUIRE ->
                    (long) VALUE.compareAndExchangeAcquire(this, expected, desired);
            case RELEASE -> (long) VALUE.compareAndExchangeRelease(this, expected, desired);
            default -> (long) VALUE.compareAndExchange(this, expected, desired);
        };
    }

    /**
     * As {@link #compareExchange} but may fail spuriously (use it in a loop); returns whether the
     * exchange happened. (The testkit never fails it spuriously.)
     *
     * @param expected the value the cell must hold for the exchange
     * @param desired the value to write if the exchange happens
     * @param success the ordering of the read-modify-write when it exchanges
     * @param failure the ordering of the load when it does not exchange
     * @return whether the exchange happened
     */
    public boolean compareExchangeWeak(
            long expected, long desired, Ordering success, Ordering failure) {
        Ordering.checkCas(success, failure);
        Rt.yieldPoint(Op.RMW, this);
        if (Rt.sim() instanceof SimMemory m) {
            return (Long)
                            SimAccess.rmw(
                                    m,
                                    this,
                                    value,
                                    v ->
                                            (Long) v == expected
                                                    ? (Object) desired
                                                    : SimMemory.NO_WRITE,
                                    success,
                                    failure,
                                    this::writeBack)
                    == expected;
        }
        return switch (Ordering.combine(success, failure)) {
            case RELAXED -> VALUE.weakCompareAndSetPlain(this, expected, desired);
            case ACQUIRE -> VALUE.weakCompareAndSetAcquire(this, expected, desired);
            case RELEASE -> VALUE.weakCompareAndSetRelease(this, expected, desired);
            default -> VALUE.weakCompareAndSet(this, expected, desired);
        };
    }

    /**
     * Adds {@code delta} (wrapping) and returns the previous value.
     *
     * @param delta the amount to add
     * @param order the memory ordering of this access
     * @return the previous value
     */
    public long fetchAdd(long delta, Ordering order) {
        Ordering.checkRmw(order);
        Rt.yieldPoint(Op.RMW, this);
        if (Rt.sim() instanceof SimMemory m) {
            return simUpdate(m, v -> v + delta, order);
        }
        return switch (order) {
            case RELAXED, ACQUIRE -> (long) VALUE.getAndAddAcquire(this, delta);
            case RELEASE -> (long) VALUE.getAndAddRelease(this, delta);
            default -> (long) VALUE.getAndAdd(this, delta);
        };
    }

    /**
     * Subtracts {@code delta} (wrapping) and returns the previous value.
     *
     * @param delta the amount to subtract
     * @param order the memory ordering of this access
     * @return the previous value
     */
    public long fetchSub(long delta, Ordering order) {
        return fetchAdd(-delta, order);
    }

    /**
     * Bitwise-ands {@code bits} into the value and returns the previous value.
     *
     * @param bits the bits to combine with the value
     * @param order the memory ordering of this access
     * @return the previous value
     */
    public long fetchAnd(long bits, Ordering order) {
        Ordering.checkRmw(order);
        Rt.yieldPoint(Op.RMW, this);
        if (Rt.sim() instanceof SimMemory m) {
            return simUpdate(m, v -> v & bits, order);
        }
        return switch (order) {
            case RELAXED, ACQUIRE -> (long) VALUE.getAndBitwiseAndAcquire(this, bits);
            case RELEASE -> (long) VALUE.getAndBitwiseAndRelease(this, bits);
            default -> (long) VALUE.getAndBitwiseAnd(this, bits);
        };
    }

    /**
     * Bitwise-ors {@code bits} into the value and returns the previous value.
     *
     * @param bits the bits to combine with the value
     * @param order the memory ordering of this access
     * @return the previous value
     */
    public long fetchOr(long bits, Ordering order) {
        Ordering.checkRmw(order);
        Rt.yieldPoint(Op.RMW, this);
        if (Rt.sim() instanceof SimMemory m) {
            return simUpdate(m, v -> v | bits, order);
        }
        return switch (order) {
            case RELAXED, ACQUIRE -> (long) VALUE.getAndBitwiseOrAcquire(this, bits);
            case RELEASE -> (long) VALUE.getAndBitwiseOrRelease(this, bits);
            default -> (long) VALUE.getAndBitwiseOr(this, bits);
        };
    }

    /**
     * Bitwise-xors {@code bits} into the value and returns the previous value.
     *
     * @param bits the bits to combine with the value
     * @param order the memory ordering of this access
     * @return the previous value
     */
    public long fetchXor(long bits, Ordering order) {
        Ordering.checkRmw(order);
        Rt.yieldPoint(Op.RMW, this);
        if (Rt.sim() instanceof SimMemory m) {
            return simUpdate(m, v -> v ^ bits, order);
        }
        return switch (order) {
            case RELAXED, ACQUIRE -> (long) VALUE.getAndBitwiseXorAcquire(this, bits);
            case RELEASE -> (long) VALUE.getAndBitwiseXorRelease(this, bits);
            default -> (long) VALUE.getAndBitwiseXor(this, bits);
        };
    }

    /**
     * Stores the maximum of the value and {@code other}; returns the previous value.
     *
     * @param other the value to compare with
     * @param order the memory ordering of this access
     * @return the previous value
     */
    public long fetchMax(long other, Ordering order) {
        Ordering.checkRmw(order);
        return rmwLoop(v -> Math.max(v, other), order);
    }

    /**
     * Stores the minimum of the value and {@code other}; returns the previous value.
     *
     * @param other the value to compare with
     * @param order the memory ordering of this access
     * @return the previous value
     */
    public long fetchMin(long other, Ordering order) {
        Ordering.checkRmw(order);
        return rmwLoop(v -> Math.min(v, other), order);
    }

    /**
     * Atomically replaces the value with {@code update} applied to it; returns the previous value.
     * {@code update} may run several times under contention, so it should be free of side effects.
     *
     * @param update the function computing the new value from the current one
     * @param order the memory ordering of this access
     * @return the previous value
     */
    public long fetchUpdate(LongUnaryOperator update, Ordering order) {
        Objects.requireNonNull(update, "update must not be null");
        Ordering.checkRmw(order);
        return rmwLoop(update, order);
    }

    /**
     * As {@link #fetchUpdate} but returns the new value.
     *
     * @param update the function computing the new value from the current one
     * @param order the memory ordering of this access
     * @return the new value
     */
    public long updateAndGet(LongUnaryOperator update, Ordering order) {
        Objects.requireNonNull(update, "update must not be null");
        Ordering.checkRmw(order);
        return update.applyAsLong(rmwLoop(update, order));
    }

    private long rmwLoop(LongUnaryOperator update, Ordering order) {
        Rt.yieldPoint(Op.RMW, this);
        if (Rt.sim() instanceof SimMemory m) {
            return simUpdate(m, update, order);
        }
        long prev = (long) VALUE.getOpaque(this); // validated by the exchange below
        while (true) {
            long next = update.applyAsLong(prev);
            long witness =
                    switch (order) {
                        case RELAXED, ACQUIRE ->
                                (long) VALUE.compareAndExchangeAcquire(this, prev, next);
                        case RELEASE -> (long) VALUE.compareAndExchangeRelease(this, prev, next);
                        default -> (long) VALUE.compareAndExchange(this, prev, next);
                    };
            if (witness == prev) {
                return prev;
            }
            prev = witness;
        }
    }

    private long simUpdate(SimMemory m, LongUnaryOperator update, Ordering order) {
        return (Long)
                SimAccess.rmw(
                        m,
                        this,
                        value,
                        v -> update.applyAsLong((Long) v),
                        order,
                        SimAccess.loadPart(order),
                        this::writeBack);
    }

    private void writeBack(Object newest) {
        VALUE.setVolatile(this, (long) (Long) newest);
    }

    /** The value (read opaquely, without a yield point), for debugging. */
    @Override
    public String toString() {
        return Long.toString((long) VALUE.getOpaque(this));
    }
}
