package dev.braid.thread;

import java.io.Serial;

/**
 * Thrown by {@link JoinHandle#join()} (and by scopes) when the joined thread's body ended with an
 * exception. The original exception is the {@linkplain #getCause() cause}, with its type, message
 * and stack trace intact; the message names the thread.
 */
public final class PanicException extends RuntimeException {
    @Serial private static final long serialVersionUID = 1L;

    /** The name of the thread that panicked. */
    private final String threadName;

    /**
     * A panic of the thread (or pool worker) named {@code threadName}, caused by {@code cause}. For
     * code that runs bodies on behalf of others, such as braid's pool, to report failures as {@link
     * JoinHandle#join()} does.
     *
     * @param threadName the name of the thread on which {@code cause} escaped the body
     * @param cause what escaped the body, kept intact as the cause
     */
    public PanicException(String threadName, Throwable cause) {
        super("thread '" + threadName + "' panicked: " + cause, cause);
        this.threadName = threadName;
    }

    /**
     * The name of the thread that panicked.
     *
     * @return the name of the thread that panicked
     */
    public String threadName() {
        return threadName;
    }
}
