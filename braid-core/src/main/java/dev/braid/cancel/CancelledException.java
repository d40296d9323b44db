package dev.braid.cancel;

import java.util.concurrent.CancellationException;

/**
 * Thrown by braid operations that stop because a {@link CancellationToken} was cancelled. {@link
 * #getCause()} is the token's cause (never null). Its subclass {@link DeadlineExceededException}
 * means a deadline passed instead.
 *
 * <p>Extends {@link CancellationException}, so code written against {@code java.util.concurrent}
 * (and {@code CompletableFuture.isCancelled()}) treats it as a cancellation.
 */
public sealed class CancelledException extends CancellationException
        permits DeadlineExceededException {
    private static final long serialVersionUID = 1L;

    CancelledException(String message, Throwable cause) {
        super(message);
        initCause(cause);
    }
}
