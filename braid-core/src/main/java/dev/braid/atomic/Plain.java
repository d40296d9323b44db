package dev.braid.atomic;

import dev.braid.internal.rt.Rt;
import dev.braid.internal.rt.SimMemory;

/**
 * Shared plain (non-atomic) state that the testkit checks for data races. Outside a simulation it
 * is an ordinary field: {@link #get} and {@link #set} are plain accesses with no ordering at all,
 * so the code that uses it must order them by other means (a lock, a release/acquire pair, a join).
 * Under the testkit, two accesses of which at least one writes, by different threads, not ordered
 * by happens-before, end the run with a data-race report that names both access sites.
 *
 * <p>Accesses are not yield points: whether two accesses race does not depend on the interleaving
 * chosen, only on the happens-before edges, which the testkit tracks at every braid operation.
 *
 * @param <T> the type of the value
 */
public final class Plain<T> {
    private T value;

    /**
     * A cell holding {@code initial} (may be {@code null}).
     *
     * @param initial the initial value
     */
    public Plain(T initial) {
        this.value = initial;
    }

    /**
     * Reads the value (a plain read).
     *
     * @return the value read
     */
    public T get() {
        if (Rt.sim() instanceof SimMemory m) {
            m.plainAccess(this, false);
        }
        return value;
    }

    /**
     * Writes {@code newValue} (a plain write; may be {@code null}).
     *
     * @param newValue the value to write
     */
    public void set(T newValue) {
        if (Rt.sim() instanceof SimMemory m) {
            m.plainAccess(this, true);
        }
        value = newValue;
    }

    /** The value's string form (no race check), for debugging. */
    @Override
    public String toString() {
        return String.valueOf(value);
    }
}
