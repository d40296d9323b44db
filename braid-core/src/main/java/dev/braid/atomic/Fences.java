package dev.braid.atomic;

import dev.braid.internal.rt.Op;
import dev.braid.internal.rt.Rt;
import dev.braid.internal.rt.SimMemory;
import dev.braid.internal.rt.SimThread;
import java.lang.invoke.VarHandle;

/**
 * Memory fences, as Rust's {@code std::sync::atomic::fence}. A release fence followed by a relaxed
 * store, read by a relaxed load followed by an acquire fence, synchronizes like a release store
 * read by an acquire load.
 *
 * <table>
 *   <caption>Fences and VarHandle fences</caption>
 *   <tr><th>Ordering</th><th>JDK</th></tr>
 *   <tr><td>{@code ACQUIRE}</td><td>{@link VarHandle#acquireFence()}</td></tr>
 *   <tr><td>{@code RELEASE}</td><td>{@link VarHandle#releaseFence()}</td></tr>
 *   <tr><td>{@code ACQ_REL}</td><td>both</td></tr>
 *   <tr><td>{@code SEQ_CST}</td><td>{@link VarHandle#fullFence()}</td></tr>
 * </table>
 */
public final class Fences {
    private Fences() {}

    /**
     * A fence with the given ordering.
     *
     * @param order the ordering of the fence
     * @throws IllegalArgumentException for {@code RELAXED} (a relaxed fence orders nothing)
     */
    public static void fence(Ordering order) {
        if (order == null) {
            throw new NullPointerException("order must not be null");
        }
        if (order == Ordering.RELAXED) {
            throw new IllegalArgumentException("order: there is no RELAXED fence");
        }
        Rt.yieldPoint(Op.OTHER, null);
        SimThread t = Rt.sim();
        if (t instanceof SimMemory m) {
            m.fence(order.ordinal());
            return;
        }
        switch (order) {
            case ACQUIRE -> VarHandle.acquireFence();
            case RELEASE -> VarHandle.releaseFence();
            case ACQ_REL -> {
                VarHandle.acquireFence();
                VarHandle.releaseFence();
            }
            default -> VarHandle.fullFence();
        }
    }
}
