package dev.braid.atomic;

import dev.braid.internal.rt.Op;
import dev.braid.internal.rt.Rt;
import dev.braid.internal.rt.SimMemory;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.UnaryOperator;

/**
 * A {@code boolean} that threads access atomically with an explicit {@link Ordering} per access, as
 * Rust's {@code AtomicBool}. Ordering rules, yield points and the simulated path are as in {@link
 * AtomicI32}.
 */
public final class AtomicBool {
    private static final VarHandle VALUE;

    static {
        try {
            VALUE = MethodHandles.lookup().findVarHandle(AtomicBool.class, "value", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile boolean value;

    /** A cell holding {@code false}. */
    public AtomicBool() {}

    /**
     * A cell holding {@code initial}.
     *
     * @param initial the initial value
     */
    public AtomicBool(boolean initial) {
        this.value = initial;
    }

    /**
     * Reads the value. {@code order} may not be {@code RELEASE} or {@code ACQ_REL}.
     *
     * @param order the memory ordering of this access
     * @return the value read
     */
    public boolean load(Ordering order) {
        Ordering.checkLoad(order);
        Rt.yieldPoint(Op.LOAD, this);
        if (Rt.sim() instanceof SimMemory m) {
            return (Boolean) SimAccess.load(m, this, value, order);
        }
        return switch (order) {
            case RELAXED -> (boolean) VALUE.getOpaque(this);
            case ACQUIRE -> (boolean) VALUE.getAcquire(this);
            default -> (boolean) VALUE.getVolatile(this);
        };
    }

    /**
     * Writes {@code newValue}. {@code order} may not be {@code ACQUIRE} or {@code ACQ_REL}.
     *
     * @param newValue the value to write
     * @param order the memory ordering of this access
     */
    public void store(boolean newValue, Ordering order) {
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
    public boolean swap(boolean newValue, Ordering order) {
        Ordering.checkRmw(order);
        Rt.yieldPoint(Op.RMW, this);
        if (Rt.sim() instanceof SimMemory m) {
            return simUpdate(m, v -> newValue, order);
        }
        return switch (order) {
            case RELAXED, ACQUIRE -> (boolean) VALUE.getAndSetAcquire(this, newValue);
            case RELEASE -> (boolean) VALUE.getAndSetRelease(this, newValue);
            default -> (boolean) VALUE.getAndSet(this, newValue);
        };
    }

    /**
     * Writes {@code desired} if the value is {@code expected}; returns the value found (equal to
     * {@code expected} exactly when the exchange happened).
     *
     * @param expected the value the cell must hold for the exchange
     * @param desired the value to write if the exchange happens
     * @param success the ordering of the read-modify-write when it exchanges
     * @param failure the ordering of the load when it does not exchange
     * @return the value found; equal to {@code expected} exactly when the exchange happened
     */
    public boolean compareExchange(
            boolean expected, boolean desired, Ordering success, Ordering failure) {
        Ordering.checkCas(success, failure);
        Rt.yieldPoint(Op.RMW, this);
        if (Rt.sim() instanceof SimMemory m) {
            return (Boolean) simCas(m, expected, desired, success, failure);
        }
        return switch (Ordering.combine(success, failure)) {
            case RELAXED, ACQUIRE ->
                    (boolean) VALUE.compareAndExchangeAcquire(this, expected, desired);
            case RELEASE -> (boolean) VALUE.compareAndExchangeRelease(this, expected, desired);
            default -> (boolean) VALUE.compareAndExchange(this, expected, desired);
        };
    }

    /**
     * As {@link #compareExchange} but may fail spuriously; returns whether it exchanged.
     *
     * @param expected the value the cell must hold for the exchange
     * @param desired the value to write if the exchange happens
     * @param success the ordering of the read-modify-write when it exchanges
     * @param failure the ordering of the load when it does not exchange
     * @return whether the exchange happened
     */
    public boolean compareExchangeWeak(
            boolean expected, boolean desired, Ordering success, Ordering failure) {
        Ordering.checkCas(success, failure);
        Rt.yieldPoint(Op.RMW, this);
        if (Rt.sim() instanceof SimMemory m) {
            return (Boolean) simCas(m, expected, desired, success, failure) == expected;
        }
        return switch (Ordering.combine(success, failure)) {
            case RELAXED -> VALUE.weakCompareAndSetPlain(this, expected, desired);
            case ACQUIRE -> VALUE.weakCompareAndSetAcquire(this, expected, desired);
            case RELEASE -> VALUE.weakCompareAndSetRelease(this, expected, desired);
            default -> VALUE.weakCompareAndSet(this, expected, desired);
        };
    }

    /**
     * Logical-ands {@code bit} into the value and returns the previous value.
     *
     * @param bit the flag to combine with the value
     * @param order the memory ordering of this access
     * @return the previous value
     */
    public boolean fetchAnd(boolean bit, Ordering order) {
        Ordering.checkRmw(order);
        Rt.yieldPoint(Op.RMW, this);
        if (Rt.sim() instanceof SimMemory m) {
            return simUpdate(m, v -> v & bit, order);
        }
        return switch (order) {
            case RELAXED, ACQUIRE -> (boolean) VALUE.getAndBitwiseAndAcquire(this, bit);
            case RELEASE -> (boolean) VALUE.getAndBitwiseAndRelease(this, bit);
            default -> (boolean) VALUE.getAndBitwiseAnd(this, bit);
        };
    }

    /**
     * Logical-ors {@code bit} into the value and returns the previous value.
     *
     * @param bit the flag to combine with the value
     * @param order the memory ordering of this access
     * @return the previous value
     */
    public boolean fetchOr(boolean bit, Ordering order) {
        Ordering.checkRmw(order);
        Rt.yieldPoint(Op.RMW, this);
        if (Rt.sim() instanceof SimMemory m) {
            return simUpdate(m, v -> v | bit, order);
        }
        return switch (order) {
            case RELAXED, ACQUIRE -> (boolean) VALUE.getAndBitwiseOrAcquire(this, bit);
            case RELEASE -> (boolean) VALUE.getAndBitwiseOrRelease(this, bit);
            default -> (boolean) VALUE.getAndBitwiseOr(this, bit);
        };
    }

    /**
     * Logical-xors {@code bit} into the value and returns the previous value.
     *
     * @param bit the flag to combine with the value
     * @param order the memory ordering of this access
     * @return the previous value
     */
    public boolean fetchXor(boolean bit, Ordering order) {
        Ordering.checkRmw(order);
        Rt.yieldPoint(Op.RMW, this);
        if (Rt.sim() instanceof SimMemory m) {
            return simUpdate(m, v -> v ^ bit, order);
        }
        return switch (order) {
            case RELAXED, ACQUIRE -> (boolean) VALUE.getAndBitwiseXorAcquire(this, bit);
            case RELEASE -> (boolean) VALUE.getAndBitwiseXorRelease(this, bit);
            default -> (boolean) VALUE.getAndBitwiseXor(this, bit);
        };
    }

    private Object simCas(
            SimMemory m, boolean expected, boolean desired, Ordering success, Ordering failure) {
        return SimAccess.rmw(
                m,
                this,
                value,
                v -> (Boolean) v == expected ? (Object) desired : SimMemory.NO_WRITE,
                success,
                failure,
                this::writeBack);
    }

    private boolean simUpdate(SimMemory m, UnaryOperator<Boolean> update, Ordering order) {
        return (Boolean)
                SimAccess.rmw(
                        m,
                        this,
                        value,
                        v -> update.apply((Boolean) v),
                        order,
                        SimAccess.loadPart(order),
                        this::writeBack);
    }

    private void writeBack(Object newest) {
        VALUE.setVolatile(this, (boolean) (Boolean) newest);
    }

    /** The value (read opaquely, without a yield point), for debugging. */
    @Override
    public String toString() {
        return Boolean.toString((boolean) VALUE.getOpaque(this));
    }
}
