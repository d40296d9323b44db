package dev.braid.channel;

import java.util.Optional;

/**
 * How a non-throwing send ended: {@link Sent}, {@link Full} (only {@code trySend}), {@link Closed},
 * or {@link TimedOut} (only timed sends). Match it exhaustively with {@code switch}. When a send is
 * not {@link Sent}, the element was not accepted and still belongs to the caller.
 */
public sealed interface SendResult {
    /**
     * The element was accepted: handed to a receiver, buffered, or dropped by the overflow policy.
     */
    record Sent() implements SendResult {
        static final Sent INSTANCE = new Sent();
    }

    /** The buffer was full and no receiver was waiting ({@code trySend} only). */
    record Full() implements SendResult {
        static final Full INSTANCE = new Full();
    }

    /**
     * The channel is closed.
     *
     * @param cause the close cause, empty after a plain close
     */
    record Closed(Optional<Throwable> cause) implements SendResult {
        /**
         * Checks the component.
         *
         * @throws NullPointerException if {@code cause} is null (use {@link Optional#empty()})
         */
        public Closed {
            java.util.Objects.requireNonNull(cause, "cause");
        }
    }

    /** The deadline passed before the element could be accepted. */
    record TimedOut() implements SendResult {
        static final TimedOut INSTANCE = new TimedOut();
    }

    /**
     * Whether the element was accepted.
     *
     * @return true for {@link Sent}
     */
    default boolean isSent() {
        return this instanceof Sent;
    }
}
