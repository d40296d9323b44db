package dev.braid.async;

import dev.braid.cancel.CancellationToken;
import dev.braid.cancel.Deadline;
import dev.braid.internal.rt.Rt;
import dev.braid.internal.rt.SimWait;
import dev.braid.time.Timeout;
import dev.braid.time.TimerWheel;

/** Futures on braid's shared timer wheel: sleep, timeout, cancel-after. */
final class Timers {
    private Timers() {}

    /**
     * Ready when its deadline passes. The poll publishes its waker (volatile) before it checks
     * {@code fired}; the timer sets {@code fired} (volatile) before it reads the waker: one of the
     * two sees the other's write, so the wake-up cannot be lost.
     */
    static final class Sleep implements Async<Void> {
        private final Deadline deadline;
        private volatile Waker waker;
        private volatile boolean fired;
        private Timeout timer;

        Sleep(Deadline deadline) {
            this.deadline = deadline;
        }

        boolean isDue() {
            return fired || deadline.isExpired();
        }

        @Override
        public Poll<Void> poll(Context cx) {
            waker = cx.waker();
            if (isDue()) {
                return cx.consumeBudget() ? Poll.ready(null) : Poll.pending();
            }
            if (timer == null && !deadline.isNever()) {
                timer = TimerWheel.shared().scheduleAt(deadline.nanoTime(), this::fire);
            }
            if (SimWait.OBSERVING && !Rt.simulating() && cx instanceof RawTask<?> t) {
                t.awaiting(this); // the observed dump's "awaits" (ADR 0183); not a testkit wait
            }
            return Poll.pending();
        }

        @Override
        public String toString() {
            return deadline.isNever() ? "a sleep for ever" : "a sleep, " + left();
        }

        /** "N ms left", for the dump. */
        String left() {
            return deadline.remainingNanos() / 1_000_000 + " ms left";
        }

        private void fire() {
            fired = true;
            Waker w = waker;
            if (w != null) {
                w.wake();
            }
        }

        @Override
        public void drop() {
            Timeout t = timer;
            if (t != null) {
                t.cancel();
            }
        }
    }

    /**
     * Whether a timer combinator records its wait: with -Dbraid.async.observe=true, not under the
     * testkit (whose wait-for graph has no timer resource, as for Sleep; ADR 0187).
     */
    private static boolean observingTimers() {
        return SimWait.OBSERVING && !Rt.simulating();
    }

    /** What the task polling with {@code cx} recorded so far in this poll, or null. */
    private static Object recorded(Context cx) {
        return cx instanceof RawTask<?> t ? t.awaiting() : null;
    }

    /**
     * Observed only: a timer combinator's wait, as the dump shows it: what its inner future awaits
     * (null: nothing recorded), or what stops it (made per pending poll, so the combinators carry
     * no field for it).
     */
    private record OrStop(Object inner, Async<?> by) {
        @Override
        public String toString() {
            String stop = by instanceof TimeoutAsync<?> t ? t.stop() : ((CancelAfter<?>) by).stop();
            return (inner == null ? "a wake" : inner) + (stop.isEmpty() ? "" : ", or " + stop);
        }
    }

    static final class TimeoutAsync<T> implements Async<Timed<T>> {
        private Async<T> inner; // null once finished
        private final Sleep sleep;

        TimeoutAsync(Async<T> inner, Deadline deadline) {
            this.inner = inner;
            this.sleep = new Sleep(deadline);
        }

        @Override
        public Poll<Timed<T>> poll(Context cx) {
            Async<T> f = inner;
            if (f == null) {
                throw Combinators.pollAfterCompletion("timeout(...)");
            }
            Poll<T> p;
            try {
                p = f.poll(cx);
            } catch (Throwable t) {
                inner = null;
                sleep.drop();
                throw t;
            }
            if (p instanceof Poll.Ready<T>(T value)) {
                inner = null;
                sleep.drop();
                return Poll.ready(new Timed.Done<>(value));
            }
            Object on = null;
            if (Interop.recording()) {
                Interop.pendingChild(cx, f);
                on = recorded(cx);
            }
            if (sleep.poll(cx).isReady() || sleep.isDue()) {
                inner = null;
                f.drop();
                return Poll.ready(new Timed.Elapsed<>());
            }
            if (observingTimers() && cx instanceof RawTask<?> t) {
                t.awaiting(new OrStop(on, this)); // the inner wait, or the timer (ADR 0187)
            }
            return Poll.pending();
        }

        /** What else ends the wait, for the dump. */
        String stop() {
            return "its timeout, " + sleep.left();
        }

        @Override
        public void drop() {
            Async<T> f = inner;
            inner = null;
            sleep.drop();
            if (f != null) {
                f.drop();
            }
        }
    }

    static final class CancelAfter<T> implements Async<T> {
        private Async<T> inner; // null once finished
        private final Deadline deadline;
        private final CancellationToken token;
        private final Sleep sleep;
        private final Interop.TokenCancelled cancelled;

        CancelAfter(Async<T> inner, Deadline deadline, CancellationToken token) {
            this.inner = inner;
            this.deadline = deadline;
            this.token = token;
            this.sleep = new Sleep(deadline);
            this.cancelled = new Interop.TokenCancelled(token);
        }

        @Override
        public Poll<T> poll(Context cx) {
            Async<T> f = inner;
            if (f == null) {
                throw Combinators.pollAfterCompletion("cancelAfter(...)");
            }
            Poll<T> p;
            try {
                p = f.poll(cx);
            } catch (Throwable t) {
                inner = null;
                release();
                throw t;
            }
            if (p.isReady()) {
                inner = null;
                release();
                return p;
            }
            Object on = null;
            if (Interop.recording()) {
                Interop.pendingChild(cx, f);
                on = recorded(cx);
            }
            if (token.isCancelled()) {
                drop();
                throw token.toException();
            }
            if (deadline.isExpired()) {
                drop();
                throw Failures.exceeded(deadline);
            }
            cancelled.poll(cx); // registers the waker; ready is re-checked at the next poll
            sleep.poll(cx);
            if (Interop.recording() && cx instanceof RawTask<?> t) {
                if (observingTimers()) {
                    t.awaiting(new OrStop(on, this)); // the inner wait, or the stop (ADR 0187)
                } else {
                    t.awaiting(on); // the testkit's: the inner wait, not the token's
                }
            }
            return Poll.pending();
        }

        /** What else ends the wait, for the dump ("" for nothing). */
        String stop() {
            String stop = deadline.isNever() ? "" : "deadline, " + sleep.left();
            if (token.canBeCancelled()) {
                stop += (stop.isEmpty() ? "" : ", or ") + "token (" + token + ")";
            }
            return stop.isEmpty() ? "" : "its cancelAfter's " + stop;
        }

        private void release() {
            sleep.drop();
            cancelled.drop();
        }

        @Override
        public void drop() {
            Async<T> f = inner;
            inner = null;
            release();
            if (f != null) {
                f.drop();
            }
        }
    }
}
