package dev.braid.async;

import dev.braid.internal.util.Args;
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

    static IllegalStateException pollAfterCompletion(Object future) {
        return new IllegalStateException(
                future.getClass().getSimpleName()
                        + " polled after it completed (a completed future is never polled again)");
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

    static final class Map<T, U> implements Async<U> {
        private Async<T> source; // null once finished or dropped
        private final Function<? super T, ? extends U> f;

        Map(Async<T> source, Function<? super T, ? extends U> f) {
            this.source = source;
            this.f = f;
        }

        @Override
        public Poll<U> poll(Context cx) {
            Async<T> s = source;
            if (s == null) {
                throw pollAfterCompletion(this);
            }
            Poll<T> p;
            try {
                p = s.poll(cx);
            } catch (Throwable t) {
                source = null;
                throw t;
            }
            if (p instanceof Poll.Ready<T>(T value)) {
                source = null;
                return Poll.ready(f.apply(value));
            }
            return Poll.pending();
        }

        @Override
        public void drop() {
            Async<T> s = source;
            source = null;
            if (s != null) {
                s.drop();
            }
        }
    }

    static final class Then<T, U> implements Async<U> {
        private Async<T> first; // until it is ready
        private Async<U> second; // after
        private final Function<? super T, ? extends Async<U>> next;
        private boolean done;

        Then(Async<T> first, Function<? super T, ? extends Async<U>> next) {
            this.first = first;
            this.next = next;
        }

        @Override
        public Poll<U> poll(Context cx) {
            if (done) {
                throw pollAfterCompletion(this);
            }
            try {
                if (first != null) {
                    Poll<T> p = first.poll(cx);
                    if (!(p instanceof Poll.Ready<T>(T value))) {
                        return Poll.pending();
                    }
                    first = null;
                    second =
                            Args.notNull(
                                    next.apply(value), "the future returned by then's function");
                }
                Poll<U> p = second.poll(cx);
                if (p.isReady()) {
                    done = true;
                    second = null;
                }
                return p;
            } catch (Throwable t) {
                done = true;
                first = null;
                second = null;
                throw t;
            }
        }

        @Override
        public void drop() {
            if (!done) {
                done = true;
                Async<?> f = first != null ? first : second;
                first = null;
                second = null;
                if (f != null) {
                    f.drop();
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
                throw pollAfterCompletion(this);
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
                throw pollAfterCompletion(this);
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
                throw pollAfterCompletion(this);
            }
            for (int i = 0; i < pending.length && left > 0; i++) {
                Async<? extends T> f = pending[i];
                if (f == null) {
                    continue;
                }
                Poll<? extends T> p;
                try {
                    p = f.poll(cx);
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
        private List<Throwable> failures;
        private int start;
        private boolean done;

        Select(Async<? extends T>[] futures, boolean skipFailures) {
            this.futures = futures;
            this.skipFailures = skipFailures;
        }

        @Override
        public Poll<Selected<T>> poll(Context cx) {
            if (done) {
                throw pollAfterCompletion(this);
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
                    p = f.poll(cx);
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
