package dev.braid.channel;

/**
 * Thrown by a receiver's iterator or stream, which cannot throw {@link InterruptedException}, when
 * the thread is interrupted while it waits for the next element. The thread's interrupt status is
 * set again before this is thrown; {@link #getCause()} is the original {@link
 * InterruptedException}. No element was taken.
 */
public final class ChannelInterruptedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Wraps an interrupt.
     *
     * @param cause the interrupt
     */
    public ChannelInterruptedException(InterruptedException cause) {
        super("interrupted while waiting for the next element", cause);
    }
}
