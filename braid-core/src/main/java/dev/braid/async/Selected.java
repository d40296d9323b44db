package dev.braid.async;

/**
 * The winner of {@link Async#select}: which future finished first, and its value.
 *
 * @param <T> the value type
 * @param index the winner's position in the list given to {@code select}
 * @param value the winner's value (may be null)
 */
public record Selected<T>(int index, T value) {}
