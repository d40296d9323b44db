package dev.braid.thread;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancellationRegistration;
import dev.braid.cancel.Deadline;
import dev.braid.internal.rt.Op;
import dev.braid.internal.rt.Rt;
import dev.braid.internal.util.Args;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * Entry points for braid threads: spawn with join handles, scoped threads, sleep.
 *
 * <pre>{@code
 * JoinHandle<Integer> h = Threads.spawn(() -> 6 * 7);
 * int answer = h.join();                      // rethrows a panic as PanicException
 *
 * Threads.scope(s -> {                        // joins every child before returning;
 *     s.spawn(() -> work(1));                 // the first failure cancels the others
 *     s.spawn(() -> work(2));
 * });
 * }</pre>
 */
public final class Threads {
    private Threads() {}

    /**
     * A builder for threads with a name, daemon flag, kind (platform or virtual) and stack size.
     *
     * @return a builder for threads with a name, daemon flag, kind (platform or virtual) and stack
     *     size
     */
    public static ThreadBuilder builder() {
        return new ThreadBuilder();
    }

    /**
     * Spawns a platform thread with a generated name running {@code body}. The thread does not
     * inherit the caller's {@link CancelScope} (it may outlive it); see {@link CancelScope#enter}.
     *
     * @param <T> the type of the body's value
     * @param body the code the thread runs; its value is the join value
     * @return the handle that joins the thread and returns its value
     * @throws NullPointerException if {@code body} is null
     */
    public static <T> JoinHandle<T> spawn(Callable<T> body) {
        return builder().spawn(body);
    }

    /**
     * Spawns a platform thread with a generated name running {@code body}.
     *
     * @param body the code the thread runs
     * @return the handle that joins the thread
     * @throws NullPointerException if {@code body} is null
     */
    public static JoinHandle<Void> spawn(Runnable body) {
        return builder().spawn(body);
    }

    /**
     * Runs {@code body} with a {@link Scope} that {@linkplain ScopePolicy#FAIL_FAST fails fast};
     * see {@link #scope(ScopePolicy, ScopeAction)}.
     *
     * @param <X> the checked exception the body may throw
     * @param body spawns the scope's children
     * @throws X if the body throws it
     * @throws PanicException if a child panicked and nobody joined it (the first such child)
     * @throws dev.braid.cancel.CancelledException if a child was stopped by the {@link CancelScope}
     *     it ran in (before any other failure)
     * @throws NullPointerException if {@code body} is null
     */
    public static <X extends Exception> void scope(ScopeAction<X> body) throws X {
        scope(ScopePolicy.FAIL_FAST, body);
    }

    /**
     * Runs {@code body} with a {@link Scope} in which it may spawn threads that borrow from the
     * enclosing method; returns only after every thread spawned in the scope has finished.
     *
     * <p>A child <em>fails</em> when it panics (its body throws), or when the {@link CancelScope}
     * it inherited from its spawner stops it ({@link dev.braid.cancel.CancelledException} or {@link
     * dev.braid.cancel.DeadlineExceededException}, not a panic: the panic hook does not see it).
     * What happens then is the {@code policy}'s:
     *
     * <ul>
     *   <li>{@link ScopePolicy#FAIL_FAST}: the first failure cancels the scope's {@linkplain
     *       Scope#token() token}, so siblings (and the body) blocked in braid waits or sleeps stop
     *       at once; the scope rethrows that failure, later failures suppressed. Siblings stopped
     *       this way are not failures. A body that throws cancels the token as well.
     *   <li>{@link ScopePolicy#COLLECT_ALL}: every child runs to its end; the scope then rethrows
     *       the first failure, later ones suppressed.
     *   <li>{@link ScopePolicy#FIRST_SUCCESS}: the first child that returns normally cancels its
     *       siblings; the scope fails only if no child succeeded, with the first failure. Read the
     *       winner's value through its handle.
     * </ul>
     *
     * <p>A failure is rethrown as a {@link PanicException} (cause: the child's exception) or as the
     * child's {@code CancelledException}. A child panic that someone received through {@link
     * JoinHandle#join()} counts as handled and is not rethrown. If the body throws, that exception
     * propagates, with the unhandled child failures attached as suppressed — unless it is the
     * scope's own cancellation caused by a failed child, which then propagates instead. Waiting for
     * the children ignores interrupts (the interrupt status is kept), since returning early would
     * break the scope's guarantee.
     *
     * @param <X> the checked exception the body may throw
     * @param policy what a child's failure or success does to its siblings
     * @param body spawns the scope's children
     * @throws X if the body throws it
     * @throws PanicException if a child panicked and nobody joined it (the first such child)
     * @throws dev.braid.cancel.CancelledException if a child was stopped by the {@link CancelScope}
     *     it ran in (before any other failure)
     * @throws NullPointerException if an argument is null
     */
    public static <X extends Exception> void scope(ScopePolicy policy, ScopeAction<X> body)
            throws X {
        Args.notNull(policy, "policy");
        Args.notNull(body, "body");
        scopeAndGet(
                policy,
                s -> {
                    body.run(s);
                    return null;
                });
    }

    /**
     * Like {@link #scope(ScopeAction)}, returning the body's value.
     *
     * @param <R> the body's result type
     * @param <X> the checked exception the body may throw
     * @param body spawns the scope's children and computes the result
     * @return the body's value, once every child has finished
     * @throws X if the body throws it
     * @throws PanicException as for {@link #scope(ScopeAction)}
     * @throws NullPointerException if {@code body} is null
     */
    public static <R, X extends Exception> R scopeAndGet(ScopeFunction<R, X> body) throws X {
        return scopeAndGet(ScopePolicy.FAIL_FAST, body);
    }

    /**
     * Like {@link #scope(ScopePolicy, ScopeAction)}, returning the body's value.
     *
     * @param <R> the body's result type
     * @param <X> the checked exception the body may throw
     * @param policy what a child's failure or success does to its siblings
     * @param body spawns the scope's children and computes the result
     * @return the body's value, once every child has finished
     * @throws X if the body throws it
     * @throws PanicException as for {@link #scope(ScopePolicy, ScopeAction)}
     * @throws NullPointerException if an argument is null
     */
    public static <R, X extends Exception> R scopeAndGet(
            ScopePolicy policy, ScopeFunction<R, X> body) throws X {
        Args.notNull(policy, "policy");
        Args.notNull(body, "body");
        Scope scope = new Scope(policy);
        R result;
        try {
            // Under FAIL_FAST the body is part of the failing work: it stops with its children.
            result =
                    policy == ScopePolicy.FAIL_FAST
                            ? CancelScope.withToken(scope.token(), () -> body.run(scope))
                            : body.run(scope);
        } catch (Throwable t) {
            scope.close(t);
            throw sneaky(t);
        }
        scope.close(null);
        return result;
    }

    /**
     * Sleeps for {@code duration} (on the virtual clock under the testkit). A zero or negative
     * duration returns at once (ADR 0039). Inside a {@link CancelScope} the sleep ends early when
     * the scope is cancelled or its deadline passes first.
     *
     * @param duration how long to sleep
     * @throws InterruptedException if interrupted while sleeping
     * @throws dev.braid.cancel.CancelledException if the ambient scope's token is cancelled, or
     *     ({@link dev.braid.cancel.DeadlineExceededException}) its deadline passes, before the end
     * @throws NullPointerException if {@code duration} is null
     */
    public static void sleep(Duration duration) throws InterruptedException {
        Args.notNull(duration, "duration");
        sleepUntil0(Deadline.after(duration));
    }

    /**
     * Sleeps until {@code deadline}; ambient scopes apply as for {@link #sleep}.
     *
     * @param deadline when to wake up
     * @throws InterruptedException if interrupted while sleeping
     * @throws dev.braid.cancel.CancelledException as for {@link #sleep}
     * @throws NullPointerException if {@code deadline} is null
     */
    public static void sleepUntil(Deadline deadline) throws InterruptedException {
        Args.notNull(deadline, "deadline");
        sleepUntil0(deadline);
    }

    private static final Object SLEEP_BLOCKER = "sleep";

    private static void sleepUntil0(Deadline deadline) throws InterruptedException {
        CancelScope scope = CancelScope.current();
        if (!scope.isActive()) {
            Rt.sleepUntil(deadline.nanoTime());
            return;
        }
        Rt.yieldPoint(Op.SLEEP, null);
        CancellationRegistration wake = scope.wakeOnCancel(Thread.currentThread());
        long since = Rt.nanoTime(); // when the wait began: for the message of a stop
        try {
            Deadline bound = deadline.min(scope.deadline());
            while (true) {
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                if (deadline.isExpired()) {
                    return;
                }
                if (scope.isCancelled()) {
                    scope.checkWaiting("sleep", null, since);
                }
                if (bound.isNever()) {
                    Rt.park(SLEEP_BLOCKER);
                } else {
                    Rt.parkUntil(SLEEP_BLOCKER, bound.nanoTime());
                }
            }
        } finally {
            wake.deregister();
        }
    }

    /**
     * The body of {@link #scope(ScopeAction)}.
     *
     * @param <X> the type of exception the body may throw
     */
    @FunctionalInterface
    public interface ScopeAction<X extends Exception> {
        /**
         * Runs with the scope.
         *
         * @param scope the scope to spawn threads in
         * @throws X whatever the body throws
         */
        void run(Scope scope) throws X;
    }

    /**
     * The body of {@link #scopeAndGet(ScopeFunction)}.
     *
     * @param <R> the type of the body's value
     * @param <X> the type of exception the body may throw
     */
    @FunctionalInterface
    public interface ScopeFunction<R, X extends Exception> {
        /**
         * Runs with the scope and returns a value.
         *
         * @param scope the scope to spawn threads in
         * @return the value {@link #scopeAndGet(ScopeFunction)} returns
         * @throws X whatever the body throws
         */
        R run(Scope scope) throws X;
    }

    @SuppressWarnings("unchecked")
    static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
        throw (E) t;
    }
}
