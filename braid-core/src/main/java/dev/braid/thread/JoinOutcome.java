package dev.braid.thread;

import java.util.NoSuchElementException;

/**
 * The result of a timed join: the thread finished with a value, or the wait timed out first.
 *
 * @param <T> the thread's result type
 */
public sealed interface JoinOutcome<T> permits JoinOutcome.Finished, JoinOutcome.TimedOut {

    /**
     * Whether the thread finished before the timeout.
     *
     * @return whether the thread finished before the timeout
     */
    boolean isFinished();

    /**
     * The thread's value.
     *
     * @return the thread's value
     * @throws NoSuchElementException if the join timed out
     */
    T value();

    /**
     * The thread finished and returned {@code value} (which may be null).
     *
     * @param <T> the type of the thread's value
     * @param value the thread's value
     */
    record Finished<T>(T value) implements JoinOutcome<T> {
        @Override
        public boolean isFinished() {
            return true;
        }
    }

    /**
     * The timeout elapsed before the thread finished.
     *
     * @param <T> the type of the thread's value
     */
    record TimedOut<T>() implements JoinOutcome<T> {
        @Override
        public boolean isFinished() {
            return false;
        }

        @Override
        public T value() {
            throw new NoSuchElementException("join timed out before the thread finished");
        }
    }
}
