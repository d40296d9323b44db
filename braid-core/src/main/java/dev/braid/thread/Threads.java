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
 * Threads.scope(s -> {                        // joins every child before returning
 *     s.spawn(() -> work(1));
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
     * Runs {@code body} with a {@link Scope} in which it may spawn threads that borrow from the
     * enclosing method; returns only after every thread spawned in the scope has finished.
     *
     * <p>If the body throws, that exception propagates after all children finished, with the panics
     * of children that nobody joined attached as suppressed. Otherwise, if a child panicked and was
     * not joined, a {@link PanicException} for the first such child (by time of failure)
     * propagates, later ones suppressed. Waiting for the children ignores interrupts (the interrupt
     * status is kept), since returning early would break the scope's guarantee. Children run in the
     * {@link CancelScope} that was current where they were spawned.
     *
     * @param <X> the type of exception the body may throw
     * @param body runs with the scope and may spawn threads in it
     * @throws NullPointerException if {@code body} is null
     * @throws X whatever the body throws
     */
    public static <X extends Exception> void scope(ScopeAction<X> body) throws X {
        Args.notNull(body, "body");
        scopeAndGet(
                s -> {
                    body.run(s);
                    return null;
                });
    }

    /**
     * Like {@link #scope(ScopeAction)}, returning the body's value.
     *
     * @param <R> the type of the body's value
     * @param <X> the type of exception the body may throw
     * @param body runs with the scope and returns a value
     * @return the body's value
     * @throws NullPointerException if {@code body} is null
     * @throws X whatever the body throws
     */
    public static <R, X extends Exception> R scopeAndGet(ScopeFunction<R, X> body) throws X {
        Args.notNull(body, "body");
        Scope scope = new Scope();
        R result;
        try {
            result = body.run(scope);
        } catch (Throwable t) {
            scope.close(t);
            throw sneaky(t);
        }
        scope.close(null);
        return result;
    }

    /**
     * Sleeps for {@code duration} (on the virtual clock under the testkit). Inside a {@link
     * CancelScope} the sleep ends early when the scope is cancelled or its deadline passes first.
     *
     * @param duration how long to sleep
     * @throws InterruptedException if interrupted while sleeping
     * @throws dev.braid.cancel.CancelledException if the ambient scope's token is cancelled, or
     *     ({@link dev.braid.cancel.DeadlineExceededException}) its deadline passes, before the end
     * @throws NullPointerException if {@code duration} is null
     * @throws IllegalArgumentException if {@code duration} is negative
     */
    public static void sleep(Duration duration) throws InterruptedException {
        Args.nonNegative(duration, "duration");
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
        try {
            Deadline bound = deadline.min(scope.deadline());
            while (true) {
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                if (deadline.isExpired()) {
                    return;
                }
                scope.check();
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
    private static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
        throw (E) t;
    }
}
