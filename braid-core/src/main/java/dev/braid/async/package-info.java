/**
 * Poll-based async tasks: {@link dev.braid.async.Async} futures polled with a {@link
 * dev.braid.async.Context} that carries a {@link dev.braid.async.Waker}, combinators, executors
 * ({@link dev.braid.async.LocalExecutor}, {@link dev.braid.async.ThreadedExecutor}), task handles
 * ({@link dev.braid.async.TaskHandle}), structured task scopes ({@link dev.braid.async.TaskScope})
 * and direct-style {@link dev.braid.async.Async#await(Async) await} on virtual threads.
 *
 * <p>The model is Rust's: a future does nothing until it is polled; when it cannot make progress it
 * returns {@link dev.braid.async.Poll#pending()} after arranging for the context's waker to be
 * called when it can; an executor polls it again after a wake, never before it is needed and never
 * after it returned {@link dev.braid.async.Poll.Ready}.
 */
package dev.braid.async;
