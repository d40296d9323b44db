package dev.braid.thread;

import dev.braid.cancel.CancelledException;
import dev.braid.internal.util.Args;

/**
 * How a braid thread ended: its body returned a value, panicked with an exception, or was stopped
 * by the cancellation (or deadline) of the scope it ran in.
 *
 * <pre>{@code
 * String what = switch (handle.tryJoin().orElseThrow()) {
 *     case Exit.Returned<Integer> r -> "value " + r.value();
 *     case Exit.Panicked<Integer> p -> "panic " + p.cause();
 *     case Exit.Cancelled<Integer> c -> "stopped: " + c.exception().getMessage();
 * };
 * }</pre>
 *
 * <p>{@link #get()} turns an exit back into what {@link JoinHandle#join()} would have returned or
 * thrown.
 *
 * @param <T> the body's result type
 */
public sealed interface Exit<T> permits Exit.Returned, Exit.Panicked, Exit.Cancelled {

    /**
     * The value, or what {@link JoinHandle#join()} throws for this exit.
     *
     * @return the body's value
     * @throws PanicException if the body panicked (the exception is the cause)
     * @throws CancelledException if the thread was stopped by its scope
     */
    T get();

    /**
     * The body returned {@code value} (which may be null).
     *
     * @param <T> the body's result type
     * @param value the body's value
     */
    record Returned<T>(T value) implements Exit<T> {
        @Override
        public T get() {
            return value;
        }
    }

    /**
     * The body (or a thread-local destructor) ended with {@code cause}.
     *
     * @param <T> the body's result type
     * @param thread the name of the thread that panicked
     * @param cause the exception that escaped
     */
    record Panicked<T>(String thread, Throwable cause) implements Exit<T> {
        /**
         * Checks the components.
         *
         * @throws NullPointerException if an argument is null
         */
        public Panicked {
            Args.notNull(thread, "thread");
            Args.notNull(cause, "cause");
        }

        @Override
        public T get() {
            throw new PanicException(thread, cause);
        }
    }

    /**
     * The thread was stopped by the cancellation or deadline of the scope it ran in (not a panic).
     *
     * @param <T> the body's result type
     * @param exception the scope's exception, as {@link JoinHandle#join()} rethrows it
     */
    record Cancelled<T>(CancelledException exception) implements Exit<T> {
        /**
         * Checks the component.
         *
         * @throws NullPointerException if {@code exception} is null
         */
        public Cancelled {
            Args.notNull(exception, "exception");
        }

        @Override
        public T get() {
            throw exception;
        }
    }
}
