package dev.braid.pool;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancelledException;
import dev.braid.thread.PanicException;

/**
 * What {@link WorkStealingPool#join} and {@link WorkStealingPool#joinLong} make of a half that did
 * not simply return: the slow paths of a fork/join, kept apart from the pool's hot path (a half
 * that threw, was stopped by the caller's scope, or was stolen).
 */
final class JoinOutcomes {
    private JoinOutcomes() {}

    /**
     * What a join throws for a half that ended with {@code cause}: the {@link CancelledException}
     * itself when it is a stop by the caller's scope (that scope is cancelled or past its deadline:
     * ADR 0124's rule, ADR 0131), a nested panic as it is, else {@code panic}.
     */
    static RuntimeException stopOrPanic(Throwable cause, CancelScope caller, PanicException panic) {
        if (cause instanceof CancelledException c && caller.isCancelled()) {
            return c;
        }
        return cause instanceof PanicException inner ? inner : panic;
    }

    /** The first half of a join threw: cancels or awaits the second, returns what to throw. */
    static RuntimeException firstFailed(Worker w, TaskHandle<?> hb, Throwable t) {
        if (!hb.tryCancel()) {
            try {
                hb.joinQuietly();
            } catch (PanicException ignored) {
                // a's failure is the one reported
            }
        }
        if (t instanceof CancelledException c && CancelScope.current().isCancelled()) {
            return c; // a stop by the caller's scope, not a panic (ADR 0131)
        }
        return t instanceof PanicException p ? p : new PanicException(w.thread.getName(), t);
    }

    /** The second half was stolen (or hooks watch): runs what was popped, then joins it. */
    static <B> B secondResult(Worker w, TaskHandle<?> last, TaskHandle<B> hb) {
        if (last != null) {
            w.runTask(last);
        }
        try {
            return hb.joinQuietly();
        } catch (PanicException p) {
            throw stopOrPanic(p.getCause(), CancelScope.current(), p);
        }
    }
}
