package dev.braid.cancel;

import dev.braid.internal.rt.Rt;
import dev.braid.internal.util.Args;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * An ambient cancellation scope: a token and/or deadline that bounds every braid blocking operation
 * run inside it, without passing them around.
 *
 * <pre>{@code
 * String body = CancelScope.withTimeout(Duration.ofSeconds(2), () -> {
 *     try (var g = cache.lock()) { ... }         // stops waiting when the scope ends
 *     return worker.join();                      // likewise
 * });                                            // DeadlineExceededException after 2 s
 * }</pre>
 *
 * <p>Inside a scope, every braid operation that waits ({@code JoinHandle.join}, {@code
 * Threads.sleep}, {@code Mutex.lock}, {@code RwLock} read and write, {@code Condvar} waits, {@code
 * Semaphore.acquire}, {@code Barrier.await}, {@code OnceCell}/{@code Lazy} waiting for another
 * thread's initializer, {@link CancellationToken#await()}; later channels) stops waiting when one
 * of the scope's tokens is cancelled ({@link CancelledException}, cause = the token's cause) or its
 * deadline passes ({@link DeadlineExceededException}). An operation that does not need to wait is
 * not affected; call {@link #checkpoint()} to poll explicitly. Scopes nest: the inner scope has the
 * earlier deadline and all tokens of both.
 *
 * <p>The scope is a {@link ScopedValue}: it is visible in the body's thread, in threads forked with
 * {@code StructuredTaskScope}, and in children spawned into a {@code Threads.scope} (which
 * {@linkplain #enter enter} the scope their parent had when it spawned them). Threads started with
 * {@code Threads.spawn} or a thread builder's {@code spawn} do not inherit it: they may outlive the
 * scope's block, and a background thread that dies with the request that happened to start it is a
 * bug that is hard to find. Such a thread can enter a captured scope explicitly.
 */
public final class CancelScope {
    private static final ScopedValue<CancelScope> CURRENT = ScopedValue.newInstance();
    private static final CancellationToken[] NO_TOKENS = new CancellationToken[0];
    private static final CancelScope NONE = new CancelScope(NO_TOKENS, Deadline.never());

    private final CancellationToken[] tokens;
    private final Deadline deadline;

    private CancelScope(CancellationToken[] tokens, Deadline deadline) {
        this.tokens = tokens;
        this.deadline = deadline;
    }

    /**
     * The body of a scope.
     *
     * @param <R> the type of the body's value
     * @param <X> the type of exception the body may throw
     */
    @FunctionalInterface
    public interface Body<R, X extends Throwable> {
        /**
         * Runs inside the scope.
         *
         * @return the body's value, returned by the method that ran it
         * @throws X whatever the body throws
         */
        R run() throws X;
    }

    /**
     * Runs {@code body} in a scope bounded by {@code token} and {@code deadline} (in addition to
     * any enclosing scope's) and returns its value.
     *
     * @param <R> the type of the body's value
     * @param <X> the type of exception the body may throw
     * @param token cancels the body when cancelled
     * @param deadline when braid waits in the body stop with {@link DeadlineExceededException}
     * @param body the code to run in the scope
     * @return the body's value
     * @throws NullPointerException if an argument is null
     * @throws X whatever the body throws
     */
    public static <R, X extends Throwable> R call(
            CancellationToken token, Deadline deadline, Body<R, X> body) throws X {
        Args.notNull(token, "token");
        Args.notNull(deadline, "deadline");
        Args.notNull(body, "body");
        CancellationToken[] ts =
                token.canBeCancelled() ? new CancellationToken[] {token} : NO_TOKENS;
        return ScopedValue.where(CURRENT, current().nest(ts, deadline)).call(body::run);
    }

    /**
     * Runs {@code body} in this scope (nested in the caller's current one, if any): how a scope
     * captured with {@link #current()} is carried to another thread that works on its behalf.
     * Children spawned into a {@code Threads.scope} get their parent's scope this way; threads
     * started otherwise do not, unless their body enters a scope explicitly:
     *
     * <pre>{@code
     * CancelScope request = CancelScope.current();
     * Threads.spawn(() -> request.enter(() -> fetch(url)));   // bounded like the request
     * }</pre>
     *
     * @param <R> the type of the body's value
     * @param <X> the type of exception the body may throw
     * @param body the code to run in the scope
     * @return the body's value
     * @throws NullPointerException if {@code body} is null
     * @throws X whatever the body throws
     */
    public <R, X extends Throwable> R enter(Body<R, X> body) throws X {
        Args.notNull(body, "body");
        CancelScope outer = current();
        CancelScope inner = outer.isActive() ? outer.nest(tokens, deadline) : this;
        if (inner == outer) {
            return body.run();
        }
        return ScopedValue.where(CURRENT, inner).call(body::run);
    }

    /** This scope with {@code more} tokens (those not in it yet) and a deadline no later. */
    private CancelScope nest(CancellationToken[] more, Deadline d) {
        CancellationToken[] ts = tokens;
        for (CancellationToken t : more) {
            if (!Arrays.asList(ts).contains(t)) {
                ts = Arrays.copyOf(ts, ts.length + 1);
                ts[ts.length - 1] = t;
            }
        }
        Deadline min = deadline.min(d);
        return ts == tokens && min.equals(deadline) ? this : new CancelScope(ts, min);
    }

    /**
     * Runs {@code body} in a scope bounded by {@code token}.
     *
     * @param <R> the type of the body's value
     * @param <X> the type of exception the body may throw
     * @param token cancels the body when cancelled
     * @param body the code to run in the scope
     * @return the body's value
     * @throws NullPointerException if an argument is null
     * @throws X whatever the body throws
     */
    public static <R, X extends Throwable> R withToken(CancellationToken token, Body<R, X> body)
            throws X {
        return call(token, Deadline.never(), body);
    }

    /**
     * Runs {@code body} in a scope bounded by {@code deadline}.
     *
     * @param <R> the type of the body's value
     * @param <X> the type of exception the body may throw
     * @param deadline when braid waits in the body stop with {@link DeadlineExceededException}
     * @param body the code to run in the scope
     * @return the body's value
     * @throws NullPointerException if an argument is null
     * @throws X whatever the body throws
     */
    public static <R, X extends Throwable> R withDeadline(Deadline deadline, Body<R, X> body)
            throws X {
        return call(CancellationToken.none(), deadline, body);
    }

    /**
     * Runs {@code body} in a scope whose deadline is {@code timeout} from now. A zero or negative
     * timeout runs it in a scope whose deadline has passed: every braid wait inside gives up at
     * once with {@link DeadlineExceededException} (ADR 0039).
     *
     * @param <R> the type of the body's value
     * @param <X> the type of exception the body may throw
     * @param timeout how long from now the body may run before its braid waits stop
     * @param body the code to run in the scope
     * @return the body's value
     * @throws NullPointerException if an argument is null
     * @throws X whatever the body throws
     */
    public static <R, X extends Throwable> R withTimeout(Duration timeout, Body<R, X> body)
            throws X {
        Args.notNull(timeout, "timeout");
        return call(CancellationToken.none(), Deadline.after(timeout), body);
    }

    /**
     * The innermost scope around the caller; an inactive scope when there is none.
     *
     * @return the innermost scope around the caller; an inactive scope when there is none
     */
    public static CancelScope current() {
        return CURRENT.orElse(NONE);
    }

    /**
     * Throws if the current scope is cancelled or past its deadline; otherwise does nothing.
     *
     * @throws CancelledException if a token of the scope is cancelled
     * @throws DeadlineExceededException if the scope's deadline has passed
     */
    public static void checkpoint() {
        current().check();
    }

    /**
     * Whether this scope can stop anything (it has a cancellable token or a deadline).
     *
     * @return whether this scope can stop anything (it has a cancellable token or a deadline)
     */
    public boolean isActive() {
        return tokens.length != 0 || !deadline.isNever();
    }

    /**
     * The scope's deadline ({@link Deadline#never()} if none).
     *
     * @return the scope's deadline ({@link Deadline#never()} if none)
     */
    public Deadline deadline() {
        return deadline;
    }

    /**
     * The scope's tokens, outermost first.
     *
     * @return the scope's tokens, outermost first
     */
    public List<CancellationToken> tokens() {
        return List.of(tokens);
    }

    /**
     * Whether a token is cancelled or the deadline has passed.
     *
     * @return whether a token is cancelled or the deadline has passed
     */
    public boolean isCancelled() {
        for (CancellationToken t : tokens) {
            if (t.isCancelled()) {
                return true;
            }
        }
        return deadline.isExpired();
    }

    /**
     * Throws if a token is cancelled (checked first) or the deadline has passed.
     *
     * @throws CancelledException if a token of the scope is cancelled
     * @throws DeadlineExceededException if the deadline has passed
     */
    public void check() {
        for (CancellationToken t : tokens) {
            t.throwIfCancelled();
        }
        if (deadline.isExpired()) {
            throw new DeadlineExceededException(
                    deadline,
                    null,
                    "deadline exceeded (deadline passed "
                            + millis(Rt.nanoTime() - deadline.nanoTime())
                            + " ago)");
        }
    }

    /**
     * For authors of blocking primitives: {@link #check()} for a wait that the scope stops, with a
     * message that says what was waiting and for how long, and why it stopped — for example {@code
     * "lock of Mutex(accounts) stopped after waiting 2003.1 ms: deadline exceeded (deadline passed
     * 0.4 ms ago)"}. Call it on the slow path only, after {@link #isCancelled()} said yes.
     *
     * @param operation what the thread was doing ({@code "lock"}, {@code "join"}, ...)
     * @param waitingOn the object it waited on (its {@code toString()} names it), or null
     * @param sinceNanos when the wait began, on the seam clock ({@link Deadline#nanoTime()}'s
     *     scale)
     * @throws CancelledException if a token of the scope is cancelled (the cause is its cause)
     * @throws DeadlineExceededException if the scope's deadline has passed
     * @throws NullPointerException if {@code operation} is null
     */
    public void checkWaiting(String operation, Object waitingOn, long sinceNanos) {
        Args.notNull(operation, "operation");
        for (CancellationToken t : tokens) {
            if (t.isCancelled()) {
                throw t.toException(prefix(operation, waitingOn, sinceNanos));
            }
        }
        if (deadline.isExpired()) {
            throw new DeadlineExceededException(
                    deadline,
                    null,
                    prefix(operation, waitingOn, sinceNanos)
                            + "deadline exceeded (deadline passed "
                            + millis(Rt.nanoTime() - deadline.nanoTime())
                            + " ago)");
        }
    }

    private static String prefix(String operation, Object waitingOn, long sinceNanos) {
        return operation
                + (waitingOn == null ? "" : " of " + waitingOn)
                + " stopped after waiting "
                + millis(Rt.nanoTime() - sinceNanos)
                + ": ";
    }

    /** {@code nanos} as milliseconds with one decimal, e.g. {@code "2003.1 ms"}. */
    static String millis(long nanos) {
        long tenths = Math.max(0L, nanos) / 100_000L;
        return tenths / 10 + "." + tenths % 10 + " ms";
    }

    /**
     * For authors of blocking primitives: unparks {@code thread} (through the runtime seam) when
     * any token of this scope is cancelled. The waiter parks until at most {@link #deadline()},
     * calls {@link #check()} after each wake-up, and closes the registration when done.
     *
     * @param thread the waiting thread to unpark
     * @return the registration; close it when the wait is over
     * @throws NullPointerException if {@code thread} is null
     */
    public CancellationRegistration wakeOnCancel(Thread thread) {
        Args.notNull(thread, "thread");
        Runnable wake = () -> Rt.unpark(thread);
        if (tokens.length == 1) {
            return tokens[0].onCancel(wake);
        }
        CancellationRegistration[] parts = new CancellationRegistration[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            parts[i] = tokens[i].onCancel(wake);
        }
        return new Registrations.Composite(parts);
    }

    @Override
    public String toString() {
        return "CancelScope[tokens=" + tokens.length + ", " + deadline + "]";
    }
}
