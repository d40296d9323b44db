package dev.braid.atomic;

import dev.braid.internal.rt.Op;
import dev.braid.internal.rt.Rt;
import dev.braid.internal.rt.SimMemory;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A reference that threads access atomically with an explicit {@link Ordering} per access, as
 * Rust's {@code AtomicPtr}. Compare-exchange compares by identity ({@code ==}). The value may be
 * {@code null}. Ordering rules, yield points and the simulated path are as in {@link AtomicI32}.
 *
 * @param <T> the type of the referenced object
 */
public final class AtomicRef<T> {
    private static final VarHandle VALUE;

    static {
        try {
            VALUE = MethodHandles.lookup().findVarHandle(AtomicRef.class, "value", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile Object value;

    /** A cell holding {@code null}. */
    public AtomicRef() {}

    /**
     * A cell holding {@code initial} (may be {@code null}).
     *
     * @param initial the initial value
     */
    public AtomicRef(T initial) {
        this.value = initial;
    }

    /**
     * Reads the value. {@code order} may not be {@code RELEASE} or {@code ACQ_REL}.
     *
     * @param order the memory ordering of this access
     * @return the value read
     */
    @SuppressWarnings("unchecked")
    public T load(Ordering order) {
        Ordering.checkLoad(order);
        Rt.yieldPoint(Op.LOAD, this);
        if (Rt.sim() instanceof SimMemory m) {
            return (T) SimAccess.load(m, this, value, order);
        }
        return (T)
                switch (order) {
                    case RELAXED -> VALUE.getOpaque(this);
                    case ACQUIRE -> VALUE.getAcquire(this);
                    default -> VALUE.getVolatile(this);
                };
    }

    /**
     * Writes {@code newValue}. {@code order} may not be {@code ACQUIRE} or {@code ACQ_REL}.
     *
     * @param newValue the value to write
     * @param order the memory ordering of this access
     */
    public void store(T newValue, Ordering order) {
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
    @SuppressWarnings("unchecked")
    public T swap(T newValue, Ordering order) {
        Ordering.checkRmw(order);
        Rt.yieldPoint(Op.RMW, this);
        if (Rt.sim() instanceof SimMemory m) {
            return (T)
                    SimAccess.rmw(
                            m,
                            this,
                            value,
                            v -> newValue,
                            order,
                            SimAccess.loadPart(order),
                            this::writeBack);
        }
        return (T)
                switch (order) {
                    case RELAXED, ACQUIRE -> VALUE.getAndSetAcquire(this, newValue);
                    case RELEASE -> VALUE.getAndSetRelease(this, newValue);
                    default -> VALUE.getAndSet(this, newValue);
                };
    }

    /**
     * Writes {@code desired} if the value is {@code expected} (by identity); returns the value
     * found (identical to {@code expected} exactly when the exchange happened).
     *
     * @param expected the value the cell must hold for the exchange (compared by identity)
     * @param desired the value to write if the exchange happens
     * @param success the ordering of the read-modify-write when it exchanges
     * @param failure the ordering of the load when it does not exchange
     * @return the value found; equal to {@code expected} exactly when the exchange happened
     */
    @SuppressWarnings("unchecked")
    public T compareExchange(T expected, T desired, Ordering success, Ordering failure) {
        Ordering.checkCas(success, failure);
        Rt.yieldPoint(Op.RMW, this);
        if (Rt.sim() instanceof SimMemory m) {
            return (T) simCas(m, expected, desired, success, failure);
        }
        return (T)
                switch (Ordering.combine(success, failure)) {
                    case RELAXED, ACQUIRE ->
                            VALUE.compareAndExchangeAcquire(this, expected, desired);
                    case RELEASE -> VALUE.compareAndExchangeRelease(this, expected, desired);
                    default -> VALUE.compareAndExchange(this, expected, desired);
                };
    }

    /**
     * As {@link #compareExchange} but may fail spuriously; returns whether it exchanged.
     *
     * @param expected the value the cell must hold for the exchange (compared by identity)
     * @param desired the value to write if the exchange happens
     * @param success the ordering of the read-modify-write when it exchanges
     * @param failure the ordering of the load when it does not exchange
     * @return whether the exchange happened
     */
    public boolean compareExchangeWeak(T expected, T desired, Ordering success, Ordering failure) {
        Ordering.checkCas(success, failure);
        Rt.yieldPoint(Op.RMW, this);
        if (Rt.sim() instanceof SimMemory m) {
            return simCas(m, expected, desired, success, failure) == expected;
        }
        return switch (Ordering.combine(success, failure)) {
            case RELAXED -> VALUE.weakCompareAndSetPlain(this, expected, desired);
            case ACQUIRE -> VALUE.weakCompareAndSetAcquire(this, expected, desired);
            case RELEASE -> VALUE.weakCompareAndSetRelease(this, expected, desired);
            default -> VALUE.weakCompareAndSet(this, expected, desired);
        };
    }

    /**
     * Atomically replaces the value with {@code update} applied to it; returns the previous value.
     * {@code update} may run several times under contention, so it should be free of side effects.
     *
     * @param update the function computing the new value from the current one
     * @param order the memory ordering of this access
     * @return the previous value
     */
    public T fetchUpdate(UnaryOperator<T> update, Ordering order) {
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
    public T updateAndGet(UnaryOperator<T> update, Ordering order) {
        Objects.requireNonNull(update, "update must not be null");
        Ordering.checkRmw(order);
        return update.apply(rmwLoop(update, order));
    }

    @SuppressWarnings("unchecked")
    private T rmwLoop(UnaryOperator<T> update, Ordering order) {
        Rt.yieldPoint(Op.RMW, this);
        if (Rt.sim() instanceof SimMemory m) {
            return (T)
                    SimAccess.rmw(
                            m,
                            this,
                            value,
                            v -> update.apply((T) v),
                            order,
                            SimAccess.loadPart(order),
                            this::writeBack);
        }
        T prev = (T) VALUE.getOpaque(this); // validated by the exchange below
        while (true) {
            T next = update.apply(prev);
            Object witness =
                    switch (order) {
                        case RELAXED, ACQUIRE -> VALUE.compareAndExchangeAcquire(this, prev, next);
                        case RELEASE -> VALUE.compareAndExchangeRelease(this, prev, next);
                        default -> VALUE.compareAndExchange(this, prev, next);
                    };
            if (witness == prev) {
                return prev;
            }
            prev = (T) witness;
        }
    }

    private Object simCas(
            SimMemory m, Object expected, Object desired, Ordering success, Ordering failure) {
        return SimAccess.rmw(
                m,
                this,
                value,
                v -> v == expected ? desired : SimMemory.NO_WRITE,
                success,
                failure,
                this::writeBack);
    }

    private void writeBack(Object newest) {
        VALUE.setVolatile(this, newest);
    }

    /** The value's string form (read opaquely, without a yield point), for debugging. */
    @Override
    public String toString() {
        return String.valueOf(VALUE.getOpaque(this));
    }
}
