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
     * nothing. Any number of receive and send clauses, at most one of each kind per channel; a send
     * and a receive clause may name the same channel, of any capacity, and never pair with each
     * other (as in the blocking {@link dev.braid.channel.Select}): on a rendezvous channel the
     * select waits for another party to take its element or to offer one.
     *
     * @param <R> the result type of the handlers
     */
    public static final class SelectBuilder<R> {
        private final List<Clause<R>> clauses = new ArrayList<>();
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
         *     (through any of its views)
         * @throws IllegalStateException if already built
         */
        public <T> SelectBuilder<R> recv(Receiver<T> rx, Function<? super T, ? extends R> onValue) {
            Args.notNull(rx, "rx");
            Args.notNull(onValue, "onValue");
            checkOpen();
            refuseSecond(rx, false);
            clauses.add(new RecvClause<>(rx, onValue));
            return this;
        }

        /**
         * Adds a send clause; if its channel is closed, the select fails with {@link
         * ChannelClosedException}.
         *
         * @param <T> the element type
         * @param tx the sender
         * @param element the element to send
         * @param onSent what to return once sent
         * @return this builder
         * @throws NullPointerException if an argument is null
         * @throws IllegalArgumentException if this select already sends to that channel (through
         *     any of its views)
         * @throws IllegalStateException if already built
         */
        public <T> SelectBuilder<R> send(Sender<T> tx, T element, Supplier<? extends R> onSent) {
            Args.notNull(tx, "tx");
            Args.notNull(element, "element");
            Args.notNull(onSent, "onSent");
            checkOpen();
            refuseSecond(tx, true);
            clauses.add(new SendClause<>(tx, element, onSent));
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
            if (clauses.isEmpty()) {
                throw new IllegalStateException("an async select needs at least one clause");
            }
            built = true;
            return new ChannelFutures.SelectAsync<>(List.copyOf(clauses));
        }

        /**
         * Refuses a second clause in the same direction on {@code view}'s channel (through any of
         * its views), as the blocking {@code Select} does; a send and a receive may share one.
         */
        private void refuseSecond(Object view, boolean send) {
            Object channel = ChannelIdentity.of(view);
            for (Clause<R> c : clauses) {
                Object other =
                        switch (c) {
                            case RecvClause<?, R> r -> send ? null : r.rx();
                            case SendClause<?, R> t -> send ? t.tx() : null;
                        };
                if (other != null && ChannelIdentity.of(other) == channel) {
                    throw new IllegalArgumentException(
                            (send
                                            ? "tx: this select already has a send clause on "
                                            : "rx: this select already has a receive clause on ")
                                    + view
                                    + (send
                                            ? "; one send clause per channel (send the elements in turn)"
                                            : "; one receive clause per channel (map the element in its handler)"));
                }
            }
        }

        private void checkOpen() {
            if (built) {
                throw new IllegalStateException("select already built: start a new one");
            }
        }
    }

    /** A clause of an async select, in the order added. */
    sealed interface Clause<R> permits RecvClause, SendClause {}

    record RecvClause<T, R>(Receiver<T> rx, Function<? super T, ? extends R> onValue)
            implements Clause<R> {}

    record SendClause<T, R>(Sender<T> tx, T element, Supplier<? extends R> onSent)
            implements Clause<R> {}

    /** Spends budget ahead of an operation that would take or offer: false if the task yields. */
    static boolean budgetLeft(Context cx) {
        return cx.remainingBudget() > 0 || cx.consumeBudget();
    }
}
