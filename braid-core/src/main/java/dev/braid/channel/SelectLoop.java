package dev.braid.channel;

import dev.braid.cancel.CancellationToken;
import dev.braid.internal.util.Args;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The "serve until closed" shape of select: receives from several channels, one element at a time,
 * until every one of them is closed and drained.
 *
 * <pre>{@code
 * SelectLoop.fair()
 *         .recv(jobs, this::run)
 *         .recv(control, this::apply)
 *         .idle(Duration.ofSeconds(1), this::heartbeat)
 *         .run();            // returns when jobs and control are both closed and drained
 * }</pre>
 *
 * <p>A channel closed with a cause stops only its own clause; {@link #onClosed} hears about each
 * close. {@link #stopOn} ends the loop early when a token is cancelled. Each iteration is one
 * {@link Select}, biased or fair as chosen here; the loop is as interruptible and as
 * scope-cancellable as a select.
 *
 * <p><b>Misuse.</b> Each setting ({@link #onClosed}, {@link #idle}, {@link #stopOn}) may be given
 * once and each channel served once; a second one is refused with {@link IllegalArgumentException}
 * and the loop is left as it was. An exception thrown by a handler or an action ends {@link #run()}
 * with that exception: the element being handled counts as received, every other element stays in
 * its channel, and the loop may be run again. Calling {@link #run()} from inside one of its own
 * handlers would serve the same channels twice on one thread and is refused with {@link
 * IllegalStateException}. Clauses added while the loop runs take effect at the next {@link #run()}.
 */
public final class SelectLoop {
    private final boolean fair;
    private final List<Receiver<?>> receivers = new ArrayList<>();
    private final List<Consumer<Object>> handlers = new ArrayList<>();
    private Runnable onClosed;
    private Duration idle;
    private Runnable onIdle;
    private CancellationToken stop;

    /** Threads inside {@link #run()} now: a handler that calls run() again is refused. */
    private final Set<Thread> running = ConcurrentHashMap.newKeySet();

    private SelectLoop(boolean fair) {
        this.fair = fair;
    }

    /**
     * A loop whose clauses have priority in the order they are added.
     *
     * @return a new loop
     */
    public static SelectLoop biased() {
        return new SelectLoop(false);
    }

    /**
     * A loop that picks at random among its ready clauses, every iteration.
     *
     * @return a new loop
     */
    public static SelectLoop fair() {
        return new SelectLoop(true);
    }

    /**
     * Serves {@code rx} with {@code handler} until it is closed and drained.
     *
     * @param rx the receiver
     * @param handler what to do with each element
     * @param <T> the element type
     * @return this loop
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code rx}'s channel is already served by this loop
     */
    @SuppressWarnings("unchecked")
    public <T> SelectLoop recv(Receiver<T> rx, Consumer<? super T> handler) {
        Args.notNull(rx, "rx");
        Args.notNull(handler, "handler");
        for (Receiver<?> r : receivers) {
            if (Select.coreOf(r) == Select.coreOf(rx)) {
                throw new IllegalArgumentException(
                        "rx: this loop already serves " + Select.coreOf(rx).label());
            }
        }
        receivers.add(rx);
        handlers.add((Consumer<Object>) handler);
        return this;
    }

    /**
     * Runs {@code action} each time one of the served channels turns out closed and drained.
     *
     * @param action the action
     * @return this loop
     * @throws NullPointerException if {@code action} is null
     * @throws IllegalArgumentException if this loop already has an on-closed action
     */
    public SelectLoop onClosed(Runnable action) {
        Args.notNull(action, "action");
        if (onClosed != null) {
            throw new IllegalArgumentException("action: this loop already has an onClosed action");
        }
        this.onClosed = action;
        return this;
    }

    /**
     * Runs {@code action} whenever no element arrived for {@code timeout}.
     *
     * @param timeout how long an idle wait lasts (positive: a zero one would spin)
     * @param action the action
     * @return this loop
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code timeout} is not positive, or this loop already has
     *     an idle action
     */
    public SelectLoop idle(Duration timeout, Runnable action) {
        Args.notNull(timeout, "timeout");
        Args.notNull(action, "action");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(
                    "timeout must be positive (a zero idle wait would spin), was " + timeout);
        }
        if (idle != null) {
            throw new IllegalArgumentException("timeout: this loop already has an idle action");
        }
        this.idle = timeout;
        this.onIdle = action;
        return this;
    }

    /**
     * Ends the loop (normally) when {@code token} is cancelled, even if channels are still open and
     * hold elements: the loop looks at the token before it takes each element, so it takes none
     * once the token is cancelled (a handler that cancels it ends the loop after its own element),
     * and a wait for the next element ends at the cancellation. The elements left stay in their
     * channels.
     *
     * @param token the token
     * @return this loop
     * @throws NullPointerException if {@code token} is null
     * @throws IllegalArgumentException if this loop already has a stop token
     */
    public SelectLoop stopOn(CancellationToken token) {
        Args.notNull(token, "token");
        if (stop != null) {
            throw new IllegalArgumentException("token: this loop already has a stop token");
        }
        this.stop = token;
        return this;
    }

    /**
     * Serves until every channel is closed and drained, or the {@link #stopOn} token is cancelled.
     *
     * @throws IllegalStateException if no channel was added, or if called from inside one of this
     *     loop's own handlers or actions
     * @throws InterruptedException if interrupted while waiting (no element was taken)
     * @throws dev.braid.cancel.CancelledException if the ambient scope is cancelled while waiting
     */
    public void run() throws InterruptedException {
        if (receivers.isEmpty()) {
            throw new IllegalStateException("select loop has no receive clause: add one first");
        }
        Thread self = Thread.currentThread();
        if (!running.add(self)) {
            throw new IllegalStateException(
                    "select loop run() called from inside its own handler on thread '"
                            + self.getName()
                            + "': it would serve the same channels twice; return from the"
                            + " handler instead, or stop the loop with stopOn");
        }
        try {
            serve();
        } finally {
            running.remove(self);
        }
    }

    private void serve() throws InterruptedException {
        List<Receiver<?>> open = new ArrayList<>(receivers);
        List<Consumer<Object>> serve = new ArrayList<>(handlers);
        while (!open.isEmpty()) {
            if (stop != null && stop.isCancelled()) {
                return; // before the select, which would prefer a ready channel (probe15)
            }
            Select<Integer> sel = fair ? Select.fair() : Select.biased();
            for (int i = 0; i < open.size(); i++) {
                int k = i;
                Consumer<Object> h = serve.get(i);
                sel.recvOrClosed(
                        open.get(i),
                        r -> {
                            if (r instanceof RecvResult.Received<?> got) {
                                h.accept(got.value());
                                return -1;
                            }
                            return k;
                        });
            }
            if (stop != null) {
                sel.cancelled(stop, () -> -2);
            }
            if (idle != null) {
                sel.timeout(idle, () -> -3);
            }
            int r = sel.run();
            if (r >= 0) {
                open.remove(r);
                serve.remove(r);
                if (onClosed != null) {
                    onClosed.run();
                }
            } else if (r == -2) {
                return;
            } else if (r == -3) {
                onIdle.run();
            }
        }
    }
}
