package dev.braid.channel;

/**
 * Thrown by the throwing conveniences ({@code send}, {@code recv}, select clauses) when the channel
 * is closed: for a send, at once; for a receive, once the buffer is drained. {@link #getCause()} is
 * the cause given to {@code close(cause)} or {@code cancel(cause)}, or null after a plain close.
 */
public final class ChannelClosedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /**
     * A closed-channel exception.
     *
     * @param message what was attempted on which channel
     * @param cause the close cause, or null
     */
    public ChannelClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
