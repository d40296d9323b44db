package dev.braid.channel;

import dev.braid.cancel.Deadline;
import dev.braid.internal.rt.SimWait;
import dev.braid.internal.util.Args;
import dev.braid.internal.util.ChannelIdentity;
import dev.braid.internal.util.SelectWord;
import java.time.Duration;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A multi-producer multi-consumer channel: {@linkplain #rendezvous() rendezvous} (capacity 0),
 * {@linkplain #bounded(int) bounded} with an {@link Overflow} policy, {@linkplain #unbounded()
 * unbounded}, or {@linkplain #conflated() conflated} (keeps the latest element).
 *
 * <pre>{@code
 * Channel<Job> jobs = Channel.<Job>builder().name("jobs").bounded(16).build();
 * // producer
 * jobs.send(job);
 * jobs.close();
 * // consumer
 * for (Job j : jobs) { run(j); }       // ends when closed and drained
 * }</pre>
 *
 * <p><b>Operations.</b> Every operation exists blocking ({@link #send(Object)}, {@link #recv()}:
 * interruptible, honouring the ambient {@link dev.braid.cancel.CancelScope}, throwing {@link
 * ChannelClosedException} when closed), timed ({@code Duration} or {@link Deadline}, returning a
 * sealed {@link SendResult} / {@link RecvResult}), non-blocking ({@link #trySend}, {@link
 * #tryRecv}), inside a {@link Select}, and through the non-blocking registration protocol ({@link
 * #registerSend}, {@link #registerRecv}) for event loops and async code. Parked threads and
 * registered callbacks wait on the same channel at the same time.
 *
 * <p><b>Close and cancel.</b> {@link #close()} ends the stream: buffered elements are still
 * received, then receivers see {@link RecvResult.Closed}. {@link #close(Throwable)} does the same
 * and hands receivers the cause. {@link #cancel()} closes and discards the buffer. Each element the
 * channel accepted (a send that reported {@link SendResult.Sent}) is either received exactly once
 * or passed exactly once to the undelivered-element hook ({@link Builder#onUndelivered}): when
 * dropped by an overflow policy or discarded by cancel. A send that did not report {@code Sent}
 * left its element with the caller. A waiter that is interrupted, times out or is stopped by its
 * scope leaves the channel as if it had never come.
 *
 * <p><b>Ordering and fairness.</b> Elements are received in the order their sends took effect.
 * Blocked senders and receivers are served first-come first-served; a thread that arrives while
 * others are queued may still be served first if the channel can serve it at once (as with an
 * unfair lock).
 *
 * <p><b>Happens-before.</b> Actions in a thread before it sends an element happen-before the
 * actions of the thread that receives that element after the receive. Closing happens-before every
 * operation that reports the channel closed.
 *
 * <p>Virtual threads block here without pinning their carrier.
 *
 * @param <T> the element type
 */
public final class Channel<T> implements Sender<T>, Receiver<T> {
    final ChannelCore<T> core;
    private final Sender<T> senderView;
    private final Receiver<T> receiverView;

    static {
        ChannelIdentity.install(
                view ->
                        view instanceof Receiver<?> rx
                                ? Select.coreOf(rx)
                                : Select.coreOf((Sender<?>) view));
        SelectWord.install(waker -> new SharedWord((ChannelWaker) waker));
    }

    private Channel(ChannelCore<T> core) {
        this.core = core;
        this.senderView = new ChannelSender<>(this);
        this.receiverView = new ChannelReceiver<>(this);
    }

    /**
     * A rendezvous channel: each send waits for a receiver to take its element.
     *
     * @param <T> the element type
     * @return the channel
     */
    public static <T> Channel<T> rendezvous() {
        return Channel.<T>builder().rendezvous().build();
    }

    /**
     * A bounded channel whose senders wait while {@code capacity} elements are buffered.
     *
     * @param capacity the buffer size (0 for a rendezvous channel)
     * @param <T> the element type
     * @return the channel
     * @throws IllegalArgumentException if {@code capacity} is negative
     */
    public static <T> Channel<T> bounded(int capacity) {
        return Channel.<T>builder().bounded(capacity).build();
    }

    /**
     * A bounded channel with an overflow policy.
     *
     * @param capacity the buffer size, at least 1 unless {@code overflow} is {@link Overflow#BLOCK}
     * @param overflow what a send does when the buffer is full
     * @param <T> the element type
     * @return the channel
     * @throws NullPointerException if {@code overflow} is null
     * @throws IllegalArgumentException if {@code capacity} is negative, or 0 with a dropping policy
     */
    public static <T> Channel<T> bounded(int capacity, Overflow overflow) {
        return Channel.<T>builder().bounded(capacity, overflow).build();
    }

    /**
     * An unbounded channel: sends never wait (the buffer grows until memory runs out).
     *
     * @param <T> the element type
     * @return the channel
     */
    public static <T> Channel<T> unbounded() {
        return Channel.<T>builder().unbounded().build();
    }

    /**
     * A conflated channel: keeps only the latest element (capacity 1, {@link
     * Overflow#DROP_OLDEST}); sends never wait, replaced elements go to the undelivered hook.
     *
     * @param <T> the element type
     * @return the channel
     */
    public static <T> Channel<T> conflated() {
        return Channel.<T>builder().conflated().build();
    }

    /**
     * A builder (default: rendezvous, no name, no hook).
     *
     * @param <T> the element type
     * @return a new builder
     */
    public static <T> Builder<T> builder() {
        return new Builder<>();
    }

    /**
     * Configures a channel: flavor, name (shown in {@link #toString()} and deadlock reports) and
     * undelivered-element hook.
     *
     * @param <T> the element type
     */
    public static final class Builder<T> {
        private String name;
        private int capacity;
        private Overflow overflow = Overflow.BLOCK;
        private Consumer<? super T> onUndelivered;

        private Builder() {}

        /**
         * Names the channel.
         *
         * @param name the name
         * @return this builder
         * @throws NullPointerException if {@code name} is null
         * @throws IllegalArgumentException if {@code name} is blank
         */
        public Builder<T> name(String name) {
            this.name = Args.notBlank(name, "name");
            return this;
        }

        /**
         * Capacity 0: a rendezvous channel.
         *
         * @return this builder
         */
        public Builder<T> rendezvous() {
            return bounded(0);
        }

        /**
         * A bounded buffer whose senders wait when it is full.
         *
         * @param capacity the buffer size (0: rendezvous)
         * @return this builder
         * @throws IllegalArgumentException if {@code capacity} is negative
         */
        public Builder<T> bounded(int capacity) {
            return bounded(capacity, Overflow.BLOCK);
        }

        /**
         * A bounded buffer with an overflow policy.
         *
         * @param capacity the buffer size, at least 1 unless {@code overflow} is {@link
         *     Overflow#BLOCK}
         * @param overflow the policy
         * @return this builder
         * @throws NullPointerException if {@code overflow} is null
         * @throws IllegalArgumentException if {@code capacity} is negative, or 0 with a dropping
         *     policy
         */
        public Builder<T> bounded(int capacity, Overflow overflow) {
            Args.notNull(overflow, "overflow");
            Args.nonNegative(capacity, "capacity");
            if (capacity == Integer.MAX_VALUE) {
                throw new IllegalArgumentException(
                        "capacity must be < Integer.MAX_VALUE; use unbounded() for no bound");
            }
            if (capacity == 0 && overflow != Overflow.BLOCK) {
                throw new IllegalArgumentException(
                        "capacity must be >= 1 with overflow " + overflow + ", was 0");
            }
            this.capacity = capacity;
            this.overflow = overflow;
            return this;
        }

        /**
         * No bound: sends never wait.
         *
         * @return this builder
         */
        public Builder<T> unbounded() {
            this.capacity = Integer.MAX_VALUE;
            this.overflow = Overflow.BLOCK;
            return this;
        }

        /**
         * Keep only the latest element: capacity 1 with {@link Overflow#DROP_OLDEST}.
         *
         * @return this builder
         */
        public Builder<T> conflated() {
            return bounded(1, Overflow.DROP_OLDEST);
        }

        /**
         * The undelivered-element hook: called exactly once, outside the channel's lock, with each
         * accepted element that no receiver will get (dropped by the overflow policy or discarded
         * by cancel). Use it to release resources the elements hold. A {@code RuntimeException} it
         * throws goes to the calling thread's uncaught-exception handler; the send, receive or
         * cancel that called it completes as usual (ADR 0105).
         *
         * @param hook the hook
         * @return this builder
         * @throws NullPointerException if {@code hook} is null
         */
        public Builder<T> onUndelivered(Consumer<? super T> hook) {
            this.onUndelivered = Args.notNull(hook, "hook");
            return this;
        }

        /**
         * Builds the channel.
         *
         * @return a new open channel
         */
        public Channel<T> build() {
            return new Channel<>(new ChannelCore<>(name, capacity, overflow, onUndelivered));
        }
    }

    // ---- views ----

    /**
     * The send-only view of this channel.
     *
     * @return the sender
     */
    public Sender<T> sender() {
        return senderView;
    }

    /**
     * The receive-only view of this channel.
     *
     * @return the receiver
     */
    public Receiver<T> receiver() {
        return receiverView;
    }

    /**
     * This channel as a {@link java.util.concurrent.BlockingQueue}: {@code offer}/{@code
     * put}/{@code poll}/{@code take} are {@link #trySend}/{@link #send(Object)}/{@link
     * #tryRecv}/{@link #recv()}, timed forms are the timed operations. On a closed channel {@code
     * offer} returns false, {@code add} and {@code put} throw {@link ChannelClosedException},
     * {@code poll} returns null once drained and {@code take} throws {@link
     * ChannelClosedException}. {@code size}, {@code iterator}, {@code contains}, {@code toArray}
     * and {@code remove(Object)} see the buffered elements (iterators are weakly consistent
     * snapshots whose {@code remove} is supported); {@code peek} shows what a receive would take
     * next. {@code remainingCapacity} is {@code capacity() - len()} ({@link Integer#MAX_VALUE} when
     * unbounded). Equality is identity.
     *
     * @return the queue view (a new view each call, all backed by this channel)
     */
    public java.util.concurrent.BlockingQueue<T> asBlockingQueue() {
        return new ChannelQueue<>(this);
    }

    // ---- sending ----

    @Override
    public void send(T element) throws InterruptedException {
        Args.notNull(element, "element");
        if (core.send(element, Deadline.never()) != ChannelCore.OK) {
            throw closedException("send on");
        }
    }

    @Override
    public SendResult send(T element, Duration timeout) throws InterruptedException {
        Args.notNull(element, "element");
        Args.notNull(timeout, "timeout");
        return send(element, Deadline.after(timeout));
    }

    @Override
    public SendResult send(T element, Deadline deadline) throws InterruptedException {
        Args.notNull(element, "element");
        Args.notNull(deadline, "deadline");
        return sendResult(core.send(element, deadline), true);
    }

    @Override
    public SendResult trySend(T element) {
        Args.notNull(element, "element");
        return sendResult(core.trySend(element), false);
    }

    @Override
    public SendRegistration registerSend(T element, ChannelWaker waker) {
        Args.notNull(element, "element");
        Args.notNull(waker, "waker");
        Entry e = new Entry(new Waiter(null, waker), 0, element);
        int r = core.offerOrQueue(element, e);
        if (r == ChannelCore.FULL) {
            SimWait.note(waker, core.sendBlocker); // the testkit's wait-for graph names the wait
            return new SendRegistration(core, e, null);
        }
        return new SendRegistration(core, null, sendResult(r, false));
    }

    @Override
    public boolean close() {
        return core.close(null, false);
    }

    @Override
    public boolean close(Throwable cause) {
        Args.notNull(cause, "cause");
        return core.close(cause, false);
    }

    // ---- receiving ----

    @Override
    public T recv() throws InterruptedException {
        Object x = core.recv(Deadline.never());
        if (x == ChannelCore.CLOSED) {
            throw closedException("receive from");
        }
        return cast(x);
    }

    @Override
    public RecvResult<T> recv(Duration timeout) throws InterruptedException {
        Args.notNull(timeout, "timeout");
        return recv(Deadline.after(timeout));
    }

    @Override
    public RecvResult<T> recv(Deadline deadline) throws InterruptedException {
        Args.notNull(deadline, "deadline");
        return recvResult(core.recv(deadline), true);
    }

    @Override
    public RecvResult<T> tryRecv() {
        return recvResult(core.tryRecv(), false);
    }

    @Override
    public T tryRecvOrNull() {
        Object x = core.tryRecv();
        return x == ChannelCore.EMPTY || x == ChannelCore.CLOSED ? null : cast(x);
    }

    @Override
    public RecvRegistration registerRecv(ChannelWaker waker) {
        Args.notNull(waker, "waker");
        return new RecvRegistration(core, core.registerReader(waker));
    }

    @Override
    public boolean cancel() {
        return core.close(null, true);
    }

    @Override
    public boolean cancel(Throwable cause) {
        Args.notNull(cause, "cause");
        return core.close(cause, true);
    }

    @Override
    public Iterator<T> iterator() {
        return new Iterator<>() {
            private T next;

            @Override
            public boolean hasNext() {
                if (next != null) {
                    return true;
                }
                try {
                    Object x = core.recv(Deadline.never());
                    if (x == ChannelCore.CLOSED) {
                        Throwable cause = core.cause();
                        if (cause != null) {
                            throw closedException("receive from");
                        }
                        return false;
                    }
                    next = cast(x);
                    return true;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ChannelInterruptedException(e);
                }
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException(core.label() + " is closed and drained");
                }
                T x = next;
                next = null;
                return x;
            }

            @Override
            public void remove() {
                throw new UnsupportedOperationException(
                        "remove: "
                                + core.label()
                                + "'s iterator receives its elements, so none is left in the"
                                + " channel to remove; asBlockingQueue().iterator() removes buffered"
                                + " elements");
            }
        };
    }

    @Override
    public Stream<T> stream() {
        return StreamSupport.stream(
                Spliterators.spliteratorUnknownSize(
                        iterator(), Spliterator.ORDERED | Spliterator.NONNULL),
                false);
    }

    // ---- observation ----

    @Override
    public boolean isClosed() {
        return core.isClosed();
    }

    @Override
    public int capacity() {
        return core.capacity;
    }

    @Override
    public int len() {
        return core.size();
    }

    /**
     * The channel's name, if it has one.
     *
     * @return the name, or empty
     */
    public Optional<String> name() {
        return Optional.ofNullable(core.name);
    }

    /**
     * The overflow policy ({@link Overflow#BLOCK} for rendezvous and unbounded channels).
     *
     * @return the policy
     */
    public Overflow overflow() {
        return core.overflow;
    }

    /**
     * The number of senders waiting to hand over an element: blocked threads, selects and pending
     * {@linkplain #registerSend registrations} (a snapshot).
     *
     * @return the number of blocked senders
     */
    public int blockedSenders() {
        return core.blockedSenders();
    }

    /**
     * The number of receivers waiting for an element: blocked threads, selects and {@linkplain
     * #registerRecv registrations} (a snapshot).
     *
     * @return the number of blocked receivers
     */
    public int blockedReceivers() {
        return core.blockedReceivers();
    }

    @Override
    public String toString() {
        return "Channel["
                + (core.name == null ? "" : core.name + ", ")
                + (core.capacity == 0 ? "rendezvous" : "capacity " + core.capacityText())
                + (core.overflow == Overflow.BLOCK ? "" : ", " + core.overflow)
                + ", len "
                + len()
                + ", senders waiting "
                + blockedSenders()
                + ", receivers waiting "
                + blockedReceivers()
                + (isClosed() ? ", closed" : "")
                + "]";
    }

    // ---- helpers ----

    ChannelClosedException closedException(String what) {
        return new ChannelClosedException(
                "cannot " + what + " " + core.label() + ": it is closed", core.cause());
    }

    private SendResult sendResult(int code, boolean timed) {
        return switch (code) {
            case ChannelCore.OK -> SendResult.Sent.INSTANCE;
            case ChannelCore.FULL ->
                    timed ? SendResult.TimedOut.INSTANCE : SendResult.Full.INSTANCE;
            default -> new SendResult.Closed(Optional.ofNullable(core.cause()));
        };
    }

    private RecvResult<T> recvResult(Object x, boolean timed) {
        if (x == ChannelCore.EMPTY) {
            return timed ? timedOut() : empty(); // shared constants: a miss allocates nothing
        }
        if (x == ChannelCore.CLOSED) {
            return closedResult();
        }
        return new RecvResult.Received<>(cast(x));
    }

    /** The result of a receive on a closed and drained channel (out of line: it takes the lock). */
    private RecvResult<T> closedResult() {
        return new RecvResult.Closed<>(Optional.ofNullable(core.cause()));
    }

    @SuppressWarnings("unchecked")
    private static <T> RecvResult<T> empty() {
        return (RecvResult<T>) RecvResult.Empty.INSTANCE;
    }

    @SuppressWarnings("unchecked")
    private static <T> RecvResult<T> timedOut() {
        return (RecvResult<T>) RecvResult.TimedOut.INSTANCE;
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object x) {
        return (T) x;
    }
}
