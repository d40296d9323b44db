package dev.braid.async;

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
     * The select cancels its one send offer before trying anything else, so at most one clause
     * ever completes.
     *
     * State. The latest poll's waker (volatile, read by the channel callback), the registration
     * (only the polling thread touches it), done.
     *
     * Memory ordering. The poll writes `waker` (volatile) before it registers; the channel calls
     * the callback after the registration was made ready, and the callback reads `waker`. A later
     * poll writes a newer waker before it reads isReady/isDone: either it sees the registration
     * ready, or the callback (which runs after that state change) reads the newer waker. So the
     * latest waker is woken (Rust's rule) and no wake-up is lost.
     *
     * Liveness. A registration that is ready at once (the channel changed between try and
     * register) makes the poll try again; another receiver may win each time, which is progress
     * for the channel as a whole.
     *
     * Tradeoffs. A select re-registers every clause after each fired registration (O(clauses) per
     * wake), like the blocking Select; only one send clause, because two offers cannot be made
     * mutually exclusive with the per-channel protocol.
     */
    private ChannelFutures() {}

    abstract static class Leaf<T> implements Async<T>, SimWait.Sink {
        private volatile Waker waker;
        boolean done;

        /**
         * Under the testkit: the task being polled records what it awaits, for deadlock reports.
         */
        @Override
        public final void awaiting(Object blocker) {
            if (Interop.polling() instanceof RawTask<?> t) {
                t.awaiting(blocker);
            }
        }

        final ChannelWaker waker() {
            return new SimAwareWaker(this);
        }

        final void publish(Context cx) {
            if (done) {
                throw Combinators.pollAfterCompletion(this);
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
        private final List<RecvClause<?, R>> recvs;
        private final SendClause<?, R> send;
        private final int sendIndex;
        private final RecvRegistration[] recvRegs;
        private SendRegistration sendReg;
        private boolean registered;

        SelectAsync(List<RecvClause<?, R>> recvs, SendClause<?, R> send, int sendIndex) {
            this.recvs = recvs;
            this.send = send;
            this.sendIndex = sendIndex;
            this.recvRegs = new RecvRegistration[recvs.size()];
        }

        @Override
        public Poll<R> poll(Context cx) {
            publish(cx);
            if (registered) {
                if (!anyFired()) {
                    return Poll.pending();
                }
                Poll<R> won = withdrawAll(cx);
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
                boolean ready = false;
                for (int i = 0; i < recvRegs.length; i++) {
                    recvRegs[i] = recvs.get(i).rx().registerRecv(waker());
                    ready |= recvRegs[i].isReady();
                }
                if (send != null) {
                    sendReg = registerSend(send);
                }
                registered = true;
                if (!ready && (sendReg == null || !sendReg.isDone())) {
                    return Poll.pending();
                }
                Poll<R> won = withdrawAll(cx);
                if (won != null) {
                    return won;
                }
            }
        }

        private boolean anyFired() {
            for (RecvRegistration g : recvRegs) {
                if (g.isReady()) {
                    return true;
                }
            }
            return sendReg != null && sendReg.isDone();
        }

        /** Withdraws every registration; non-null if the send offer was taken meanwhile. */
        private Poll<R> withdrawAll(Context cx) {
            registered = false;
            for (int i = 0; i < recvRegs.length; i++) {
                recvRegs[i].unregister();
                recvRegs[i] = null;
            }
            SendRegistration g = sendReg;
            sendReg = null;
            if (g != null && !g.cancel()) {
                return sent(g.result(), false, cx); // taken before we could withdraw it
            }
            return null;
        }

        private Poll<R> tryAll(Context cx) {
            int n = recvs.size() + (send != null ? 1 : 0);
            for (int i = 0, r = 0; i < n; i++) {
                if (i == sendIndex) {
                    SendResult s = trySend(send);
                    if (!(s instanceof SendResult.Full)) {
                        return sent(s, true, cx);
                    }
                } else {
                    Poll<R> p = tryRecv(recvs.get(r++), cx);
                    if (p != null) {
                        return p;
                    }
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

        private Poll<R> sent(SendResult s, boolean spend, Context cx) {
            if (s instanceof SendResult.Closed(var cause)) {
                done = true;
                throw new ChannelClosedException(
                        "async select: channel " + send.tx() + " is closed", cause.orElse(null));
            }
            return finish(send.onSent().get(), spend, cx);
        }

        private static <T> SendResult trySend(SendClause<T, ?> c) {
            return c.tx().trySend(c.element());
        }

        private SendRegistration registerSend(SendClause<?, R> c) {
            return register(c);
        }

        private <T> SendRegistration register(SendClause<T, ?> c) {
            return c.tx().registerSend(c.element(), waker());
        }

        @Override
        public void drop() {
            if (registered) {
                registered = false;
                for (RecvRegistration g : recvRegs) {
                    if (g != null) {
                        g.unregister();
                    }
                }
                if (sendReg != null) {
                    sendReg.cancel(); // false: taken already, the element was delivered
                    sendReg = null;
                }
            }
        }
    }
}
