package dev.braid.rc;

import dev.braid.internal.rt.Op;
import dev.braid.internal.rt.Rt;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** The state all shares of one {@link Arc} point to: the resource and the strong count. */
final class ArcCore<T extends AutoCloseable> {
    /*
     * Implementation notes
     *
     * Algorithm. Rust's Arc strong count, without the weak count (the GC frees the core).
     * `strong` counts unreleased shares; it starts at 1 and, once it reaches 0, never moves
     * again: retain() and upgrade() increment with a CAS loop that refuses 0 (no resurrection),
     * release() decrements with getAndAdd. Exactly one decrement observes 1 -> 0, and only that
     * thread closes the resource: "closes exactly once" holds under any race, because the count
     * is a single atomic word and each share decrements at most once (Arc.released is a CAS).
     *
     * Memory ordering. All count changes are volatile RMWs: every use of the resource through a
     * share happens-before that share's decrement, and so happens-before the close() run by
     * whichever thread takes the count to 0 (Rust needs an Acquire fence here; Java's volatile
     * getAndAdd is already both acquire and release). The resource field is nulled after close
     * so that weak handles do not keep it reachable.
     *
     * References. Rust std::sync::Arc (and its drop fence, "Rust Atomics and Locks", M. Bos,
     * ch. 6); Netty's ReferenceCounted.
     */

    private static final VarHandle STRONG;

    static {
        try {
            STRONG = MethodHandles.lookup().findVarHandle(ArcCore.class, "strong", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile T resource;

    @SuppressWarnings("unused") // accessed through STRONG
    private volatile int strong = 1;

    final String type;

    ArcCore(T resource) {
        this.resource = resource;
        this.type = resource.getClass().getName();
    }

    T resource() {
        return resource;
    }

    /** The count; an acquire of every release it counts, as on the JVM (a volatile read). */
    int strong() {
        int n = (int) STRONG.getVolatile(this);
        Rt.acquireFrom(this); // the testkit: retain()/release() announced RMWs on this core
        return n;
    }

    /** Adds a share unless the resource is closed; false if it is. */
    boolean retain() {
        Rt.yieldPoint(Op.RMW, this);
        while (true) {
            int n = (int) STRONG.getVolatile(this);
            if (n == 0) {
                return false;
            }
            if (n == Integer.MAX_VALUE) {
                throw new IllegalStateException(this + ": too many shares");
            }
            if (STRONG.compareAndSet(this, n, n + 1)) {
                return true;
            }
        }
    }

    /** Drops one share; the last one closes the resource. */
    Release release() {
        Rt.yieldPoint(Op.RMW, this);
        if ((int) STRONG.getAndAdd(this, -1) != 1) {
            return Release.SHARED;
        }
        T r = resource;
        resource = null;
        try {
            r.close();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new CloseFailedException(toString(), e);
        }
        return Release.CLOSED;
    }

    @Override
    public String toString() {
        return "Arc<" + type + ">";
    }
}
