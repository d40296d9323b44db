package dev.braid.async;

import dev.braid.channel.ChannelClosedException;
import dev.braid.channel.Receiver;
import dev.braid.channel.RecvResult;
import dev.braid.channel.SendResult;
import dev.braid.channel.Sender;
import dev.braid.internal.util.Args;
import dev.braid.internal.util.ChannelIdentity;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Async forms of braid's channel operations: receive, send and select as {@link Async} futures, on
 * the channel's non-blocking registration protocol. One channel serves parked threads and async
 * tasks at the same time: a thread's blocking {@code send} can meet a task's {@link #recv}, and a
 * task's {@link #send} a thread's blocking {@code recv}.
 *
 * <pre>{@code
 * Async<Integer> sum = AsyncChannels.recv(numbers)
 *         .then(a -> AsyncChannels.recv(numbers).map(b -> a.orElseThrow() + b.orElseThrow()));
 * }</pre>
 *
 * <p><b>Exactly once.</b> A receive future takes an element only in the poll that returns it; while
 * pending it holds a registration that takes nothing, so dropping it (cancelled task, lost race,
 * timeout) loses no element. A send future keeps its element on offer while pending, like a blocked
 * sender; dropping it withdraws the offer, unless a receiver already took the element, in which
 * case the element was delivered (exactly once either way). Each future is polled to completion
 * once: polling it after it returned ready throws {@link IllegalStateException}.
 *
 * <p><b>Budget.</b> An operation that completes at once spends a unit of the task's cooperative
 * budget; with the budget spent it yields (wakes the task, returns pending) before taking or
 * offering anything.
 */
public final class AsyncChannels {
    private AsyncChannels() {}

    /**
     * A receive: ready with {@link RecvResult.Received} when an element is received, or {@link
     * RecvResult.Closed} when the channel is closed and drained (never {@code Empty} or {@code
     * TimedOut}; bound it with {@link Async#timeout}).
     *
     * @param <T> the element type
     * @param rx the receiver
     * @return the receive future
     * @throws NullPointerException if {@code rx} is null
     */
    public static <T> Async<RecvResult<T>> recv(Receiver<T> rx) {
        Args.notNull(rx, "rx");
        return new ChannelFutures.RecvAsync<>(rx);
    }

    /**
     * A send of {@code element}: ready with {@link SendResult.Sent} once it was accepted, or {@link
     * SendResult.Closed} if the channel was closed first (the element then was not sent).
     *
     * @param <T> the element type
     * @param tx the sender
     * @param element the element
     * @return the send future
     * @throws NullPointerException if an argument is null
     */
    public static <T> Async<SendResult> send(Sender<T> tx, T element) {
        Args.notNull(tx, "tx");
        Args.notNull(element, "element");
        return new ChannelFutures.SendAsync<>(tx, element);
    }

    /**
     * Starts an async select over channel operations: add clauses, then {@link
     * SelectBuilder#build()}.
     *
     * @param <R> the result type of the handlers
     * @return a new builder
     */
    public static <R> SelectBuilder<R> select() {
        return new SelectBuilder<>();
    }

    /**
     * Builds an async select: exactly one clause fires, earlier clauses first when several are
     * ready (biased, as {@link dev.braid.channel.Select#biased()}); the other clauses take and send
     * nothing. Any number of receive clauses and at most one send clause (a pending send is an
     * offer in the channel, and two offers could both be taken), which may name a channel a receive
     * clause names only if it is not a rendezvous channel (the offer would make that clause ready:
     * the select would be polled without end).
     *
     * @param <R> the result type of the handlers
     */
    public static final class SelectBuilder<R> {
        private final List<RecvClause<?, R>> recvs = new ArrayList<>();
        private SendClause<?, R> send;
        private int sendIndex = -1;
        private boolean built;

        SelectBuilder() {}

        /**
         * Adds a receive clause; if its channel is closed and drained, the select fails with {@link
         * ChannelClosedException}.
         *
         * @param <T> the element type
         * @param rx the receiver
         * @param onValue what to make of the element
         * @return this builder
         * @throws NullPointerException if an argument is null
         * @throws IllegalArgumentException if this select already receives from that channel
         *     (through any of its views), or sends to it and it is a rendezvous channel
         * @throws IllegalStateException if already built
         */
        public <T> SelectBuilder<R> recv(Receiver<T> rx, Function<? super T, ? extends R> onValue) {
            Args.notNull(rx, "rx");
            Args.notNull(onValue, "onValue");
            checkOpen();
            Object channel = ChannelIdentity.of(rx);
            for (RecvClause<?, R> c : recvs) {
                if (ChannelIdentity.of(c.rx()) == channel) {
                    throw new IllegalArgumentException(
                            "rx: this select already has a receive clause on "
                                    + rx
                                    + "; one clause per channel (map the element in its handler)");
                }
            }
            if (send != null && ChannelIdentity.of(send.tx()) == channel && rx.capacity() == 0) {
                throw selfOffer("rx", rx);
            }
            recvs.add(new RecvClause<>(rx, onValue));
            return this;
        }

        /**
         * Adds the send clause; if its channel is closed, the select fails with {@link
         * ChannelClosedException}.
         *
         * @param <T> the element type
         * @param tx the sender
         * @param element the element to send
         * @param onSent what to return once sent
         * @return this builder
         * @throws NullPointerException if an argument is null
         * @throws IllegalArgumentException if {@code tx} is a rendezvous channel (or one of its
         *     views) that a receive clause of this select receives from
         * @throws IllegalStateException if already built, or a send clause was added already
         */
        public <T> SelectBuilder<R> send(Sender<T> tx, T element, Supplier<? extends R> onSent) {
            Args.notNull(tx, "tx");
            Args.notNull(element, "element");
            Args.notNull(onSent, "onSent");
            checkOpen();
            if (send != null) {
                throw new IllegalStateException(
                        "an async select takes at most one send clause: select on the sends in"
                                + " separate steps, or use a blocking Select on a virtual thread");
            }
            if (tx.capacity() == 0) {
                Object channel = ChannelIdentity.of(tx);
                for (RecvClause<?, R> c : recvs) {
                    if (ChannelIdentity.of(c.rx()) == channel) {
                        throw selfOffer("tx", tx);
                    }
                }
            }
            send = new SendClause<>(tx, element, onSent);
            sendIndex = recvs.size();
            return this;
        }

        /**
         * The select future. The builder cannot be used afterwards.
         *
         * @return the future
         * @throws IllegalStateException if no clause was added, or already built
         */
        public Async<R> build() {
            checkOpen();
            if (recvs.isEmpty() && send == null) {
                throw new IllegalStateException("an async select needs at least one clause");
            }
            built = true;
            return new ChannelFutures.SelectAsync<>(List.copyOf(recvs), send, sendIndex);
        }

        /**
         * A send and a receive clause on one rendezvous channel: the pending send is an offer in
         * the channel, which makes the receive clause's registration ready at once, and a
         * registration cannot tell its own select's offer from another sender's: the task would be
         * polled without end (probe15: 130,000 polls a second, waiting for a partner).
         */
        private static IllegalArgumentException selfOffer(String arg, Object view) {
            return new IllegalArgumentException(
                    arg
                            + ": this select would send to and receive from rendezvous channel "
                            + view
                            + ", and its own offer would make its receive clause ready again and"
                            + " again; select on them in separate steps, or use a blocking Select"
                            + " on a virtual thread, which never pairs with itself");
        }

        private void checkOpen() {
            if (built) {
                throw new IllegalStateException("select already built: start a new one");
            }
        }
    }

    record RecvClause<T, R>(Receiver<T> rx, Function<? super T, ? extends R> onValue) {}

    record SendClause<T, R>(Sender<T> tx, T element, Supplier<? extends R> onSent) {}

    /** Spends budget ahead of an operation that would take or offer: false if the task yields. */
    static boolean budgetLeft(Context cx) {
        return cx.remainingBudget() > 0 || cx.consumeBudget();
    }
}
