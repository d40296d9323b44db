package dev.braid.pool;

/**
 * The two results of {@link WorkStealingPool#join}.
 *
 * @param first the first task's value
 * @param second the second task's value
 * @param <A> the first task's result type
 * @param <B> the second task's result type
 */
public record Joined<A, B>(A first, B second) {}
