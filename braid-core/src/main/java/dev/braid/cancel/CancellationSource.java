package dev.braid.cancel;

import dev.braid.internal.util.Args;
import java.time.Duration;
import java.util.concurrent.CancellationException;

/**
 * The owning side of a cancellation: hand out {@link #token()}, keep the source, and {@link
 * #cancel} when the work should stop.
 *
 * <pre>{@code
 * try (var source = CancellationSource.linkedTo(request.token())) {   // cancelled with the request
 *     source.cancelAfter(Duration.ofSeconds(2));                      // ... or after 2 s
 *     CancelScope.withToken(source.token(), () -> backend.call());    // blocking calls obey it
 * }
 * }</pre>
 *
 * <p>{@link #close()} does <em>not</em> cancel: it detaches the token from its parents and its
 * timer so that neither keeps it (or its callbacks) reachable. Close every linked or timed source.
 */
public final class CancellationSource implements AutoCloseable {
    private final CancellationToken token;

    /** A source whose token has no parents and no deadline. */
    public CancellationSource() {
        this.token = new CancellationToken(true, null);
    }

    private CancellationSource(CancellationToken token) {
        this.token = token;
    }

    /** For tests: a source whose token sweeps its callback stack every {@code sweepMin} pushes. */
    static CancellationSource sweepingEvery(int sweepMin) {
        return new CancellationSource(new CancellationToken(true, null, sweepMin));
    }

    /**
     * A source whose token is also cancelled when any of {@code parents} is, with that parent's
     * cause. Its deadline is the earliest of its parents' and its own. If a parent is already
     * cancelled, the new token is cancelled at once.
     *
     * @param parents the tokens whose cancellation cancels this source
     * @return a source whose token is also cancelled when any of {@code parents} is, with that
     *     parent's cause
     * @throws NullPointerException if {@code parents} or one of its elements is null
     * @throws IllegalArgumentException if {@code parents} is empty
     */
    public static CancellationSource linkedTo(CancellationToken... parents) {
        Args.notNull(parents, "parents");
        if (parents.length == 0) {
            throw new IllegalArgumentException("parents must not be empty");
        }
        CancellationToken[] ps = parents.clone();
        for (int i = 0; i < ps.length; i++) {
            Args.notNull(ps[i], "parents[" + i + "]");
        }
        CancellationToken t = new CancellationToken(true, ps);
        t.linkTo(ps);
        return new CancellationSource(t);
    }

    /**
     * A source cancelled after {@code timeout} (see {@link #cancelAfter}); a zero or negative
     * timeout gives a source that is already cancelled (ADR 0039).
     *
     * @param timeout how long from now to cancel
     * @return a source cancelled after {@code timeout} (see {@link #cancelAfter})
     * @throws NullPointerException if {@code timeout} is null
     */
    public static CancellationSource withTimeout(Duration timeout) {
        Args.notNull(timeout, "timeout");
        CancellationSource s = new CancellationSource();
        s.cancelAfter(timeout);
        return s;
    }

    /**
     * The token this source cancels.
     *
     * @return the token this source cancels
     */
    public CancellationToken token() {
        return token;
    }

    /**
     * Whether the token is cancelled.
     *
     * @return whether the token is cancelled
     */
    public boolean isCancelled() {
        return token.isCancelled();
    }

    /**
     * Cancels the token with a {@link CancellationException} ("cancelled") as cause.
     *
     * @return {@code true} if this call cancelled it, {@code false} if it already was
     * @throws CancellationCallbackException after all callbacks ran, if some threw
     */
    public boolean cancel() {
        return token.cancel(new CancellationException("cancelled"));
    }

    /**
     * Cancels the token with {@code reason}: the cause becomes a {@link CancellationException} with
     * that message, whose stack shows where {@code cancel} was called.
     *
     * @param reason the message of the cancellation's cause
     * @return {@code true} if this call cancelled it, {@code false} if it already was
     * @throws NullPointerException if {@code reason} is null (the token is then not cancelled)
     * @throws CancellationCallbackException after all callbacks ran, if some threw
     */
    public boolean cancel(String reason) {
        Args.notNull(reason, "reason");
        return token.cancel(new CancellationException(reason));
    }

    /**
     * Cancels the token with {@code cause}.
     *
     * @param cause the cause of the cancellation
     * @return {@code true} if this call cancelled it, {@code false} if it already was (the first
     *     cause stays)
     * @throws NullPointerException if {@code cause} is null (the token is then not cancelled)
     * @throws CancellationCallbackException after all callbacks ran, if some threw
     */
    public boolean cancel(Throwable cause) {
        Args.notNull(cause, "cause");
        return token.cancel(cause);
    }

    /**
     * Cancels the token once {@code delay} has passed, with a {@link DeadlineExceededException}
     * cause, using {@link dev.braid.time.TimerWheel#shared()}. The deadline only ever moves
     * earlier: a later deadline than the current one is ignored. A zero or negative delay cancels
     * now (ADR 0039).
     *
     * @param delay how long from now to cancel
     * @throws NullPointerException if {@code delay} is null
     * @throws dev.braid.time.TimerOverloadException if the shared wheel is full
     */
    public void cancelAfter(Duration delay) {
        Args.notNull(delay, "delay");
        token.cancelAt(Deadline.after(delay));
    }

    /**
     * Cancels the token at {@code deadline} (see {@link #cancelAfter}); {@link Deadline#never()}
     * changes nothing.
     *
     * @param deadline when to cancel
     * @throws NullPointerException if {@code deadline} is null
     */
    public void cancelAt(Deadline deadline) {
        Args.notNull(deadline, "deadline");
        if (!deadline.isNever()) {
            token.cancelAt(deadline);
        }
    }

    /**
     * Detaches the token from its parents and its timer, without cancelling it; its deadline
     * becomes {@link Deadline#never()}. The token can still be cancelled through this source.
     * Idempotent; does nothing once the token is cancelled.
     */
    @Override
    public void close() {
        token.detach();
    }

    @Override
    public String toString() {
        return "CancellationSource[" + token + "]";
    }
}
