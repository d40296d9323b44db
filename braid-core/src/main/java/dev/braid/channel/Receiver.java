package dev.braid.channel;

import dev.braid.cancel.Deadline;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * The receiving side of a {@link Channel}: what a consumer needs and nothing more. Obtained from
 * {@link Channel#receiver()} (a view that cannot be cast back to the channel) or used through the
 * channel itself.
 *
 * <p>A receiver is {@link Iterable}: {@code for (T x : rx)} and {@link #stream()} take elements
 * until the channel is closed and drained (and throw the close cause, wrapped in {@link
 * ChannelClosedException}, if it was closed with one). An iterator receives: {@code hasNext()}
 * takes the next element (it waits for one to know there is one), so an iterator dropped after
 * {@code hasNext()} returned true holds an element that no other receiver will see, and {@code
 * remove()} is refused ({@code asBlockingQueue().iterator()} removes buffered elements). An
 * iterator belongs to one thread; several consumers each take their own. Blocking receives throw
 * {@link InterruptedException} and honour the ambient {@link dev.braid.cancel.CancelScope}; a
 * receive that gives up has taken nothing.
 *
 * <p>Inside an async task's poll, a blocking or timed receive that would wait throws {@link
 * IllegalStateException} instead, leaving the channel as it was: the wait would hold the executor
 * thread polling the task. Await {@code dev.braid.async.AsyncChannels}' form there (ADR 0189).
 *
 * @param <T> the element type
 */
public sealed interface Receiver<T> extends Iterable<T> permits Channel, ChannelReceiver {
    /**
     * Receives an element, waiting for one.
     *
     * @return the element
     * @throws ChannelClosedException if the channel is closed and drained (its cause, if any, is
     *     the exception's cause)
     * @throws InterruptedException if interrupted before an element was taken
     * @throws dev.braid.cancel.CancelledException if the ambient scope is cancelled while waiting
     */
    T recv() throws InterruptedException;

    /**
     * Receives an element, waiting at most {@code timeout} ({@code <= 0}: do not wait).
     *
     * @param timeout how long to wait
     * @return {@link RecvResult.Received}, {@link RecvResult.Closed} or {@link RecvResult.TimedOut}
     * @throws NullPointerException if {@code timeout} is null
     * @throws InterruptedException if interrupted before an element was taken
     * @throws dev.braid.cancel.CancelledException if the ambient scope is cancelled while waiting
     */
    RecvResult<T> recv(Duration timeout) throws InterruptedException;

    /**
     * Receives an element, waiting until {@code deadline} at most.
     *
     * @param deadline when to give up
     * @return {@link RecvResult.Received}, {@link RecvResult.Closed} or {@link RecvResult.TimedOut}
     * @throws NullPointerException if {@code deadline} is null
     * @throws InterruptedException if interrupted before an element was taken
     * @throws dev.braid.cancel.CancelledException if the ambient scope is cancelled while waiting
     */
    RecvResult<T> recv(Deadline deadline) throws InterruptedException;

    /**
     * Receives an element if one is available without waiting.
     *
     * @return {@link RecvResult.Received}, {@link RecvResult.Empty} or {@link RecvResult.Closed}
     */
    RecvResult<T> tryRecv();

    /**
     * Receives an element if one is available without waiting, and without a result object: for hot
     * polling loops. {@link #tryRecv()}'s {@link RecvResult.Received} costs 16 bytes per element
     * wherever the JIT cannot remove it (a loop that branches on both outcomes); this method
     * allocates nothing.
     *
     * <p>{@code null} means nothing was taken: the channel was empty, or it is closed and drained.
     * To tell the two apart, check {@link #isClosed()} and, if it is closed, call this method once
     * more (an element sent before the close may have arrived in between): {@code null} again means
     * closed and drained. It never throws for a closed channel, whatever its cause.
     *
     * @return the element, or {@code null} if none was available
     */
    T tryRecvOrNull();

    /**
     * The non-blocking receive protocol: try {@link #tryRecv()}; if empty, register {@code waker},
     * which is called once when a receive may succeed (an element, a waiting sender or the close
     * arrived); then try again, and register again if another receiver was faster. The registration
     * takes no element. If {@link RecvRegistration#isReady()} is already true, try again at once
     * (the waker will not be called). Unregister when no longer interested.
     *
     * @param waker called once when a receive may succeed
     * @return the registration
     * @throws NullPointerException if {@code waker} is null
     */
    RecvRegistration registerRecv(ChannelWaker waker);

    /**
     * Cancels the channel from the receiving side: closes it (if open) and discards every buffered
     * element through the undelivered-element hook. Blocked senders and receivers see it closed.
     * Idempotent; a later call discards elements buffered since (none can be).
     *
     * @return true if this call closed the channel
     */
    boolean cancel();

    /**
     * As {@link #cancel()}, with {@code cause} for the close.
     *
     * @param cause why the channel was cancelled
     * @return true if this call closed the channel
     * @throws NullPointerException if {@code cause} is null
     */
    boolean cancel(Throwable cause);

    /**
     * Whether the channel is closed (elements may still be buffered).
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

    /**
     * The elements in arrival order until the channel is closed and drained; a sequential stream
     * whose terminal operation blocks.
     *
     * @return the stream
     */
    Stream<T> stream();
}
