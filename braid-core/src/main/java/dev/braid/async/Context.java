package dev.braid.async;

import dev.braid.internal.util.Args;
import dev.braid.internal.util.InsidePoll;

/**
 * What a future's {@link Async#poll(Context) poll} gets from its executor: the {@link Waker} to
 * call when it can make progress, and the task's cooperative budget.
 *
 * <p><b>Cooperative budget</b> (tokio's coop). Each poll of a task starts with {@link
 * #DEFAULT_BUDGET} units. A leaf future that is about to return {@link Poll.Ready} calls {@link
 * #consumeBudget()}; once the budget is spent that call wakes the task and returns false, and the
 * leaf returns {@link Poll.Pending} instead: the task goes to the back of the run queue, so a task
 * whose every operation is ready (a loop over a fast producer) cannot starve the others. braid's
 * own leaves (task handles, sleeps, interop, {@link Async#yieldNow()}) do this; combinators pass
 * the context through unchanged.
 *
 * <p>A context belongs to one poll of one task: use it only during that poll, on that thread (keep
 * the waker, not the context).
 */
public sealed class Context permits Completion {
    /*
     * Implementation notes
     *
     * Sealed, not final, for one reason (ADR 0072): a spawned task (RawTask, through Completion)
     * is its own context, so a spawn allocates no separate Context object. Only this package can
     * extend it; for users it is as closed as a final class. A Completion that is not a task is
     * never handed out as a context (its waker is null).
     */

    static {
        // a channel's blocking operation inside a poll fails fast instead of holding the thread
        // (probe17, ADR 0189); asked only on the path where it is about to wait
        InsidePoll.install(
                () -> {
                    Object p = Interop.polling();
                    return p == null ? null : p instanceof RawTask<?> t ? t.toString() : "a task";
                });
    }

    /** Units a task may spend in one poll before it yields (tokio's value). */
    public static final int DEFAULT_BUDGET = 128;

    private final Waker waker;
    private int budget;

    /**
     * A context for polling by hand, with a full budget.
     *
     * @param waker the waker to hand to the polled future
     * @throws NullPointerException if {@code waker} is null
     */
    public Context(Waker waker) {
        this.waker = Args.notNull(waker, "waker");
        this.budget = DEFAULT_BUDGET;
    }

    /** For a task that is its own context: its waker is itself (null for other completions). */
    Context() {
        this.waker = this instanceof Waker w ? w : null;
        this.budget = DEFAULT_BUDGET;
    }

    /**
     * The waker of the task being polled.
     *
     * @return the waker
     */
    public Waker waker() {
        return waker;
    }

    /**
     * Spends one unit of the task's budget before returning a ready result.
     *
     * @return true to go on; false if the budget is spent, in which case the waker has been called
     *     and the caller must return {@link Poll#pending()} instead of its result
     */
    public boolean consumeBudget() {
        if (budget > 0) {
            budget--;
            return true;
        }
        waker.wake();
        return false;
    }

    /**
     * The units left in this poll.
     *
     * @return the remaining budget
     */
    public int remainingBudget() {
        return budget;
    }

    void resetBudget() {
        budget = DEFAULT_BUDGET;
    }
}
