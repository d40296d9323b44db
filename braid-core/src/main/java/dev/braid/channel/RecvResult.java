package dev.braid.channel;

import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * How a non-throwing receive ended: {@link Received} with the element, {@link Empty} (only {@code
 * tryRecv}), {@link Closed} (closed and drained), or {@link TimedOut} (only timed receives). Match
 * it exhaustively with {@code switch}.
 *
 * @param <T> the element type
 */
public sealed interface RecvResult<T> {
    /**
     * An element was received.
     *
     * @param value the element (never null)
     * @param <T> the element type
     */
    record Received<T>(T value) implements RecvResult<T> {
        /**
         * Checks the component.
         *
         * @throws NullPointerException if {@code value} is null
         */
        public Received {
            java.util.Objects.requireNonNull(value, "value");
        }
    }

    /**
     * Nothing was buffered and no sender was waiting ({@code tryRecv} only).
     *
     * @param <T> the element type
     */
    record Empty<T>() implements RecvResult<T> {
        /** The one instance the channel returns (a failed tryRecv allocates nothing). */
        static final Empty<?> INSTANCE = new Empty<>();
    }

    /**
     * The channel is closed and has no element left.
     *
     * @param cause the close cause, empty after a plain close
     * @param <T> the element type
     */
    record Closed<T>(Optional<Throwable> cause) implements RecvResult<T> {
        /**
         * Checks the component.
         *
         * @throws NullPointerException if {@code cause} is null (use {@link Optional#empty()})
         */
        public Closed {
            java.util.Objects.requireNonNull(cause, "cause");
        }
    }

    /**
     * The deadline passed before an element arrived.
     *
     * @param <T> the element type
     */
    record TimedOut<T>() implements RecvResult<T> {
        /** The one instance the channel returns. */
        static final TimedOut<?> INSTANCE = new TimedOut<>();
    }

    /**
     * Whether an element was received.
     *
     * @return true for {@link Received}
     */
    default boolean isReceived() {
        return this instanceof Received;
    }

    /**
     * The element, if one was received.
     *
     * @return the element, or empty
     */
    default Optional<T> valueIfReceived() {
        return this instanceof Received<T> r ? Optional.of(r.value()) : Optional.empty();
    }

    /**
     * The element.
     *
     * @return the element
     * @throws NoSuchElementException if none was received (the message says why)
     */
    default T orElseThrow() {
        if (this instanceof Received<T> r) {
            return r.value();
        }
        throw new NoSuchElementException("no element received: " + this);
    }
}
