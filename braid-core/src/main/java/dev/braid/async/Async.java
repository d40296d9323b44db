package dev.braid.async;

import dev.braid.cancel.CancellationToken;
import dev.braid.cancel.Deadline;
import dev.braid.internal.util.Args;
import dev.braid.thread.JoinHandle;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * A poll-based future: a computation that makes progress only when it is {@linkplain #poll(Context)
 * polled}, and says when to poll it again by calling the context's {@link Waker}. (Named {@code
 * Async} so it does not clash with {@link java.util.concurrent.Future}.)
 *
 * <p><b>Contract for implementors.</b> {@link #poll} either returns {@link Poll.Ready} with the
 * value, returns {@link Poll.Pending} after arranging for {@code cx.waker()} (the one of the latest
 * poll) to be called once progress is possible, or throws — which fails the task that polls it, the
 * exception preserved as it is (checked ones included). It must not block. After it returned ready
 * or threw it is not polled again; braid's combinators throw {@link IllegalStateException} if they
 * are (leaves document their own behaviour). {@link #drop()} is called at most once, instead of
 * further polls, when the owner abandons the future before it finished (the task was cancelled, it
 * lost a race, its timeout elapsed): the Java form of Rust's drop, where a future releases its
 * timer, registrations and children.
 *
 * <p><b>Threads.</b> A future is polled by one thread at a time; successive polls may run on
 * different threads, and everything a poll wrote happens-before the next poll of the same task.
 *
 * <p><b>Running one.</b> {@link LocalExecutor#blockOn}, {@link AsyncExecutor#spawn}, or {@link
 * #await(Async)} from a (virtual) thread.
 *
 * @param <T> the value type
 */
@FunctionalInterface
public interface Async<T> {

    /**
     * Advances the computation as far as it can go without blocking.
     *
     * @param cx the context of this poll: the waker to call when progress is possible, the budget
     * @return the value, or pending
     */
    Poll<T> poll(Context cx);

    /**
     * Abandons the future before it finished: release what it holds (timers, registrations,
     * children). Called at most once, and never after the future returned ready or threw. The
     * default does nothing.
     */
    default void drop() {}

    // ---- combinators ----

    /**
     * The value of this future transformed by {@code f} (run in the poll that finds it ready).
     *
     * @param <U> the new value type
     * @param f the transformation; an exception it throws fails the future
     * @return the mapped future
     * @throws NullPointerException if {@code f} is null
     */
    default <U> Async<U> map(Function<? super T, ? extends U> f) {
        Args.notNull(f, "f");
        return Combinators.Then.map(this, f);
    }

    /**
     * Sequencing (flat-map): when this future is ready, {@code next} turns its value into the
     * future whose value this one then has.
     *
     * @param <U> the new value type
     * @param next makes the second future; an exception it throws (or a null result) fails it
     * @return the sequenced future
     * @throws NullPointerException if {@code next} is null
     */
    default <U> Async<U> then(Function<? super T, ? extends Async<U>> next) {
        Args.notNull(next, "next");
        return Combinators.Then.then(this, next);
    }

    /**
     * This future bounded in time: {@link Timed.Done} with its value if it finishes within {@code
     * timeout} (on braid's shared {@link dev.braid.time.TimerWheel}), else {@link Timed.Elapsed}
     * and this future is dropped. A timeout ≤ 0 means "do not wait": this future is polled once. If
     * both are ready in the same poll, the value wins.
     *
     * @param timeout the time allowed
     * @return the bounded future
     * @throws NullPointerException if {@code timeout} is null
     */
    default Async<Timed<T>> timeout(Duration timeout) {
        Args.notNull(timeout, "timeout");
        return new Timers.TimeoutAsync<>(this, Deadline.after(timeout));
    }

    /**
     * The seed's {@code cancel_after}: this future, stopped at its first pending point after {@code
     * token} is cancelled ({@link dev.braid.cancel.CancelledException}) or {@code deadline} passed
     * ({@link dev.braid.cancel.DeadlineExceededException}); it is then dropped. A value that is
     * ready wins over a cancellation seen in the same poll.
     *
     * @param deadline when to give up ({@link Deadline#never()} for no limit)
     * @param token what cancels it ({@link CancellationToken#none()} for nothing)
     * @return the cancellable future
     * @throws NullPointerException if an argument is null
     */
    default Async<T> cancelAfter(Deadline deadline, CancellationToken token) {
        Args.notNull(deadline, "deadline");
        Args.notNull(token, "token");
        return new Timers.CancelAfter<>(this, deadline, token);
    }

    /**
     * This future with {@code cleanup} run exactly once when it finishes, fails, or is dropped
     * (Java's {@code finally} for a future; the cleanup of a cancelled task).
     *
     * @param cleanup the action; if it throws, the future fails with that exception (added as
     *     suppressed to the future's own failure, if any)
     * @return the guarded future
     * @throws NullPointerException if {@code cleanup} is null
     */
    default Async<T> ensure(Runnable cleanup) {
        Args.notNull(cleanup, "cleanup");
        return new Combinators.Ensure<>(this, cleanup);
    }

    // ---- leaves ----

    /**
     * A future that is ready with {@code value} at its first poll (and at every later one).
     *
     * @param <T> the value type
     * @param value the value (may be null)
     * @return the ready future
     */
    static <T> Async<T> ready(T value) {
        Poll<T> p = Poll.ready(value);
        return cx -> p;
    }

    /**
     * A future that fails with {@code failure} (thrown as it is from every poll, checked or not).
     *
     * @param <T> the value type
     * @param failure the exception
     * @return the failed future
     * @throws NullPointerException if {@code failure} is null
     */
    static <T> Async<T> failed(Throwable failure) {
        Args.notNull(failure, "failure");
        return cx -> {
            throw Failures.sneaky(failure);
        };
    }

    /**
     * A future that is never ready (and never wakes its task).
     *
     * @param <T> the value type
     * @return the pending future
     */
    static <T> Async<T> never() {
        return cx -> Poll.pending();
    }

    /**
     * Yields once: pending at the first poll (after waking its task, which goes to the back of the
     * run queue), ready at the next; a poll after that throws {@link IllegalStateException}.
     *
     * @return a new yield future
     */
    static Async<Void> yieldNow() {
        return new Combinators.YieldNow();
    }

    /**
     * Ready once {@code duration} has passed (braid's shared timer wheel, virtual time under the
     * testkit). A duration ≤ 0 is ready at the first poll. Once ready, every later poll is ready.
     *
     * @param duration how long
     * @return the sleep future; dropping it cancels its timer
     * @throws NullPointerException if {@code duration} is null
     */
    static Async<Void> sleep(Duration duration) {
        Args.notNull(duration, "duration");
        return new Timers.Sleep(Deadline.after(duration));
    }

    /**
     * Ready once {@code deadline} has passed (and at every later poll).
     *
     * @param deadline when
     * @return the sleep future; dropping it cancels its timer
     * @throws NullPointerException if {@code deadline} is null
     */
    static Async<Void> sleepUntil(Deadline deadline) {
        Args.notNull(deadline, "deadline");
        return new Timers.Sleep(deadline);
    }

    /**
     * Ready once {@code token} is cancelled (never, for a token that cannot be), and at every later
     * poll.
     *
     * @param token the token
     * @return the future; dropping it deregisters from the token
     * @throws NullPointerException if {@code token} is null
     */
    static Async<Void> cancelled(CancellationToken token) {
        Args.notNull(token, "token");
        return new Interop.TokenCancelled(token);
    }

    /**
     * Ready with the value of {@code thread} once it finished; fails with the {@link
     * dev.braid.thread.PanicException} its join throws. Waiting uses one virtual thread that joins;
     * a poll after it was ready throws {@link IllegalStateException}.
     *
     * @param <T> the thread's value type
     * @param thread the join handle
     * @return the future
     * @throws NullPointerException if {@code thread} is null
     */
    static <T> Async<T> join(JoinHandle<T> thread) {
        Args.notNull(thread, "thread");
        return Interop.join(thread);
    }

    // ---- groups ----

    /**
     * All of {@code futures}, polled concurrently: ready with their values in order once every one
     * is; the first failure fails it and drops the rest.
     *
     * @param <T> the value type
     * @param futures the futures (none null; empty is ready at once)
     * @return the joined future
     * @throws NullPointerException if the list or an element is null
     */
    static <T> Async<List<T>> joinAll(List<? extends Async<? extends T>> futures) {
        return new Combinators.JoinAll<>(Combinators.copy(futures, "futures"));
    }

    /**
     * The first of {@code futures} to finish, success or failure; the others are dropped.
     *
     * @param <T> the value type
     * @param futures the futures (at least one, none null)
     * @return the race
     * @throws NullPointerException if the list or an element is null
     * @throws IllegalArgumentException if the list is empty
     */
    static <T> Async<T> race(List<? extends Async<? extends T>> futures) {
        return Combinators.Then.map(
                new Combinators.Select<T>(
                        Combinators.nonEmpty(futures, "futures"), false, "Async.race(...)"),
                Selected::value,
                "Async.race(...)");
    }

    /**
     * Like {@link #race}, but also says which future won. Each poll starts with the future after
     * the one it started with last time, so none is starved.
     *
     * @param <T> the value type
     * @param futures the futures (at least one, none null)
     * @return the select
     * @throws NullPointerException if the list or an element is null
     * @throws IllegalArgumentException if the list is empty
     */
    static <T> Async<Selected<T>> select(List<? extends Async<? extends T>> futures) {
        return new Combinators.Select<>(
                Combinators.nonEmpty(futures, "futures"), false, "Async.select(...)");
    }

    /**
     * The first of {@code futures} to succeed; the others are dropped. Fails only when all have
     * failed: with the first failure, the others added as suppressed.
     *
     * @param <T> the value type
     * @param futures the futures (at least one, none null)
     * @return the future
     * @throws NullPointerException if the list or an element is null
     * @throws IllegalArgumentException if the list is empty
     */
    static <T> Async<T> firstSuccess(List<? extends Async<? extends T>> futures) {
        return Combinators.Then.map(
                new Combinators.Select<T>(
                        Combinators.nonEmpty(futures, "futures"), true, "Async.firstSuccess(...)"),
                Selected::value,
                "Async.firstSuccess(...)");
    }

    // ---- interop and direct style ----

    /**
     * A future of {@code stage}'s outcome (its exception unwrapped from {@link
     * java.util.concurrent.CompletionException}). Dropping the future cancels the stage, if it is
     * (or converts to) a {@link java.util.concurrent.CompletableFuture}. A poll after it was ready
     * throws {@link IllegalStateException}.
     *
     * @param <T> the value type
     * @param stage the stage
     * @return the future
     * @throws NullPointerException if {@code stage} is null
     */
    static <T> Async<T> fromStage(CompletionStage<T> stage) {
        Args.notNull(stage, "stage");
        return new Interop.FromStage<>(stage);
    }

    /**
     * Runs blocking {@code body} on a new virtual thread and gives its outcome as a future, so
     * blocking code composes with futures without blocking an executor. The thread starts at the
     * first poll and runs inside the {@link dev.braid.cancel.CancelScope} the poll ran in (a task
     * scope's token and deadline bound it). Dropping the future interrupts the thread. A task whose
     * poll started the body does not finish while the body's thread runs (ADR 0181): its outcome (a
     * value, a panic, or the cancellation that dropped the body) is published once the thread
     * ended, so the task's joiners, its {@link TaskScope}'s {@code close} and its executor's {@code
     * close} wait for the body, as a thread scope waits for its threads; no body outlives its task.
     * A body that ignores the interrupt therefore holds its task (and scope) open until it returns:
     * end it promptly when interrupted or when its {@link dev.braid.cancel.CancelScope} stops it.
     * Awaited outside any task ({@link #await} on a thread), the future is the caller's alone and
     * nothing waits for the body after a drop. A poll after it was ready throws {@link
     * IllegalStateException}.
     *
     * @param <T> the value type
     * @param body the blocking code; what it throws fails the future, as it is
     * @return the future
     * @throws NullPointerException if {@code body} is null
     */
    static <T> Async<T> spawnBlocking(Callable<T> body) {
        Args.notNull(body, "body");
        return Interop.spawnBlocking(body);
    }

    /**
     * Direct style: polls {@code future} on the calling thread and parks the thread (through the
     * runtime seam: on a virtual thread it unmounts, no pinning, no busy wait) whenever it is
     * pending, until it is ready. Write sequential code on a virtual thread and still compose with
     * futures. What {@code future} throws from its poll is rethrown as it is (a checked exception
     * too, although undeclared here; not wrapped: the future is not a task).
     *
     * @param <T> the value type
     * @param future the future (polled only by this call)
     * @return its value
     * @throws InterruptedException if the caller is interrupted (the future is dropped)
     * @throws dev.braid.cancel.CancelledException if the ambient {@link
     *     dev.braid.cancel.CancelScope} is cancelled or its deadline passes (the future is dropped)
     * @throws IllegalStateException if called from inside a poll (it would block an executor
     *     thread: compose with {@link #then} or use {@link #spawnBlocking} instead), or if {@code
     *     future} is the unfinished handle of a task of a {@link LocalExecutor} that no thread
     *     drives, or the unfinished handle of the task whose spawnBlocking body calls this, as for
     *     {@link TaskHandle#join()}, or if it is a lock of an {@link AsyncMutex} that this thread
     *     holds (it would wait for itself). A task's drop ({@link #ensure} cleanups) counts as
     *     inside a poll
     * @throws NullPointerException if {@code future} is null
     */
    static <T> T await(Async<T> future) throws InterruptedException {
        Args.notNull(future, "future");
        return DirectAwait.await(future);
    }
}
