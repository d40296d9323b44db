package dev.braid.atomic;

import dev.braid.internal.rt.SimMemory;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The simulated path shared by every cell: forwards an access to the testkit's memory model and
 * writes the value that is newest in modification order back into the cell's field, so that code
 * outside the simulation sees it. Reached only under the testkit.
 */
final class SimAccess {
    private SimAccess() {}

    static Object load(SimMemory m, Object cell, Object current, Ordering order) {
        return m.load(cell, current, order.ordinal());
    }

    static void store(
            SimMemory m,
            Object cell,
            Object current,
            Object value,
            Ordering order,
            Consumer<Object> writeBack) {
        writeBack.accept(m.store(cell, current, value, order.ordinal()));
    }

    /** An RMW whose update returns {@link SimMemory#NO_WRITE} to fail; returns the value read. */
    static Object rmw(
            SimMemory m,
            Object cell,
            Object current,
            UnaryOperator<Object> update,
            Ordering success,
            Ordering failure,
            Consumer<Object> writeBack) {
        Object[] written = {SimMemory.NO_WRITE};
        Object old =
                m.readModifyWrite(
                        cell,
                        current,
                        v -> {
                            Object next = update.apply(v);
                            written[0] = next;
                            return next;
                        },
                        success.ordinal(),
                        failure.ordinal());
        if (written[0] != SimMemory.NO_WRITE) {
            writeBack.accept(written[0]);
        }
        return old;
    }

    /** The load half of an RMW's ordering, used as the failure ordering of unconditional RMWs. */
    static Ordering loadPart(Ordering order) {
        return switch (order) {
            case RELEASE -> Ordering.RELAXED;
            case ACQ_REL -> Ordering.ACQUIRE;
            default -> order;
        };
    }
}
