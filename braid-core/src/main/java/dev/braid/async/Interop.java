package dev.braid.async;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancellationRegistration;
import dev.braid.cancel.CancellationSource;
import dev.braid.cancel.CancellationToken;
import dev.braid.cancel.Deadline;
import dev.braid.internal.rt.Rt;
import dev.braid.internal.rt.SimWait;
import dev.braid.thread.Threads;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/** Bridges between futures and the rest of Java: tokens, stages, blocking code, threads. */
final class Interop {
    private Interop() {}

    /** Ready once a token is cancelled; registers on the token at the first pending poll. */
    static final class TokenCancelled implements Async<Void>, NoHolder {
        private final CancellationToken token;
        private volatile Waker waker;
        private CancellationRegistration registration;

        TokenCancelled(CancellationToken token) {
            this.token = token;
        }

        @Override
        public Poll<Void> poll(Context cx) {
            waker = cx.waker(); // volatile: published before the check, read after the cancel
            if (token.isCancelled()) {
                return cx.consumeBudget() ? Poll.ready(null) : Poll.pending();
            }
            if (registration == null) {
                registration = token.onCancel(this::fire);
            }
            if (recording() && cx instanceof RawTask<?> t) {
                t.awaiting(this); // the dump's "awaits" (ADR 0187)
            }
            return Poll.pending();
        }

        @Override
        public String toString() {
            return "the cancellation of a token (" + token + ")";
        }

        private void fire() {
            Waker w = waker;
            if (w != null) {
                w.wake();
            }
        }

        @Override
        public void drop() {
            CancellationRegistration r = registration;
            if (r != null) {
                r.deregister();
            }
        }
    }

    /** Turns an outcome into the future's result: the value, or its exception as it is. */
    static <T> T unwrap(Completion.Outcome<T> o) {
        return switch (o) {
            case Completion.Success<T>(T value) -> value;
            case Completion.Failure<T>(Throwable failure) -> throw Failures.sneaky(failure);
            case Completion.Cancelled<T>(CancellationToken token) -> throw token.toException();
        };
    }

    /** A future over a {@link Completion}: the shared poll of stage and blocking futures. */
    abstract static class CompletionFuture<T> implements Async<T> {
        final Completion<T> completion = new Completion<>();
        private boolean done;

        @Override
        public Poll<T> poll(Context cx) {
            if (done) {
                throw Combinators.pollAfterCompletion(operation());
            }
            start();
            Completion.Outcome<T> o = completion.poll(cx.waker());
            if (o == null) {
                if (recording() && cx instanceof RawTask<?> t) {
                    t.awaiting(this); // the dump's and the testkit's "awaits" (ADR 0187)
                }
                return Poll.pending();
            }
            if (!cx.consumeBudget()) {
                return Poll.pending();
            }
            done = true;
            return Poll.ready(unwrap(o));
        }

        /** Starts the work at the first poll (idempotent). */
        abstract void start();

        /**
         * The public operation that made this future (its poll-after-completion error names it).
         */
        abstract String operation();
    }

    static final class FromStage<T> extends CompletionFuture<T> implements NoHolder {
        private final CompletionStage<T> stage;
        private boolean started;

        FromStage(CompletionStage<T> stage) {
            this.stage = stage;
        }

        @Override
        void start() {
            if (started) {
                return;
            }
            TaskHandle.refuseOwnStage(stage);
            started = true;
            stage.whenComplete(
                    (v, ex) -> {
                        if (ex == null) {
                            completion.complete(new Completion.Success<>(v));
                        } else {
                            Throwable t =
                                    ex instanceof CompletionException && ex.getCause() != null
                                            ? ex.getCause()
                                            : ex;
                            completion.complete(new Completion.Failure<>(t));
                        }
                    });
        }

        @Override
        String operation() {
            return "Async.fromStage(...)";
        }

        @Override
        public String toString() {
            // under the testkit without its identity hash, so a replayed report reads the same
            return "a CompletionStage ("
                    + (Rt.simulating() ? stage.getClass().getSimpleName() : stage)
                    + ")";
        }

        @Override
        public void drop() {
            try {
                stage.toCompletableFuture().cancel(false);
            } catch (UnsupportedOperationException notConvertible) {
                // a stage that cannot be converted cannot be cancelled from here
            }
        }
    }

    /**
     * A spawnBlocking body's future. Under the testkit its wait is a wait on the body's thread (the
     * deadlock report follows it there); its text names the body and the thread.
     */
    static final class Blocking<T> extends CompletionFuture<T> implements SimWait.Delegate {
        private final Callable<T> body;
        private final String what; // what the body is, for the dump: null to describe `body`
        private volatile Thread thread;
        private volatile boolean dropped;

        Blocking(Callable<T> body, String what) {
            this.body = body;
            this.what = what;
        }

        @Override
        String operation() {
            return what == null ? "Async.spawnBlocking(...)" : "Async.join(...)";
        }

        @Override
        public Object waitsOn() {
            return thread; // its holder is the body's thread: it ends the wait by returning
        }

        @Override
        public String toString() {
            if (what != null) {
                return what; // Async.join: the thread that joins is braid's, not worth naming
            }
            Thread t = thread;
            return "the blocking body "
                    + describe(body)
                    + (t == null ? " (not started)" : " on thread '" + t.getName() + "'");
        }

        @Override
        void start() {
            if (thread != null) {
                return;
            }
            CancelScope scope = CancelScope.current(); // the polling task's, for a scope's child
            RawTask<?> of = polling() instanceof RawTask<?> task ? task : null;
            // Through ThreadBuilder, not Rt.spawn: a braid thread runs its ThreadLocalKey
            // destructors at exit, so blocking code that opens per-thread resources releases them.
            thread =
                    Threads.builder()
                            .virtual()
                            .spawn(
                                    () -> {
                                        if (of != null) {
                                            BODY_OF.set(of); // waits for that task fail fast
                                        }
                                        try {
                                            T v = scope.enter(body::call);
                                            completion.complete(new Completion.Success<>(v));
                                        } catch (Throwable t) {
                                            completion.complete(new Completion.Failure<>(t));
                                        }
                                    })
                            .thread();
            if (dropped) {
                Rt.interrupt(thread);
            }
            if (of != null) {
                of.attachBody(this); // its outcome waits for this thread (ADR 0181)
            }
        }

        /** Whether the body's thread has finished (its outcome is set). */
        boolean ended() {
            return completion.isDone();
        }

        /** Whether the body still runs; if so, {@code waker} is woken when it ends. */
        boolean registerEnd(Waker waker) {
            return completion.poll(waker) == null;
        }

        @Override
        public void drop() {
            dropped = true;
            Thread t = thread;
            if (t != null && !completion.isDone()) {
                Rt.interrupt(t);
            }
        }
    }

    static <T> Async<T> spawnBlocking(Callable<T> body) {
        return new Blocking<>(body, null);
    }

    /** Async.join: a body that joins {@code thread}, which the dump names. */
    static <T> Async<T> join(dev.braid.thread.JoinHandle<T> thread) {
        return new Blocking<>(
                thread::join, "the end of thread '" + thread.name() + "' (Async.join)");
    }

    // ---- what a pending poll awaits (ADRs 0183, 0187) ----

    /**
     * Whether leaves record what a pending poll awaits: under the testkit (its deadlock reports),
     * or with {@code -Dbraid.async.observe=true} (the live-task dump). Both fold to false on the
     * JIT when neither is on, so an unobserved poll records and allocates nothing.
     */
    static boolean recording() {
        return Rt.simulating() || SimWait.OBSERVING;
    }

    /**
     * A record of a wait that no task or thread holds in the testkit's sense (a stage, a token, a
     * future of the user's): the testkit's driver prefers a task that awaits a held resource when
     * it names one wait for its deadlock report (TaskRegistry.simBlocker).
     */
    interface NoHolder {}

    /**
     * After {@code child} (polled by a combinator or a task with context {@code cx}) returned
     * pending: if no leaf recorded what the poll awaits and {@code child} is not braid's (a future
     * the user wrote), records that the task awaits a wake from it (ADR 0187). Call only when
     * {@link #recording()}.
     */
    static void pendingChild(Context cx, Object child) {
        if (cx instanceof RawTask<?> t && t.awaiting() == null && !braids(child.getClass())) {
            t.awaiting(new AwaitsWake(child));
        }
    }

    /**
     * Whether {@code c} is one of braid's futures, each of which records its own wait (a leaf), or
     * has its children record theirs (a combinator), or needs no record (ready, yieldNow, which
     * woke its task). By nest host, so the lambdas of {@code Async.ready} and {@code never} count.
     */
    private static boolean braids(Class<?> c) {
        Class<?> h = c.getNestHost();
        return h == Combinators.class
                || h == Timers.class
                || h == Interop.class
                || h == ChannelFutures.class
                || h == Async.class
                || h == TaskHandle.class
                || h == AsyncMutex.class
                || h == TaskScope.class;
    }

    /** A task's wait for a wake from a future of the user's, as the dump shows it. */
    record AwaitsWake(Object future) implements NoHolder {
        @Override
        public String toString() {
            return "a wake from " + describe(future);
        }
    }

    /**
     * A user object (a future, a blocking body) as the dump names it: its simple class name (a
     * lambda: the class it was written in), and its own toString if it has one.
     */
    static String describe(Object o) {
        Class<?> c = o.getClass();
        String name = c.getName();
        int lambda = name.indexOf("$$Lambda");
        if (lambda >= 0) {
            String outer = name.substring(0, lambda);
            return "a lambda in " + outer.substring(outer.lastIndexOf('.') + 1).replace('$', '.');
        }
        String simple = c.getSimpleName().isEmpty() ? name : c.getSimpleName();
        try {
            if (c.getMethod("toString").getDeclaringClass() != Object.class) {
                return simple + " (" + o + ")";
            }
        } catch (NoSuchMethodException | RuntimeException e) {
            // a toString that throws: the class name alone (the dump must not fail)
        }
        return simple;
    }

    /**
     * What a thread is polling: the task (or marker) while it is inside a task's poll, else null.
     * One cell per thread that polls, written only by that thread, with plain writes: a poll costs
     * no thread-local lookup once the poller holds its cell (ADR 0087). A ThreadedExecutor worker's
     * is a StealingScheduler.WorkerCell, which it replaces now and then (ADR 0165).
     */
    static class Polling {
        Object task;

        /**
         * The cancelled task whose drop (cleanup) this thread runs, marked as {@code task} while it
         * runs (ADR 0194); a poll nested in the drop (a pool join's help) replaces {@code task}.
         */
        Object dropped;

        /** The registry whose count lane this thread owns (a worker's, ADR 0141), or null. */
        TaskRegistry laneOwner;

        /** That lane's index. */
        int lane;

        /** This thread's count lane in {@code r}, or -1 (then the registry's shared cells). */
        int laneIn(TaskRegistry r) {
            return laneOwner == r ? lane : -1;
        }
    }

    private static final ThreadLocal<Polling> POLLING = new ThreadLocal<>();

    /** The task whose spawnBlocking body a body's thread runs (set on that thread only). */
    private static final ThreadLocal<RawTask<?>> BODY_OF = new ThreadLocal<>();

    /**
     * The task whose {@code spawnBlocking} body the calling thread runs, else null. That task's
     * outcome waits for the body (ADR 0181), so the body waiting for the task, or for its executor
     * to close, would wait for ever: those waits ask this and fail fast (probe17, ADR 0194).
     */
    static RawTask<?> bodyOf() {
        return BODY_OF.get();
    }

    /**
     * Refuses {@code close()} of {@code executor} (whose tasks {@code tasks} holds) from the
     * spawnBlocking body of one of its tasks: close waits for that task, whose outcome waits for
     * the body (ADR 0181), which would be waiting in close for ever.
     */
    static void refuseCloseFromBody(TaskRegistry tasks, Object executor) {
        RawTask<?> of = BODY_OF.get();
        if (of != null && of.ownedBy(tasks)) {
            throw new IllegalStateException(
                    "close() of "
                            + executor
                            + " from the spawnBlocking body of its task '"
                            + of.name()
                            + "' would wait for ever: close waits for that task, and the task's"
                            + " outcome waits for this body to end (ADR 0181); return from the"
                            + " body and close from outside the executor");
        }
    }

    /** What the calling thread is polling, or null if it is not inside a poll. */
    static Object polling() {
        Polling p = POLLING.get();
        return p == null ? null : p.task;
    }

    /** The cancelled task whose drop the calling thread runs, else null (ADR 0194). */
    static RawTask<?> dropping() {
        Polling p = POLLING.get();
        return p != null && p.dropped != null && p.dropped == p.task ? (RawTask<?>) p.task : null;
    }

    /**
     * The refusal of {@code what}, a wait in the drop (cleanup) of cancelled task {@code dropped}:
     * the drop runs on the executor's thread, which the awaited work may need (ADR 0194).
     */
    static IllegalStateException waitInDrop(String what, RawTask<?> dropped) {
        return new IllegalStateException(
                what
                        + " in the drop or cleanup of cancelled task '"
                        + dropped.name()
                        + "' on thread '"
                        + Thread.currentThread().getName()
                        + "' would block its executor's thread, which may be the only one to run"
                        + " what it waits for: spawn a task that awaits it instead");
    }

    /** Makes {@code cell} the calling thread's cell (a worker makes its own up front). */
    static void usePollingCell(Polling cell) {
        POLLING.set(cell);
    }

    /** The calling thread's cell (made on first use); only this thread may use it. */
    static Polling pollingCell() {
        Polling p = POLLING.get();
        if (p == null) {
            p = new Polling();
            POLLING.set(p);
        }
        return p;
    }

    static <T> T await(Async<T> future) throws InterruptedException {
        if (polling() != null) {
            RawTask<?> dropped = dropping();
            if (dropped != null) {
                throw waitInDrop(
                        future instanceof TaskHandle<?> h
                                ? "Async.await on task '" + h.raw().name() + "'"
                                : "Async.await",
                        dropped);
            }
            throw new IllegalStateException(
                    "Async.await called inside a poll would block an executor thread: compose with"
                            + " then(...) or run the blocking part with Async.spawnBlocking");
        }
        if (future instanceof TaskHandle<?> h) {
            h.refuseUndrivenWait("Async.await", "await it");
        }
        AwaitWaker waker = new AwaitWaker(Thread.currentThread());
        Context cx = new Context(waker);
        boolean finished = false;
        try (Waiting wait = new Waiting(Deadline.never(), true, "Async.await", null)) {
            while (true) {
                cx.resetBudget();
                Poll<T> p;
                try {
                    p = future.poll(cx);
                } catch (Throwable t) {
                    finished = true;
                    throw t;
                }
                if (p instanceof Poll.Ready<T>(T value)) {
                    finished = true;
                    return value;
                }
                wait.check();
                wait.park(future);
            }
        } finally {
            waker.returned = true; // what it registered on may drop it (Completion's notes)
            if (!finished) {
                future.drop();
            }
        }
    }

    /** The waker of one {@link #await}: unparks its thread; expired once the await returned. */
    private static final class AwaitWaker implements Waker, Completion.Expiring {
        private final Thread thread;
        volatile boolean returned;

        AwaitWaker(Thread thread) {
            this.thread = thread;
        }

        @Override
        public void wake() {
            Rt.unpark(thread);
        }

        @Override
        public boolean expired() {
            return returned;
        }
    }

    /** A fresh token cancelled with {@code reason}: the cause a cancelled task reports. */
    static CancellationToken cancelledToken(String reason) {
        CancellationSource s = new CancellationSource();
        s.cancel(reason);
        return s.token();
    }
}
