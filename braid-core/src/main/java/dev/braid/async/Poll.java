package dev.braid.async;

/**
 * The result of one {@link Async#poll(Context) poll}: the future's value, or "not yet".
 *
 * @param <T> the value type
 */
public sealed interface Poll<T> permits Poll.Ready, Poll.Pending {

    /**
     * A finished poll.
     *
     * @param <T> the value type
     * @param value the future's value (may be null)
     */
    record Ready<T>(T value) implements Poll<T> {
        private static final Ready<?> NULL = new Ready<>(null);
    }

    /**
     * Not ready yet: the future has arranged for the context's waker to be called when it can make
     * progress.
     *
     * @param <T> the value type
     */
    record Pending<T>() implements Poll<T> {
        private static final Pending<?> INSTANCE = new Pending<>();
    }

    /**
     * A ready result.
     *
     * @param <T> the value type
     * @param value the value (may be null)
     * @return {@code Ready(value)}
     */
    @SuppressWarnings("unchecked")
    static <T> Poll<T> ready(T value) {
        return value == null ? (Poll<T>) Ready.NULL : new Ready<>(value);
    }

    /**
     * The pending result (one shared instance).
     *
     * @param <T> the value type
     * @return {@code Pending}
     */
    @SuppressWarnings("unchecked")
    static <T> Poll<T> pending() {
        return (Poll<T>) Pending.INSTANCE;
    }

    /**
     * Whether this is {@link Ready}.
     *
     * @return true for a ready result
     */
    default boolean isReady() {
        return this instanceof Ready;
    }
}
