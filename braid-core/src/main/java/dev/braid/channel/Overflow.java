package dev.braid.channel;

/**
 * What a bounded channel does with a send that finds its buffer full (Kotlin's {@code
 * BufferOverflow}). Dropped elements go to the channel's undelivered-element hook.
 */
public enum Overflow {
    /** The sender waits for room ({@code trySend} reports full). The default. */
    BLOCK,
    /** The oldest buffered element is dropped to make room; the send succeeds at once. */
    DROP_OLDEST,
    /** The element being sent is dropped; the send reports success at once. */
    DROP_NEWEST
}
