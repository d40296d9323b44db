package dev.braid.async;

import java.util.NoSuchElementException;

/**
 * The outcome of {@link Async#timeout}: the future's value, or the time ran out first.
 *
 * @param <T> the value type
 */
public sealed interface Timed<T> permits Timed.Done, Timed.Elapsed {

    /**
     * Whether the future finished in time.
     *
     * @return true for {@link Done}
     */
    boolean isDone();

    /**
     * The value.
     *
     * @return the future's value
     * @throws NoSuchElementException if the time ran out
     */
    T value();

    /**
     * The future finished in time.
     *
     * @param <T> the value type
     * @param value its value (may be null)
     */
    record Done<T>(T value) implements Timed<T> {
        @Override
        public boolean isDone() {
            return true;
        }
    }

    /**
     * The time ran out; the future was dropped.
     *
     * @param <T> the value type
     */
    record Elapsed<T>() implements Timed<T> {
        @Override
        public boolean isDone() {
            return false;
        }

        @Override
        public T value() {
            throw new NoSuchElementException("the timeout elapsed before the future finished");
        }
    }
}
