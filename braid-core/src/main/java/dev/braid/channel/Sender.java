package dev.braid.channel;

import dev.braid.cancel.Deadline;
import java.time.Duration;

/**
 * The sending side of a {@link Channel}: what a producer needs and nothing more. Obtained from
 * {@link Channel#sender()} (a view that cannot be cast back to the channel) or used through the
 * channel itself.
 *
 * <p>Blocking sends throw {@link InterruptedException} and honour the ambient {@link
 * dev.braid.cancel.CancelScope}; a send that gives up (interrupt, timeout, cancelled scope) has not
 * sent its element, and one that returns normally has. Elements must not be null.
 *
 * <p>Inside an async task's poll, a blocking or timed send that would wait throws {@link
 * IllegalStateException} instead, leaving the channel as it was: the wait would hold the executor
 * thread polling the task. Await {@code dev.braid.async.AsyncChannels}' form there (ADR 0189).
 *
 * @param <T> the element type
 */
public sealed interface Sender<T> permits Channel, ChannelSender {
    /**
     * Sends {@code element}, waiting for room (or, on a rendezvous channel, for a receiver).
     *
     * @param element the element
     * @throws NullPointerException if {@code element} is null
     * @throws ChannelClosedException if the channel is closed (the element was not sent)
     * @throws InterruptedException if interrupted before the element was taken (not sent)
     * @throws dev.braid.cancel.CancelledException if the ambient scope is cancelled while waiting
     */
    void send(T element) throws InterruptedException;

    /**
     * Sends {@code element}, waiting at most {@code timeout} ({@code <= 0}: do not wait).
     *
     * @param element the element
     * @param timeout how long to wait
     * @return {@link SendResult.Sent}, {@link SendResult.Closed} or {@link SendResult.TimedOut}
     * @throws NullPointerException if an argument is null
     * @throws InterruptedException if interrupted before the element was taken (not sent)
     * @throws dev.braid.cancel.CancelledException if the ambient scope is cancelled while waiting
     */
    SendResult send(T element, Duration timeout) throws InterruptedException;

    /**
     * Sends {@code element}, waiting until {@code deadline} at most.
     *
     * @param element the element
     * @param deadline when to give up
     * @return {@link SendResult.Sent}, {@link SendResult.Closed} or {@link SendResult.TimedOut}
     * @throws NullPointerException if an argument is null
     * @throws InterruptedException if interrupted before the element was taken (not sent)
     * @throws dev.braid.cancel.CancelledException if the ambient scope is cancelled while waiting
     */
    SendResult send(T element, Deadline deadline) throws InterruptedException;

    /**
     * Sends {@code element} if that is possible without waiting.
     *
     * @param element the element
     * @return {@link SendResult.Sent}, {@link SendResult.Full} or {@link SendResult.Closed}
     * @throws NullPointerException if {@code element} is null
     */
    SendResult trySend(T element);

    /**
     * The non-blocking send protocol: sends {@code element} now if possible, or leaves it on offer
     * and calls {@code waker} once when a receiver or free room took it, or the channel closed.
     * Check {@link SendRegistration#isDone()} first: a send that completes at once never calls the
     * waker. {@link SendRegistration#cancel()} withdraws a pending offer.
     *
     * @param element the element
     * @param waker called once when the pending send completes
     * @return the registration
     * @throws NullPointerException if an argument is null
     */
    SendRegistration registerSend(T element, ChannelWaker waker);

    /**
     * Closes the channel for sending: buffered elements are still delivered, then receivers see it
     * closed. Blocked and later senders see it closed. Idempotent.
     *
     * @return true if this call closed the channel, false if it was already closed
     */
    boolean close();

    /**
     * Closes the channel with a failure: as {@link #close()}, and receivers then see {@code cause}.
     *
     * @param cause why the stream ended
     * @return true if this call closed the channel, false if it was already closed (the first cause
     *     stays)
     * @throws NullPointerException if {@code cause} is null
     */
    boolean close(Throwable cause);

    /**
     * Whether the channel is closed (receivers may still be draining it).
     *
     * @return whether closed
     */
    boolean isClosed();

    /**
     * The capacity: 0 for a rendezvous channel, {@link Integer#MAX_VALUE} for an unbounded one.
     *
     * @return the capacity
     */
    int capacity();

    /**
     * The number of buffered elements (a snapshot).
     *
     * @return the approximate length
     */
    int len();
}
