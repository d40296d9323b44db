package dev.braid.channel;

import dev.braid.internal.rt.Rt;
import dev.braid.internal.util.Args;
import dev.braid.thread.Threads;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link Flow} adapters: a {@link Receiver} as a {@link Flow.Publisher} and a {@link Sender} fed by
 * a {@link Flow.Subscriber}, both honouring {@code request(n)} backpressure.
 *
 * <p><b>Publisher.</b> Each subscriber gets its own subscription, served by its own braid (virtual)
 * thread started at {@code subscribe}; {@code subscribe} and {@code request} never block. Every
 * signal to the subscriber ({@code onSubscribe}, {@code onNext}, {@code onError}, {@code
 * onComplete}) runs on that thread, so they are serial (Reactive Streams §1.3), and it never
 * delivers more than requested (§1.1). The thread takes an element from the channel only while
 * demand is positive; otherwise it waits without holding any. Several subscribers of one publisher
 * compete for the channel's elements (each element goes to exactly one of them). When the channel
 * is closed and drained the subscriber gets {@code onComplete}, or {@code onError} with the close
 * cause, whether or not it has demand left (Reactive Streams 1.4, 1.5). {@code cancel()} stops
 * delivery; elements still in the channel stay there for other receivers (an element the thread had
 * already taken when the cancel came is still delivered, as §2.8 allows). {@code request(n)} with
 * {@code n <= 0} cancels and signals {@code onError} with an {@link IllegalArgumentException}
 * (§3.9).
 *
 * <p><b>Subscriber.</b> Requests {@code batch} elements up front and one more for each element the
 * channel accepts, so at most {@code batch} elements are ever held outside the channel. It never
 * blocks: an element the channel cannot take now is put on offer with {@link Sender#registerSend},
 * and the rest of the work runs on whichever thread makes room (a receiver's) or calls {@code
 * onNext}. {@code onComplete} closes the channel after the held elements are sent; {@code
 * onError(cause)} likewise closes it with {@code cause}. If the channel is closed by someone else,
 * the subscription is cancelled and the held elements are discarded (they were never accepted, so
 * the undelivered hook does not see them); after {@code onComplete} or {@code onError} it makes no
 * further call on the subscription (§2.3, §2.4). A second {@code onSubscribe} is cancelled (§2.5);
 * null signals throw {@link NullPointerException} (§2.13); an {@code onNext} before any {@code
 * onSubscribe} throws {@link IllegalStateException} and takes nothing (§1.9). Elements a publisher
 * sends beyond the demand (§1.1 broken) are held, in order, not dropped.
 *
 * <p>A publisher's subscriber whose {@code onNext} throws ends its subscription (§2.13): that
 * element counts as delivered, the rest stay in the channel, and the exception goes to the delivery
 * thread's panic hook.
 */
public final class ChannelFlow {
    /*
     * Implementation notes
     *
     * Algorithm. Publisher: one delivery loop per subscription on its own thread (Rt.spawn, so the
     * testkit schedules it): while demand > 0, tryRecv; on Empty register a receive waker that
     * unparks the loop, and park until it fires, demand changes or cancel. With no demand the loop
     * parks; if the channel is empty it also registers a receive waker, so the close of an empty
     * channel wakes it to signal onComplete/onError without demand (1.4, 1.5). Only the loop signals
     * the subscriber, so signals are serial without a lock. Subscriber: the classic
     * work-in-progress ("drain") loop of reactive libraries: every event (onNext, onComplete,
     * onError, a send waker) increments `wip`; the caller that moved it from 0 runs the loop until
     * it has consumed every increment, so at most one thread works at a time and no event is
     * missed.
     *
     * State. Publisher: `demand` (saturating at Long.MAX_VALUE, 3.17), `cancelled`, `badRequest`
     * (the first n <= 0, reported by the loop). Subscriber: `held` (elements received but not yet
     * accepted, at most `batch` because only accepted elements are re-requested), `offer` (the one
     * pending registerSend, owned by the loop), `done`/`error` (the terminal signal).
     *
     * Memory ordering. Demand and flags are volatile or atomic; the park/unpark permit closes the
     * check-then-park race. The drain loop's fields are handed between threads by the `wip`
     * atomic's read-modify-write, which orders one loop run before the next.
     *
     * Liveness. A publisher's loop holds no element while waiting; a cancel or a bad request
     * unparks it. The subscriber never blocks: a full channel leaves the element on offer and the
     * receiver that makes room runs the waker, which resumes the loop.
     *
     * Tradeoffs. A thread (virtual) per subscription is simpler to reason about than an executor
     * trampoline and keeps subscriber code off the senders' threads; the subscriber's work, in
     * contrast, may run on a receiver's thread (it only does trySend/registerSend and request).
     *
     * References. Reactive Streams 1.0.4 specification (rules cited by number); the drain-loop
     * idiom of RxJava/Reactor (described, not copied); docs/adr/0020-channel-waker-protocol.md.
     */

    private ChannelFlow() {}

    /**
     * A publisher of the elements received from {@code rx}.
     *
     * @param rx the receiver (or channel) to take elements from
     * @param <T> the element type
     * @return the publisher
     * @throws NullPointerException if {@code rx} is null
     */
    public static <T> Flow.Publisher<T> publisher(Receiver<T> rx) {
        Args.notNull(rx, "rx");
        return new Publisher<>(rx);
    }

    /**
     * A subscriber that sends what it receives to {@code tx}.
     *
     * @param tx the sender (or channel) to feed
     * @param batch how many elements to request ahead, at least 1
     * @param <T> the element type
     * @return the subscriber (subscribe it to one publisher)
     * @throws NullPointerException if {@code tx} is null
     * @throws IllegalArgumentException if {@code batch} is not positive
     */
    public static <T> Flow.Subscriber<T> subscriber(Sender<T> tx, int batch) {
        Args.notNull(tx, "tx");
        if (batch <= 0) {
            throw new IllegalArgumentException("batch must be >= 1, was " + batch);
        }
        return new Sink<>(tx, batch);
    }

    private record Publisher<T>(Receiver<T> rx) implements Flow.Publisher<T> {
        @Override
        public void subscribe(Flow.Subscriber<? super T> subscriber) {
            Args.notNull(subscriber, "subscriber");
            Delivery<T> d = new Delivery<>(rx, subscriber);
            // Through ThreadBuilder, not Rt.spawn: the subscriber's code runs on this thread, and a
            // braid thread runs its ThreadLocalKey destructors at exit.
            Threads.builder().name("braid-publisher").virtual().spawn(d);
        }
    }

    /** One subscription: a loop on its own thread that takes an element per unit of demand. */
    private static final class Delivery<T> implements Flow.Subscription, Runnable {
        private final Receiver<T> rx;
        private final Flow.Subscriber<? super T> sub;
        private final AtomicLong demand = new AtomicLong();
        private volatile boolean cancelled;
        private volatile long badRequest; // 0: none
        private volatile Thread thread;

        Delivery(Receiver<T> rx, Flow.Subscriber<? super T> sub) {
            this.rx = rx;
            this.sub = sub;
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                badRequest = n == 0 ? -1 : n;
            } else {
                demand.accumulateAndGet(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
            }
            Rt.unpark(thread);
        }

        @Override
        public void cancel() {
            cancelled = true;
            Rt.unpark(thread);
        }

        private boolean stopNow() {
            if (cancelled) {
                return true;
            }
            long bad = badRequest;
            if (bad != 0) {
                cancelled = true;
                sub.onError(
                        new IllegalArgumentException(
                                "request(n) needs n > 0 (Reactive Streams 3.9), was "
                                        + (bad == -1 ? 0 : bad)));
                return true;
            }
            return false;
        }

        @Override
        public void run() {
            thread = Thread.currentThread();
            try {
                sub.onSubscribe(this);
                while (!stopNow()) {
                    if (demand.get() == 0 && !(rx.isClosed() && rx.len() == 0)) {
                        awaitDemand();
                        continue;
                    }
                    switch (rx.tryRecv()) {
                        case RecvResult.Received<T> r -> {
                            demand.getAndUpdate(d -> d == Long.MAX_VALUE ? d : d - 1);
                            sub.onNext(r.value());
                        }
                        case RecvResult.Closed<T> c -> {
                            cancelled = true;
                            Optional<Throwable> cause = c.cause();
                            if (cause.isPresent()) {
                                sub.onError(cause.get());
                            } else {
                                sub.onComplete();
                            }
                        }
                        default -> awaitReady();
                    }
                }
            } finally {
                cancelled = true;
            }
        }

        /**
         * Waits for demand, a cancel or a bad request. It also wakes on the end of the stream: a
         * closed and drained channel ends it without any demand (Reactive Streams 1.4, 1.5 —
         * onComplete and onError need no request), also when other receivers took the elements it
         * left for demand, or a cancel discarded them (probe15: it parked for demand alone).
         */
        private void awaitDemand() {
            Thread self = Thread.currentThread();
            if (rx.len() != 0 || rx.isClosed()) {
                // elements wait for demand (closed with elements: for them too); other receivers
                // may take them, and the end must still be heard then (probe15)
                ChannelCore<?> core = Select.coreOf(rx);
                Entry end = core.registerEndWatcher(() -> Rt.unpark(self));
                try {
                    if (!cancelled
                            && badRequest == 0
                            && demand.get() == 0
                            && !(rx.isClosed() && rx.len() == 0)) {
                        Rt.park(this);
                    }
                } finally {
                    core.unregisterEndWatcher(end);
                }
                return;
            }
            RecvRegistration reg = rx.registerRecv(() -> Rt.unpark(self));
            try {
                while (!reg.isReady() && !cancelled && badRequest == 0 && demand.get() == 0) {
                    Rt.park(this);
                }
            } finally {
                reg.unregister();
            }
        }

        private void awaitReady() {
            Thread self = Thread.currentThread();
            RecvRegistration reg = rx.registerRecv(() -> Rt.unpark(self));
            try {
                while (!reg.isReady() && !cancelled && badRequest == 0) {
                    Rt.park(this);
                }
            } finally {
                reg.unregister();
            }
        }

        @Override
        public String toString() {
            return "ChannelFlow.Subscription[demand="
                    + demand.get()
                    + ", cancelled="
                    + cancelled
                    + "]";
        }
    }

    /** Feeds a channel; its work is serialized by {@code wip} and never blocks. */
    private static final class Sink<T> implements Flow.Subscriber<T> {
        private final Sender<T> tx;
        private final int batch;
        private final ConcurrentLinkedQueue<T> held = new ConcurrentLinkedQueue<>();
        private final AtomicInteger wip = new AtomicInteger();
        private volatile Flow.Subscription subscription;
        private volatile boolean done;
        private volatile Throwable error;
        // ---- owned by the drain loop ----
        private SendRegistration offer;
        private boolean finished;

        Sink(Sender<T> tx, int batch) {
            this.tx = tx;
            this.batch = batch;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            Args.notNull(s, "subscription");
            if (subscription != null) {
                s.cancel(); // Reactive Streams 2.5: one subscription at a time
                return;
            }
            subscription = s;
            s.request(batch);
        }

        @Override
        public void onNext(T item) {
            Args.notNull(item, "item");
            if (subscription == null) {
                throw new IllegalStateException(
                        "onNext before onSubscribe: a publisher signals onSubscribe first (Reactive"
                                + " Streams 1.9); the element was not taken");
            }
            held.add(item);
            drain();
        }

        @Override
        public void onError(Throwable cause) {
            Args.notNull(cause, "cause");
            error = cause;
            done = true;
            drain();
        }

        @Override
        public void onComplete() {
            done = true;
            drain();
        }

        private void drain() {
            if (wip.getAndIncrement() != 0) {
                return;
            }
            int missed = 1;
            do {
                work();
                missed = wip.addAndGet(-missed);
            } while (missed != 0);
        }

        private void work() {
            if (finished) {
                return;
            }
            long accepted = 0;
            if (offer != null) {
                if (!offer.isDone()) {
                    return; // its waker calls drain() again
                }
                boolean sent = offer.result().isSent();
                offer = null;
                if (!sent) {
                    abandon();
                    return;
                }
                held.poll();
                accepted++;
            }
            for (T x = held.peek(); x != null; x = held.peek()) {
                SendResult r = tx.trySend(x);
                if (r instanceof SendResult.Full) {
                    SendRegistration reg = tx.registerSend(x, this::drain);
                    if (!reg.isDone()) {
                        offer = reg;
                        break;
                    }
                    r = reg.result();
                }
                if (!r.isSent()) {
                    abandon();
                    return;
                }
                held.poll();
                accepted++;
            }
            if (accepted > 0 && !done) {
                subscription.request(accepted);
            }
            if (done && offer == null && held.isEmpty()) {
                finished = true;
                Throwable cause = error;
                if (cause == null) {
                    tx.close();
                } else {
                    tx.close(cause);
                }
            }
        }

        private void abandon() {
            finished = true;
            held.clear();
            Flow.Subscription s = subscription;
            if (s != null && !done) { // after onComplete/onError the subscription counts as
                s.cancel(); // cancelled (2.4), and inside them no call on it is allowed (2.3)
            }
        }

        @Override
        public String toString() {
            return "ChannelFlow.Subscriber[held=" + held.size() + ", done=" + done + "]";
        }
    }
}
