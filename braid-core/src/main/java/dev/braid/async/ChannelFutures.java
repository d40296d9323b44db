package dev.braid.async;

import dev.braid.async.AsyncChannels.Clause;
import dev.braid.async.AsyncChannels.RecvClause;
import dev.braid.async.AsyncChannels.SendClause;
import dev.braid.channel.ChannelClosedException;
import dev.braid.channel.ChannelWaker;
import dev.braid.channel.Receiver;
import dev.braid.channel.RecvRegistration;
import dev.braid.channel.RecvResult;
import dev.braid.channel.SendRegistration;
import dev.braid.channel.SendResult;
import dev.braid.channel.Sender;
import dev.braid.internal.rt.SimWait;
import dev.braid.internal.util.SelectWord;
import java.util.List;

/** The futures behind {@link AsyncChannels}. */
final class ChannelFutures {
    /*
     * Implementation notes
     *
     * Algorithm. Each future is the channel's non-blocking protocol (docs/channels.md, ADR 0020)
     * turned into a poll: try; if it cannot complete, register a ChannelWaker; return pending; on
     * the next poll look at the registration. A receive registration takes nothing (it is a
     * readiness signal), so a receive takes its element only in the poll that returns it, and a
     * dropped receive loses nothing. A send registration is an offer: the element sits in the
     * channel like a parked sender's until a receiver takes it; drop withdraws it
     * (SendRegistration.cancel), which either wins (not sent) or finds it sent (delivered once).
     *
     * The select (ADR 0175) waits as the blocking Select does: one select word (SelectWord, the
     * channel package's Waiter behind an internal interface) shared by all its registrations, a
     * readiness entry per receive clause and an offer per send clause. A counterpart claims the
     * word for exactly one clause, so at most one clause completes and the other offers die with
     * the claim (nothing to withdraw, any number of send clauses); and a channel never pairs the
     * word with itself: the word's own offer neither makes its own receive clause ready nor fires
     * it. Before ADR 0175 each clause registered with the public per-channel protocol, which has
     * no notion of "self": on a rendezvous channel the select's own offer fired its own receive
     * registration, and the task was polled without end (ADR 0169 refused that shape instead).
     * A receive clause chosen takes nothing (its entry is a readiness signal, like a receive
     * future's), so the next poll tries every clause again; a send clause chosen was sent.
     *
     * State. The latest poll's waker (volatile, read by the channel callback), the registration
     * or the select's word (only the polling thread touches them), done.
     *
     * Memory ordering. The poll writes `waker` (volatile) before it registers; the channel calls
     * the callback after the registration was made ready, and the callback reads `waker`. A later
     * poll writes a newer waker before it reads isReady/isDone/isChosen: either it sees the registration
     * ready, or the callback (which runs after that state change) reads the newer waker. So the
     * latest waker is woken (Rust's rule) and no wake-up is lost.
     *
     * Liveness. A registration that is ready at once (the channel changed between try and
     * register) makes the poll try again; another receiver may win each time, which is progress
     * for the channel as a whole.
     *
     * Tradeoffs. A select re-registers every clause after each fired registration (O(clauses) per
     * wake), like the blocking Select, with a new word each time (a claimed word is spent).
     */
    private ChannelFutures() {}

    abstract static class Leaf<T> implements Async<T>, SimWait.Sink {
        private volatile Waker waker;
        boolean done;

        /**
         * Under the testkit, or with -Dbraid.async.observe=true: the task being polled records what
         * it awaits, for deadlock reports and the live-task dump (ADR 0183).
         */
        @Override
        public final void awaiting(Object blocker) {
            if (Interop.polling() instanceof RawTask<?> t) {
                t.awaiting(blocker);
            }
        }

        /**
         * The public operation that made this future (its poll-after-completion error names it).
         */
        abstract String operation();

        final ChannelWaker waker() {
            return new SimAwareWaker(this);
        }

        final void publish(Context cx) {
            if (done) {
                throw Combinators.pollAfterCompletion(operation());
            }
            waker = cx.waker();
        }

        final void fire() {
            Waker w = waker;
            if (w != null) {
                w.wake();
            }
        }

        final <V> Poll<V> finish(V value, boolean spend, Context cx) {
            done = true;
            if (spend) {
                cx.consumeBudget(); // budgetLeft() was checked before the operation
            }
            return Poll.ready(value);
        }
    }

    /** The channel callback: wakes the latest waker; tells a simulation what it awaits. */
    private record SimAwareWaker(Leaf<?> leaf) implements ChannelWaker, SimWait.Sink {
        @Override
        public void wake() {
            leaf.fire();
        }

        @Override
        public void awaiting(Object blocker) {
            leaf.awaiting(blocker);
        }
    }

    static final class RecvAsync<T> extends Leaf<RecvResult<T>> {
        private final Receiver<T> rx;
        private RecvRegistration reg;

        RecvAsync(Receiver<T> rx) {
            this.rx = rx;
        }

        @Override
        String operation() {
            return "AsyncChannels.recv(...)";
        }

        @Override
        public Poll<RecvResult<T>> poll(Context cx) {
            publish(cx);
            if (reg != null) {
                if (!reg.isReady()) {
                    return Poll.pending(); // a spurious poll: the registration still stands
                }
                reg.unregister();
                reg = null;
            }
            while (true) {
                if (!AsyncChannels.budgetLeft(cx)) {
                    return Poll.pending();
                }
                RecvResult<T> r = rx.tryRecv();
                switch (r) {
                    case RecvResult.Received<T> x -> {
                        return finish(r, true, cx);
                    }
                    case RecvResult.Closed<T> x -> {
                        return finish(r, false, cx);
                    }
                    default -> {}
                }
                RecvRegistration g = rx.registerRecv(waker());
                if (!g.isReady()) {
                    reg = g;
                    return Poll.pending();
                }
                g.unregister(); // became ready in between: try again
            }
        }

        @Override
        public void drop() {
            if (reg != null) {
                reg.unregister();
                reg = null;
            }
        }

        @Override
        public String toString() {
            return "recv(" + rx + ")";
        }
    }

    static final class SendAsync<T> extends Leaf<SendResult> {
        private final Sender<T> tx;
        private final T element;
        private SendRegistration reg;

        SendAsync(Sender<T> tx, T element) {
            this.tx = tx;
            this.element = element;
        }

        @Override
        String operation() {
            return "AsyncChannels.send(...)";
        }

        @Override
        public Poll<SendResult> poll(Context cx) {
            publish(cx);
            if (reg != null) {
                if (!reg.isDone()) {
                    return Poll.pending(); // still on offer
                }
                return finish(reg.result(), false, cx);
            }
            if (!AsyncChannels.budgetLeft(cx)) {
                return Poll.pending();
            }
            SendRegistration g = tx.registerSend(element, waker());
            if (g.isDone()) {
                return finish(g.result(), true, cx);
            }
            reg = g;
            return Poll.pending();
        }

        @Override
        public void drop() {
            if (reg != null) {
                reg.cancel(); // false: a receiver took it already, the element was delivered
                reg = null;
            }
        }

        @Override
        public String toString() {
            return "send(" + tx + ")";
        }
    }

    static final class SelectAsync<R> extends Leaf<R> {
        private final List<Clause<R>> clauses;

        /** The registrations of the current wait, all under one select word; null when none. */
        private SelectWord word;

        SelectAsync(List<Clause<R>> clauses) {
            this.clauses = clauses;
        }

        @Override
        String operation() {
            return "AsyncChannels.select()...build()";
        }

        @Override
        public Poll<R> poll(Context cx) {
            publish(cx);
            if (word != null) {
                if (!word.isChosen()) {
                    return Poll.pending(); // a spurious poll, or a claim being written: it wakes us
                }
                Poll<R> won = settle(word.chosen(), cx);
                if (won != null) {
                    return won;
                }
            }
            while (true) {
                if (!AsyncChannels.budgetLeft(cx)) {
                    return Poll.pending();
                }
                Poll<R> p = tryAll(cx);
                if (p != null) {
                    return p;
                }
                SelectWord w = SelectWord.of(waker());
                word = w;
                if (registerAll(w)) {
                    return Poll.pending();
                }
                if (w.abort()) { // a clause became ready while we registered: try again
                    w.unregisterAll();
                    word = null;
                    continue;
                }
                Poll<R> won = settle(w.chosen(), cx); // a counterpart chose a clause meanwhile
                if (won != null) {
                    return won;
                }
            }
        }

        /** Registers every clause under {@code w}; false if one could proceed now. */
        private boolean registerAll(SelectWord w) {
            for (int i = 0; i < clauses.size(); i++) {
                boolean ready =
                        switch (clauses.get(i)) {
                            case RecvClause<?, R> c -> w.watchRecv(c.rx(), i);
                            case SendClause<?, R> c -> w.offer(c.tx(), c.element(), i);
                        };
                if (ready) {
                    return false;
                }
            }
            return true;
        }

        /**
         * After a counterpart chose {@code clause} of the current word: the send's outcome, or null
         * for a receive clause made ready (nothing taken yet: try again).
         */
        private Poll<R> settle(int clause, Context cx) {
            SelectWord w = word;
            word = null;
            if (clauses.get(clause) instanceof SendClause<?, R> c) {
                SendResult s = (SendResult) w.sendResult();
                w.unregisterAll();
                return sent(c, s, false, cx); // the element was taken (or the channel closed)
            }
            w.unregisterAll(); // the word's offers died with the claim: none can be taken now
            return null;
        }

        private Poll<R> tryAll(Context cx) {
            for (Clause<R> clause : clauses) {
                Poll<R> p =
                        switch (clause) {
                            case RecvClause<?, R> c -> tryRecv(c, cx);
                            case SendClause<?, R> c -> trySend(c, cx);
                        };
                if (p != null) {
                    return p;
                }
            }
            return null;
        }

        private <T> Poll<R> tryRecv(RecvClause<T, R> c, Context cx) {
            RecvResult<T> r = c.rx().tryRecv();
            return switch (r) {
                case RecvResult.Received<T>(T value) -> finish(c.onValue().apply(value), true, cx);
                case RecvResult.Closed<T>(var cause) -> {
                    done = true;
                    throw new ChannelClosedException(
                            "async select: channel " + c.rx() + " is closed", cause.orElse(null));
                }
                default -> null;
            };
        }

        private <T> Poll<R> trySend(SendClause<T, R> c, Context cx) {
            SendResult s = c.tx().trySend(c.element());
            return s instanceof SendResult.Full ? null : sent(c, s, true, cx);
        }

        private Poll<R> sent(SendClause<?, R> c, SendResult s, boolean spend, Context cx) {
            if (s instanceof SendResult.Closed(var cause)) {
                done = true;
                throw new ChannelClosedException(
                        "async select: channel " + c.tx() + " is closed", cause.orElse(null));
            }
            return finish(c.onSent().get(), spend, cx);
        }

        @Override
        public void drop() {
            SelectWord w = word;
            if (w != null) {
                word = null;
                w.abort(); // lost: a send clause's element was taken (delivered), or a receive
                w.unregisterAll(); // clause was made ready (nothing taken)
            }
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("select(");
            for (int i = 0; i < clauses.size(); i++) {
                sb.append(i == 0 ? "" : ", ");
                switch (clauses.get(i)) {
                    case RecvClause<?, R> c -> sb.append("recv ").append(c.rx());
                    case SendClause<?, R> c -> sb.append("send ").append(c.tx());
                }
            }
            return sb.append(')').toString();
        }
    }
}
