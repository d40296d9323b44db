package dev.braid.pool;

/**
 * The outcome of {@link WorkDeque#steal()}: an element, an empty deque, or a lost race that is
 * worth retrying.
 *
 * @param <E> the type of the deque's elements
 */
public sealed interface Steal<E> permits Steal.Success, Steal.Empty, Steal.Retry {
    /**
     * The thief took {@code value} from the top of the deque; no other thief or the owner gets it.
     *
     * @param value the stolen element, never {@code null}
     * @param <E> the type of the deque's elements
     */
    record Success<E>(E value) implements Steal<E> {}

    /**
     * The deque was empty when the thief looked.
     *
     * @param <E> the type of the deque's elements
     */
    record Empty<E>() implements Steal<E> {}

    /**
     * Another thief or the owner took the top element first; the deque may hold more.
     *
     * @param <E> the type of the deque's elements
     */
    record Retry<E>() implements Steal<E> {}
}
