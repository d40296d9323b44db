package dev.braid.channel;

/**
 * A wake-up callback for non-blocking users of a channel (an event loop, an async task): called at
 * most once per registration, on the thread whose send, receive or close made the registered
 * operation possible, after the channel's lock is released. It should only schedule work (set a
 * flag, enqueue a task); it must not block, and it should not throw. A {@code RuntimeException} it
 * throws goes to that thread's uncaught-exception handler, and the operation that called it
 * completes as if the waker had returned (ADR 0105): a receive still returns the element it took, a
 * send still reports it sent.
 */
@FunctionalInterface
public interface ChannelWaker {
    /** Says that the registered operation may now succeed (or has completed, for a send). */
    void wake();
}
