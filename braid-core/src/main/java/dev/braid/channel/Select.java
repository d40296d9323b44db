package dev.braid.channel;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancellationRegistration;
import dev.braid.cancel.CancellationToken;
import dev.braid.cancel.Deadline;
import dev.braid.internal.rt.Op;
import dev.braid.internal.rt.Rt;
import dev.braid.internal.rt.SimWait;
import dev.braid.internal.util.Args;
import dev.braid.internal.util.InsidePoll;
import dev.braid.thread.Exit;
import dev.braid.thread.FinishRegistration;
import dev.braid.thread.JoinHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Waits for the first of several operations to become possible and performs exactly that one:
 * receive clauses, send clauses, the end of a thread, a cancellation token, a timeout or deadline,
 * and a default.
 *
 * <pre>{@code
 * String what = Select.<String>biased()
 *         .recv(jobs, job -> "job " + job)
 *         .send(results, result, () -> "sent")
 *         .joined(worker, exit -> "worker ended: " + exit)
 *         .timeout(Duration.ofSeconds(1), () -> "idle")
 *         .run();
 * }</pre>
 *
 * <p><b>Exactly one.</b> One clause fires per {@link #run()}; the operations of the other clauses
 * do not happen (no element is taken or sent by a losing clause). A {@link #biased() biased} select
 * tries its clauses in the order they were added (earlier clauses have priority when several are
 * ready); a {@link #fair() fair} select tries them in a random order drawn through braid's runtime
 * seam for every run, so the testkit records and replays the choice. The timeout and the default
 * fire only when no other clause is ready; the token clause fires when the token is cancelled and
 * no channel or join clause is ready. A {@link #joined joined} clause is ready once its thread has
 * finished and takes part in the order like a channel clause; it consumes nothing, so it stays
 * ready for every later run.
 *
 * <p><b>Closed channels.</b> A {@link #recv} or {@link #send} clause whose channel is closed (for a
 * receive: and drained) is ready: {@link #run()} then throws {@link ChannelClosedException}. Use
 * {@link #recvOrClosed} to handle the close as a value instead.
 *
 * <p><b>Blocking.</b> {@link #run()} throws {@link InterruptedException} and honours the ambient
 * {@link CancelScope} like a blocking receive; a select that gives up took and sent nothing. A
 * select may have a send and a receive clause on the same channel; they never pair with each other.
 * A select object may be run again; it is not safe for concurrent runs.
 *
 * @param <R> the result type of the handlers
 */
public final class Select<R> {
    /*
     * Implementation notes
     *
     * Algorithm (crossbeam's run_select, Go's selectgo in spirit). 1. Try every channel clause
     * once in the chosen order with the channel's non-blocking operation; the first that succeeds
     * (or finds its channel closed) fires. 2. Else the default fires, or the timeout if the
     * deadline has passed. A select with a default makes step 1 twice before it takes the default
     * (ADR 0145): a clause found not ready in the first pass is tried again, so readiness that
     * moves once from one channel to another while the select runs (Go's TestNonblockSelectRace)
     * is caught in the second pass; moved twice, it can still be missed (not a snapshot, ADR
     * 0137). 3. Else make one Waiter (the select word) and register one Entry per
     * clause with ChannelCore.register, which, under each channel's lock, registers only if the
     * clause cannot proceed; if one could, abort the word and go back to 1 (the counterpart that
     * made it ready may have been a select we would otherwise wait for forever). 4. Park until a
     * counterpart claims the word for one clause (doing that clause's operation in the same step:
     * the element is handed over, or taken, by the counterpart) or until timeout / interrupt /
     * scope make us win the abort. 5. Unregister every entry; entries that a counterpart finds
     * after the word left WAITING are stale and it skips them, so losing clauses leave no trace.
     *
     * Join clauses (ADR 0046) take part in steps 1 and 3 like channel clauses: step 1 asks
     * JoinHandle.isFinished, step 3 registers a JoinHandle.onFinish callback that claims the word
     * for the clause (it never takes anything, so it cannot lose an element), step 5 deregisters
     * it. The handler gets the exit through tryJoin, so a panic seen by a select counts as handled.
     *
     * Simulation. A select parks on a Blocker that implements SimWait.AnyOf: the testkit's
     * wait-for graph joins the holders of every clause's resource (the channels' counterparts,
     * the joined threads), so a select waiting on a thread that waits on the selector is one cycle.
     *
     * Fairness is a random permutation (Fisher-Yates over Rt.nextLong, so the testkit replays
     * it) applied to both the try order and the registration order.
     */

    private static final int TOKEN_CLAUSE = -1;

    /**
     * Whether a select with a default tries its clauses a second time before the default (ADR
     * 0145); {@code -Dbraid.select.secondPass=false} restores one pass (ADR 0137), read once.
     */
    static final boolean SECOND_PASS =
            Boolean.parseBoolean(System.getProperty("braid.select.secondPass", "true"));

    private final boolean fair;
    private final List<Clause> clauses = new ArrayList<>();
    private final Object blocker = new Blocker();
    private CancellationToken token;
    private Supplier<? extends R> onToken;
    private Duration timeout;
    private Deadline deadline;
    private Supplier<? extends R> onTimeout;
    private Supplier<? extends R> onDefault;

    private Select(boolean fair) {
        this.fair = fair;
    }

    /**
     * A select whose clauses have priority in the order they are added.
     *
     * @param <R> the handlers' result type
     * @return a new select
     */
    public static <R> Select<R> biased() {
        return new Select<>(false);
    }

    /**
     * A select that picks uniformly at random among its ready clauses.
     *
     * @param <R> the handlers' result type
     * @return a new select
     */
    public static <R> Select<R> fair() {
        return new Select<>(true);
    }

    /** A channel clause ({@code core} non-null) or a join clause ({@code handle} non-null). */
    private record Clause(
            ChannelCore<?> core,
            boolean send,
            Object item,
            Function<Object, ?> onValue,
            Supplier<?> onSent,
            boolean closedAsValue,
            JoinHandle<?> handle) {}

    /**
     * Adds a receive clause: fires with the element when one is received.
     *
     * @param rx the receiver
     * @param onValue what to do with the element
     * @param <T> the element type
     * @return this select
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if this select already receives from that channel
     */
    public <T> Select<R> recv(Receiver<T> rx, Function<? super T, ? extends R> onValue) {
        Args.notNull(rx, "rx");
        Args.notNull(onValue, "onValue");
        return add(coreOf(rx), false, null, erase(onValue), null, false);
    }

    /**
     * Adds a receive clause that also fires when the channel is closed and drained, with {@link
     * RecvResult.Received} or {@link RecvResult.Closed}.
     *
     * @param rx the receiver
     * @param handler what to do with the outcome
     * @param <T> the element type
     * @return this select
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if this select already receives from that channel
     */
    public <T> Select<R> recvOrClosed(
            Receiver<T> rx, Function<? super RecvResult<T>, ? extends R> handler) {
        Args.notNull(rx, "rx");
        Args.notNull(handler, "handler");
        return add(coreOf(rx), false, null, erase(handler), null, true);
    }

    /**
     * Adds a send clause: fires when {@code element} has been sent.
     *
     * @param tx the sender
     * @param element the element to send
     * @param onSent what to do once sent
     * @param <T> the element type
     * @return this select
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if this select already sends on that channel
     */
    public <T> Select<R> send(Sender<T> tx, T element, Supplier<? extends R> onSent) {
        Args.notNull(tx, "tx");
        Args.notNull(element, "element");
        Args.notNull(onSent, "onSent");
        return add(coreOf(tx), true, element, null, onSent, false);
    }

    /**
     * Adds a clause that fires when the thread of {@code handle} has finished, with how it ended.
     * The handler's {@link Exit} tells a value, a panic or a stop by the thread's scope apart; a
     * panic received this way counts as handled, as with {@link JoinHandle#join()}. A thread cannot
     * wait for its own end: {@link #run()} run on the thread of {@code handle} throws.
     *
     * @param handle the thread to wait for
     * @param onExit what to do with its exit
     * @param <T> the thread's result type
     * @return this select
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if this select already waits for that thread
     */
    public <T> Select<R> joined(
            JoinHandle<T> handle, Function<? super Exit<T>, ? extends R> onExit) {
        Args.notNull(handle, "handle");
        Args.notNull(onExit, "onExit");
        for (Clause c : clauses) {
            if (c.handle == handle) {
                throw new IllegalArgumentException(
                        "handle: this select already waits for thread '" + handle.name() + "'");
            }
        }
        clauses.add(new Clause(null, false, null, erase(onExit), null, false, handle));
        return this;
    }

    /**
     * Adds a clause that fires when {@code token} is cancelled (and no channel clause is ready).
     *
     * @param token the token
     * @param onCancelled what to do then
     * @return this select
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if this select already has a token clause
     */
    public Select<R> cancelled(CancellationToken token, Supplier<? extends R> onCancelled) {
        Args.notNull(token, "token");
        Args.notNull(onCancelled, "onCancelled");
        if (this.token != null) {
            throw new IllegalArgumentException("token: this select already has a token clause");
        }
        this.token = token;
        this.onToken = onCancelled;
        return this;
    }

    /**
     * Adds a timeout, counted from the start of each {@link #run()} ({@code <= 0}: fires at once if
     * nothing is ready).
     *
     * @param timeout how long to wait
     * @param onTimeout what to do then
     * @return this select
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if this select already has a timeout or deadline
     */
    public Select<R> timeout(Duration timeout, Supplier<? extends R> onTimeout) {
        Args.notNull(timeout, "timeout");
        Args.notNull(onTimeout, "onTimeout");
        checkNoTime("timeout");
        this.timeout = timeout;
        this.onTimeout = onTimeout;
        return this;
    }

    /**
     * Adds a deadline.
     *
     * @param deadline when to give up
     * @param onTimeout what to do then
     * @return this select
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if this select already has a timeout or deadline
     */
    public Select<R> deadline(Deadline deadline, Supplier<? extends R> onTimeout) {
        Args.notNull(deadline, "deadline");
        Args.notNull(onTimeout, "onTimeout");
        checkNoTime("deadline");
        this.deadline = deadline;
        this.onTimeout = onTimeout;
        return this;
    }

    /**
     * Adds a default: fires at once if no other clause is ready, so {@link #run()} never waits; it
     * then neither throws {@link InterruptedException} nor clears the interrupt status (a try
     * operation, as {@code tryRecv} and {@code trySend}).
     *
     * @param onDefault what to do then
     * @return this select
     * @throws NullPointerException if {@code onDefault} is null
     * @throws IllegalArgumentException if this select already has a default
     */
    public Select<R> orElse(Supplier<? extends R> onDefault) {
        Args.notNull(onDefault, "onDefault");
        if (this.onDefault != null) {
            throw new IllegalArgumentException("onDefault: this select already has a default");
        }
        this.onDefault = onDefault;
        return this;
    }

    /**
     * Throws if the calling thread is inside an async task's poll, where the wait would hold the
     * executor thread (probe17, ADR 0189); asked only once no clause was ready and the select is
     * about to register and wait.
     */
    private void refuseInsidePoll() {
        String task = InsidePoll.task();
        if (task != null) {
            throw new IllegalStateException(
                    "blocking select inside a poll of "
                            + task
                            + " would block the executor thread polling it (on a one-thread"
                            + " executor for ever, if a task of it is the other end): await"
                            + " AsyncChannels.select() there instead, or give this select a"
                            + " default (orElse)");
        }
    }

    /**
     * Waits until one clause can fire, performs its operation and returns its handler's result.
     *
     * @return the fired clause's handler result
     * @throws IllegalStateException if the select has no clause at all (it would wait forever), if
     *     it runs on a thread that one of its {@link #joined} clauses waits for, or if it would
     *     wait inside an async task's poll (await {@code AsyncChannels.select()} there; ADR 0189)
     * @throws ChannelClosedException if a {@link #recv} or {@link #send} clause fired because its
     *     channel is closed
     * @throws InterruptedException if interrupted before a clause fired; never for a select with an
     *     {@link #orElse} default, which does not wait and, like {@code tryRecv}, leaves the
     *     interrupt status set
     * @throws dev.braid.cancel.CancelledException if the ambient scope is cancelled before a clause
     *     fired
     */
    public R run() throws InterruptedException {
        if (clauses.isEmpty() && token == null && onTimeout == null && onDefault == null) {
            throw new IllegalStateException(
                    "select has no clauses and would wait forever: add a clause, a timeout or a"
                            + " default");
        }
        checkNoSelfJoin();
        checkSomethingCanFire();
        if (onDefault == null && Thread.interrupted()) { // with a default it never waits (ADR 0076)
            throw new InterruptedException();
        }
        Rt.yieldPoint(Op.OTHER, this);
        Deadline dl =
                timeout != null
                        ? Deadline.after(timeout)
                        : deadline != null ? deadline : Deadline.never();
        int n = clauses.size();
        int[] order = new int[n];
        // ADR 0145: a select with a default tries every clause twice before it takes the default,
        // so that readiness handed from one channel to another once while it runs is not missed
        int passes = onDefault != null && SECOND_PASS ? 2 : 1;
        while (true) {
            order(order);
            for (int pass = 0; pass < passes; pass++) {
                for (int i : order) {
                    Clause c = clauses.get(i);
                    Object outcome;
                    if (c.handle != null) {
                        if (!c.handle.isFinished()) {
                            continue;
                        }
                        outcome = null; // fire() asks tryJoin for the exit
                    } else if (c.send) {
                        int r = c.core.trySend(c.item);
                        if (r == ChannelCore.FULL) {
                            continue;
                        }
                        outcome = r == ChannelCore.OK ? ChannelCore.SENT : ChannelCore.CLOSED;
                    } else {
                        outcome = c.core.tryRecv();
                        if (outcome == ChannelCore.EMPTY) {
                            continue;
                        }
                    }
                    return fire(i, outcome);
                }
            }
            if (token != null && token.isCancelled()) {
                return onToken.get();
            }
            if (onDefault != null) {
                return onDefault.get();
            }
            if (dl.isExpired()) {
                return onTimeout.get();
            }
            refuseInsidePoll();
            Waiter w = new Waiter(Thread.currentThread(), null);
            Object[] entries = new Object[n]; // an Entry or a FinishRegistration per clause
            boolean ready = false;
            for (int i : order) {
                Clause c = clauses.get(i);
                if (c.handle != null) {
                    if (c.handle.isFinished()) {
                        ready = true;
                        break;
                    }
                    int clause = i;
                    entries[i] = c.handle.onFinish(exit -> claimForJoin(w, clause));
                    continue;
                }
                Entry e = new Entry(w, i, c.item);
                if (c.core.register(e, c.send)) {
                    ready = true;
                    break;
                }
                entries[i] = e;
            }
            CancellationRegistration tokenReg = null;
            if (!ready && token != null) {
                tokenReg =
                        token.onCancel(
                                () -> {
                                    if (w.tryClaim()) {
                                        w.complete(TOKEN_CLAUSE, null);
                                        w.wake();
                                    }
                                });
            }
            int why;
            long since = 0L;
            if (ready) {
                if (w.tryAbort()) {
                    unregisterAll(entries);
                    continue; // something became ready: try again from the top
                }
                w.awaitSelected();
                why = ChannelCore.DONE;
            } else {
                ChannelBlockedEvent event = ChannelBlockedEvent.start();
                since = Rt.nanoTime(); // for the message of a stop by the scope
                why = ChannelCore.awaitSelection(w, blocker, dl, null);
                event.finish(this, "select", why == ChannelCore.DONE);
            }
            if (tokenReg != null) {
                tokenReg.deregister();
            }
            unregisterAll(entries);
            switch (why) {
                case ChannelCore.DONE -> {
                    if (w.chosen == TOKEN_CLAUSE) {
                        return onToken.get();
                    }
                    return fire(w.chosen, w.item);
                }
                case ChannelCore.TIMED_OUT -> {
                    return onTimeout.get();
                }
                case ChannelCore.INTERRUPTED -> throw new InterruptedException();
                default -> {
                    CancelScope.current().checkWaiting(toString(), null, since); // throws
                    throw new AssertionError("scope stopped but check() passed");
                }
            }
        }
    }

    private void unregisterAll(Object[] entries) {
        for (int i = 0; i < entries.length; i++) {
            switch (entries[i]) {
                case Entry e -> clauses.get(i).core.unregister(e, clauses.get(i).send);
                case FinishRegistration r -> r.deregister();
                case null, default -> {}
            }
        }
    }

    /** The finish callback of a join clause: claims the select word for the clause. */
    private static void claimForJoin(Waiter w, int clause) {
        if (w.tryClaim()) {
            w.complete(clause, null);
            if (w.thread != Thread.currentThread()) {
                w.wake(); // else it finished while we registered: we see SELECTED without a park
            }
        }
    }

    /**
     * Without a channel or join clause and a default, only the token or the time can end the
     * select; a token that can never be cancelled and a deadline that never comes would leave it
     * waiting for ever, with nothing in the program able to wake it (ADR 0065).
     */
    private void checkSomethingCanFire() {
        if (clauses.isEmpty()
                && onDefault == null
                && (token == null || !token.canBeCancelled())
                && (onTimeout == null || timeout == null && deadline.isNever())) {
            throw new IllegalStateException(
                    "select can never fire: its only clauses are a token that can never be"
                            + " cancelled or a deadline that never comes; add a channel clause, a"
                            + " finite timeout or a default");
        }
    }

    private void checkNoSelfJoin() {
        Thread self = Thread.currentThread();
        for (Clause c : clauses) {
            if (c.handle != null && c.handle.thread() == self) {
                throw new IllegalStateException(
                        "thread '"
                                + self.getName()
                                + "' cannot select on its own end (joined clause): it would wait"
                                + " forever; run the select on another thread or drop that"
                                + " clause");
            }
        }
    }

    private void order(int[] order) {
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        if (fair) {
            for (int i = order.length - 1; i > 0; i--) {
                int j = (int) Long.remainderUnsigned(Rt.nextLong(), i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
    }

    @SuppressWarnings("unchecked")
    private R fire(int i, Object outcome) {
        Clause c = clauses.get(i);
        if (c.handle != null) {
            Exit<?> exit = c.handle.tryJoin().orElseThrow(); // finished: the clause was ready
            return (R) c.onValue.apply(exit);
        }
        if (c.send) {
            if (outcome == ChannelCore.CLOSED) {
                throw closed(c, "send on");
            }
            return (R) c.onSent.get();
        }
        if (outcome == ChannelCore.CLOSED) {
            if (!c.closedAsValue) {
                throw closed(c, "receive from");
            }
            return (R)
                    c.onValue.apply(new RecvResult.Closed<>(Optional.ofNullable(c.core.cause())));
        }
        return (R) c.onValue.apply(c.closedAsValue ? new RecvResult.Received<>(outcome) : outcome);
    }

    private static ChannelClosedException closed(Clause c, String what) {
        return new ChannelClosedException(
                "select cannot " + what + " " + c.core.label() + ": it is closed", c.core.cause());
    }

    private Select<R> add(
            ChannelCore<?> core,
            boolean send,
            Object item,
            Function<Object, ?> onValue,
            Supplier<?> onSent,
            boolean closedAsValue) {
        for (Clause c : clauses) {
            if (c.core != null && c.core == core && c.send == send) {
                throw new IllegalArgumentException(
                        (send ? "tx" : "rx")
                                + ": this select already has a "
                                + (send ? "send" : "receive")
                                + " clause on "
                                + core.label());
            }
        }
        clauses.add(new Clause(core, send, item, onValue, onSent, closedAsValue, null));
        return this;
    }

    private void checkNoTime(String arg) {
        if (timeout != null || deadline != null) {
            throw new IllegalArgumentException(
                    arg + ": this select already has a timeout or deadline");
        }
    }

    @SuppressWarnings("unchecked")
    private static Function<Object, ?> erase(Function<?, ?> f) {
        return (Function<Object, ?>) f;
    }

    static ChannelCore<?> coreOf(Receiver<?> rx) {
        return switch (rx) {
            case Channel<?> c -> c.core;
            case ChannelReceiver<?> v -> v.channel().core;
        };
    }

    static ChannelCore<?> coreOf(Sender<?> tx) {
        return switch (tx) {
            case Channel<?> c -> c.core;
            case ChannelSender<?> v -> v.channel().core;
        };
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("select on [");
        for (int i = 0; i < clauses.size(); i++) {
            Clause c = clauses.get(i);
            sb.append(i == 0 ? "" : ", ");
            if (c.handle != null) {
                sb.append("join(").append(c.handle.name()).append(')');
                continue;
            }
            sb.append(c.send ? "send to " : "receive from ")
                    .append(c.core.label())
                    .append(" (")
                    .append(c.core.describe())
                    .append(')');
        }
        String sep = clauses.isEmpty() ? "" : ", ";
        if (token != null) {
            sb.append(sep).append(token.isCancelled() ? "cancelled token" : "token");
            sep = ", ";
        }
        if (timeout != null) {
            sb.append(sep).append("timeout ").append(timeout);
            sep = ", ";
        } else if (deadline != null) {
            sb.append(sep).append(deadline);
            sep = ", ";
        }
        if (onDefault != null) {
            sb.append(sep).append("default");
        }
        return sb.append(']').toString();
    }

    /**
     * What a blocked select parks on: its text is the select's, and for the testkit's wait-for
     * graph it stands for every clause's resource.
     */
    private final class Blocker implements SimWait.AnyOf {
        @Override
        public List<Object> waitsOnAny() {
            List<Object> on = new ArrayList<>(clauses.size());
            for (Clause c : clauses) {
                if (c.handle != null) {
                    on.add(c.handle.thread());
                } else {
                    on.add(c.send ? c.core.sendBlocker : c.core.recvBlocker);
                }
            }
            return on;
        }

        @Override
        public String toString() {
            return Select.this.toString();
        }
    }
}
