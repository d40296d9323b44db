package dev.braid.async;

import dev.braid.internal.util.Args;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/** The plain combinators behind {@link Async}'s methods. Each is polled by one thread at a time. */
final class Combinators {
    private Combinators() {}

    @SuppressWarnings("unchecked")
    static <T> Async<? extends T>[] copy(List<? extends Async<? extends T>> futures, String name) {
        Args.notNull(futures, name);
        Async<? extends T>[] a = (Async<? extends T>[]) futures.toArray(new Async<?>[0]);
        for (int i = 0; i < a.length; i++) {
            if (a[i] == null) {
                throw new NullPointerException(name + "[" + i + "] must not be null");
            }
        }
        return a;
    }

    static <T> Async<? extends T>[] nonEmpty(
            List<? extends Async<? extends T>> futures, String name) {
        Async<? extends T>[] a = copy(futures, name);
        if (a.length == 0) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
        return a;
    }

    /**
     * The failure for a poll of a one-shot future after it completed, naming the public operation
     * that made the future ({@code "then(...)"}, {@code "Async.joinAll(...)"}), not braid's
     * internal class (probe16).
     */
    static IllegalStateException pollAfterCompletion(String operation) {
        return new IllegalStateException(
                "the future of "
                        + operation
                        + " polled after it completed (a completed future is never polled again;"
                        + " a future runs once: to run the same work again, in a second spawn or a"
                        + " retry, build a new future, e.g. from a method that returns one)");
    }

    /**
     * The failure for a {@code poll} that returned null (read as pending, it would leave the task
     * waiting for a wake that never comes).
     */
    static NullPointerException nullPoll(Object future) {
        return new NullPointerException(
                future.getClass().getName()
                        + ".poll returned null: return Poll.pending() (after arranging a wake) or"
                        + " Poll.ready(value)");
    }

    /** {@code p}, or the {@link #nullPoll} failure thrown if it is null. */
    static <T> Poll<T> checked(Poll<T> p, Object future) {
        if (p == null) {
            throw nullPoll(future);
        }
        return p;
    }

    /** Drops every non-null element, keeping the first exception and suppressing the others. */
    static void dropAll(Async<?>[] futures) {
        Throwable first = null;
        for (int i = 0; i < futures.length; i++) {
            Async<?> f = futures[i];
            if (f != null) {
                futures[i] = null;
                try {
                    f.drop();
                } catch (Throwable t) {
                    if (first == null) {
                        first = t;
                    } else {
                        first.addSuppressed(t);
                    }
                }
            }
        }
        if (first != null) {
            throw Failures.sneaky(first);
        }
    }

    /**
     * {@code map} and {@code then} (flat-map), trampolined: one object runs a whole chain at a
     * constant stack depth, however the chain was built.
     */
    static final class Then<T> implements Async<T> {
        /*
         * Implementation notes
         *
         * Algorithm. A chain is a current future plus a stack of steps still to apply to its
         * value: a Function returning the next future (then) or a MapStep returning a value
         * (map). When the current future or the future a step returned is itself an unfinished
         * Then, this one takes over its current future and its steps (pushed above its own) and
         * marks it absorbed, instead of polling it: a loop written recursively (each step returning
         * x.then(... recursion ...)) and a chain built in a loop (f = f.then(...)) both end up as
         * one Then whose poll is a loop, never a recursion. A map applied after a recursive call
         * (non-tail recursion) becomes a step on the heap stack. This is the trampolining of
         * Scala's and cats-effect's flatMap (Bjarnason, "Stackless Scala With Free Monads", 2012),
         * applied at poll time because Java futures are built before they run.
         *
         * Ownership. A future belongs to whoever polls it; a Then handed to this one (as its
         * source, or returned by a step) is owned by it from then on, so taking its state over is
         * invisible but to a caller that breaks the contract by polling it too (it then throws
         * "polled after it completed").
         *
         * Cost. The common shapes (one step; a tail-recursive loop, which steals the absorbed
         * chain's single step) allocate no stack; `more` is allocated once a chain has two
         * pending steps.
         */
        private Async<?> current; // null once finished, failed, dropped or absorbed
        private Object next; // the top step, or null for none
        private ArrayDeque<Object> more; // the steps below `next`, bottom first; may be null
        private boolean done;
        private final String operation; // what the user wrote, for the poll-after-completion error

        private Then(Async<?> source, Object step, String operation) {
            this.current = source;
            this.next = step;
            this.operation = operation;
        }

        static <T, U> Then<U> then(Async<T> source, Function<? super T, ? extends Async<U>> f) {
            return then(source, f, "then(...)");
        }

        /**
         * A then made by the public {@code operation} (its poll-after-completion error names it).
         */
        static <T, U> Then<U> then(
                Async<T> source, Function<? super T, ? extends Async<U>> f, String operation) {
            return new Then<>(source, f, operation);
        }

        static <T, U> Then<U> map(Async<T> source, Function<? super T, ? extends U> f) {
            return map(source, f, "map(...)");
        }

        /**
         * A map made by the public {@code operation} (its poll-after-completion error names it).
         */
        @SuppressWarnings("unchecked")
        static <T, U> Then<U> map(
                Async<T> source, Function<? super T, ? extends U> f, String operation) {
            return new Then<>(source, new MapStep((Function<Object, Object>) f), operation);
        }

        /** A map step (a then step is the bare Function). */
        private record MapStep(Function<Object, Object> f) {}

        private Object pop() {
            Object s = next;
            next = more == null || more.isEmpty() ? null : more.pollLast();
            return s;
        }

        private void push(Object step) {
            if (next != null) {
                if (more == null) {
                    more = new ArrayDeque<>();
                }
                more.addLast(next);
            }
            next = step;
        }

        /** Takes over {@code t}'s current future and steps, its steps above this one's. */
        private void absorb(Then<?> t) {
            if (t == this) {
                throw new IllegalStateException(
                        "a then step returned the future it belongs to (a future cannot await"
                                + " itself)");
            }
            if (next == null && (more == null || more.isEmpty())) {
                next = t.next;
                more = t.more;
            } else {
                if (t.more != null) {
                    for (Object s : t.more) {
                        push(s);
                    }
                }
                if (t.next != null) {
                    push(t.next);
                }
            }
            current = t.current;
            t.current = null;
            t.next = null;
            t.more = null;
            t.done = true;
        }

        @Override
        @SuppressWarnings("unchecked")
        public Poll<T> poll(Context cx) {
            if (done) {
                throw pollAfterCompletion(operation);
            }
            try {
                while (true) {
                    Async<?> c = current;
                    if (c instanceof Then<?> t && !t.done) {
                        absorb(t);
                        continue;
                    }
                    Poll<?> p = checked(c.poll(cx), c);
                    if (!(p instanceof Poll.Ready<?> r)) {
                        if (Interop.recording()) {
                            Interop.pendingChild(cx, c); // a future of the user's (ADR 0187)
                        }
                        return Poll.pending();
                    }
                    Object value = r.value();
                    current = null;
                    Object step;
                    while ((step = pop()) instanceof MapStep(Function<Object, Object> f)) {
                        value = f.apply(value);
                    }
                    if (step == null) {
                        done = true;
                        return value == r.value() ? (Poll<T>) p : Poll.ready((T) value);
                    }
                    current =
                            Args.notNull(
                                    ((Function<Object, Async<?>>) step).apply(value),
                                    "the future returned by then's function");
                }
            } catch (Throwable t) {
                done = true;
                current = null;
                next = null;
                more = null;
                throw t;
            }
        }

        @Override
        public void drop() {
            if (!done) {
                done = true;
                Async<?> c = current;
                current = null;
                next = null;
                more = null;
                if (c != null) {
                    c.drop();
                }
            }
        }
    }

    static final class Ensure<T> implements Async<T> {
        private final Async<T> inner;
        private Runnable cleanup; // null once run

        Ensure(Async<T> inner, Runnable cleanup) {
            this.inner = inner;
            this.cleanup = cleanup;
        }

        private void runCleanup(Throwable primary) {
            Runnable c = cleanup;
            cleanup = null;
            if (c == null) {
                return;
            }
            try {
                c.run();
            } catch (Throwable t) {
                if (primary != null) {
                    primary.addSuppressed(t);
                } else {
                    throw t;
                }
            }
        }

        @Override
        public Poll<T> poll(Context cx) {
            if (cleanup == null) {
                throw pollAfterCompletion("ensure(...)");
            }
            Poll<T> p;
            try {
                p = inner.poll(cx);
            } catch (Throwable t) {
                runCleanup(t);
                throw t;
            }
            if (p.isReady()) {
                runCleanup(null);
            } else if (Interop.recording()) {
                Interop.pendingChild(cx, inner); // a future of the user's (ADR 0187)
            }
            return p;
        }

        @Override
        public void drop() {
            if (cleanup == null) {
                return;
            }
            try {
                inner.drop();
            } catch (Throwable t) {
                runCleanup(t);
                throw t;
            }
            runCleanup(null);
        }
    }

    static final class YieldNow implements Async<Void> {
        private int polls;

        @Override
        public Poll<Void> poll(Context cx) {
            if (polls++ == 0) {
                cx.waker().wake();
                return Poll.pending();
            }
            if (polls > 2) {
                throw pollAfterCompletion("Async.yieldNow()");
            }
            return Poll.ready(null);
        }
    }

    static final class JoinAll<T> implements Async<List<T>> {
        private final Async<? extends T>[] pending; // an element is null once ready
        private final Object[] values;
        private int left;

        JoinAll(Async<? extends T>[] futures) {
            this.pending = futures;
            this.values = new Object[futures.length];
            this.left = futures.length;
        }

        @Override
        @SuppressWarnings("unchecked")
        public Poll<List<T>> poll(Context cx) {
            if (left < 0) {
                throw pollAfterCompletion("Async.joinAll(...)");
            }
            for (int i = 0; i < pending.length && left > 0; i++) {
                Async<? extends T> f = pending[i];
                if (f == null) {
                    continue;
                }
                Poll<? extends T> p;
                try {
                    p = checked(f.poll(cx), f);
                } catch (Throwable t) {
                    pending[i] = null;
                    left = -1;
                    try {
                        dropAll(pending);
                    } catch (Throwable d) {
                        t.addSuppressed(d);
                    }
                    throw t;
                }
                if (p instanceof Poll.Ready<? extends T> r) {
                    values[i] = r.value();
                    pending[i] = null;
                    left--;
                } else if (Interop.recording()) {
                    Interop.pendingChild(cx, f); // a future of the user's (ADR 0187)
                }
            }
            if (left > 0) {
                return Poll.pending();
            }
            left = -1;
            return Poll.ready((List<T>) Arrays.asList(values.clone()));
        }

        @Override
        public void drop() {
            left = -1;
            dropAll(pending);
        }
    }

    /** race/select, and first-success when {@code skipFailures}. */
    static final class Select<T> implements Async<Selected<T>> {
        private final Async<? extends T>[] futures; // an element is null once failed
        private final boolean skipFailures;
        private final String operation; // what the user wrote, for the poll-after-completion error
        private List<Throwable> failures;
        private int start;
        private boolean done;

        Select(Async<? extends T>[] futures, boolean skipFailures, String operation) {
            this.futures = futures;
            this.skipFailures = skipFailures;
            this.operation = operation;
        }

        @Override
        public Poll<Selected<T>> poll(Context cx) {
            if (done) {
                throw pollAfterCompletion(operation);
            }
            int n = futures.length;
            int from = start;
            start = (start + 1) % n;
            for (int k = 0; k < n; k++) {
                int i = (from + k) % n;
                Async<? extends T> f = futures[i];
                if (f == null) {
                    continue;
                }
                Poll<? extends T> p;
                try {
                    p = checked(f.poll(cx), f);
                } catch (Throwable t) {
                    futures[i] = null;
                    if (!skipFailures) {
                        finish(t);
                        throw t;
                    }
                    if (failures == null) {
                        failures = new ArrayList<>();
                    }
                    failures.add(t);
                    if (failures.size() == n) {
                        done = true;
                        Throwable first = failures.get(0);
                        for (Throwable s : failures.subList(1, n)) {
                            first.addSuppressed(s);
                        }
                        throw Failures.sneaky(first);
                    }
                    continue;
                }
                if (p instanceof Poll.Ready<? extends T> r) {
                    futures[i] = null;
                    finish(null);
                    return Poll.ready(new Selected<>(i, r.value()));
                }
                if (Interop.recording()) {
                    Interop.pendingChild(cx, f); // a future of the user's (ADR 0187)
                }
            }
            return Poll.pending();
        }

        private void finish(Throwable primary) {
            done = true;
            try {
                dropAll(futures);
            } catch (Throwable d) {
                if (primary == null) {
                    throw d;
                }
                primary.addSuppressed(d);
            }
        }

        @Override
        public void drop() {
            done = true;
            dropAll(futures);
        }
    }
}
