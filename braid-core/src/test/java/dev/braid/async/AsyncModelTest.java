package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.cancel.CancellationSource;
import dev.braid.cancel.CancellationToken;
import dev.braid.cancel.CancelledException;
import dev.braid.cancel.Deadline;
import dev.braid.cancel.DeadlineExceededException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The future model and its combinators, polled by hand with a counting waker. */
class AsyncModelTest {
    /** A waker that counts its wakes. */
    static final class CountingWaker implements Waker {
        final AtomicInteger wakes = new AtomicInteger();

        @Override
        public void wake() {
            wakes.incrementAndGet();
        }
    }

    /** A hand-driven leaf: pending until {@link #complete}; records drops and wakes on complete. */
    static final class Cell<T> implements Async<T> {
        private volatile Waker waker;
        private volatile Poll<T> result = Poll.pending();
        final AtomicInteger polls = new AtomicInteger();
        final AtomicInteger drops = new AtomicInteger();

        @Override
        public Poll<T> poll(Context cx) {
            polls.incrementAndGet();
            waker = cx.waker();
            return result;
        }

        void complete(T value) {
            result = Poll.ready(value);
            Waker w = waker;
            if (w != null) {
                w.wake();
            }
        }

        @Override
        public void drop() {
            drops.incrementAndGet();
        }
    }

    private final CountingWaker waker = new CountingWaker();
    private final Context cx = new Context(waker);

    @Test
    void readyFailedAndNever() {
        assertThat(Async.ready(7).poll(cx)).isEqualTo(Poll.ready(7));
        assertThat(Async.never().poll(cx)).isEqualTo(Poll.pending());
        IOException io = new IOException("disk");
        assertThatThrownBy(() -> Async.failed(io).poll(cx)).isSameAs(io);
        assertThatThrownBy(() -> Async.failed(null)).hasMessageContaining("failure");
    }

    @Test
    void mapAndThenSequenceAndRefuseAPollAfterReady() {
        Cell<Integer> first = new Cell<>();
        Cell<String> second = new Cell<>();
        Async<String> f = first.map(x -> x + 1).then(x -> second.map(s -> s + x));
        assertThat(f.poll(cx).isReady()).isFalse();
        first.complete(1);
        assertThat(waker.wakes).hasValue(1);
        assertThat(f.poll(cx).isReady()).isFalse();
        second.complete("n=");
        assertThat(f.poll(cx)).isEqualTo(Poll.ready("n=2"));
        assertThatThrownBy(() -> f.poll(cx))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("polled after it completed");
        assertThat(first.polls).hasValue(2);
    }

    @Test
    void dropReachesThePendingChildOnly() {
        Cell<Integer> first = new Cell<>();
        Cell<Integer> second = new Cell<>();
        Async<Integer> f = first.then(x -> second);
        f.poll(cx);
        first.complete(1);
        f.poll(cx);
        f.drop();
        f.drop();
        assertThat(first.drops).hasValue(0);
        assertThat(second.drops).hasValue(1);
    }

    @Test
    void joinAllKeepsOrderAndFailsFastDroppingTheRest() {
        Cell<Integer> a = new Cell<>();
        Cell<Integer> b = new Cell<>();
        Async<List<Integer>> all = Async.joinAll(List.of(a, b, Async.ready(3)));
        assertThat(all.poll(cx).isReady()).isFalse();
        b.complete(2);
        assertThat(all.poll(cx).isReady()).isFalse();
        a.complete(1);
        assertThat(all.poll(cx)).isEqualTo(Poll.ready(List.of(1, 2, 3)));
        assertThat(b.polls).hasValue(2); // not polled after it was ready

        Cell<Integer> c = new Cell<>();
        RuntimeException boom = new RuntimeException("boom");
        Async<List<Integer>> failing = Async.joinAll(List.of(c, Async.failed(boom)));
        assertThatThrownBy(() -> failing.poll(cx)).isSameAs(boom);
        assertThat(c.drops).hasValue(1);
        assertThat(Async.joinAll(List.<Async<Integer>>of()).poll(cx))
                .isEqualTo(Poll.ready(List.of()));
    }

    @Test
    void raceSelectAndFirstSuccess() {
        Cell<String> slow = new Cell<>();
        Cell<String> fast = new Cell<>();
        Async<Selected<String>> sel = Async.select(List.of(slow, fast));
        assertThat(sel.poll(cx).isReady()).isFalse();
        fast.complete("fast");
        assertThat(sel.poll(cx)).isEqualTo(Poll.ready(new Selected<>(1, "fast")));
        assertThat(slow.drops).hasValue(1);

        RuntimeException boom = new RuntimeException("boom");
        assertThatThrownBy(
                        () ->
                                Async.race(List.of(new Cell<String>(), Async.<String>failed(boom)))
                                        .poll(cx))
                .isSameAs(boom);

        Cell<String> later = new Cell<>();
        Async<String> first = Async.firstSuccess(List.of(Async.<String>failed(boom), later));
        assertThat(first.poll(cx).isReady()).isFalse();
        later.complete("ok");
        assertThat(first.poll(cx)).isEqualTo(Poll.ready("ok"));

        IllegalStateException e1 = new IllegalStateException("one");
        IllegalArgumentException e2 = new IllegalArgumentException("two");
        assertThatThrownBy(
                        () ->
                                Async.firstSuccess(
                                                List.of(
                                                        Async.<String>failed(e1),
                                                        Async.<String>failed(e2)))
                                        .poll(cx))
                .isSameAs(e1)
                .satisfies(t -> assertThat(t.getSuppressed()).containsExactly(e2));
        assertThatThrownBy(() -> Async.race(List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Async.select(java.util.Arrays.asList(Async.ready(1), null)))
                .hasMessageContaining("futures[1]");
    }

    @Test
    void selectRotatesItsStartSoNoneIsStarved() {
        Cell<Integer> a = new Cell<>();
        Cell<Integer> b = new Cell<>();
        a.complete(1);
        b.complete(2);
        assertThat(Async.select(List.of(a, b)).poll(cx))
                .isEqualTo(Poll.ready(new Selected<>(0, 1)));
        Cell<Integer> c = new Cell<>();
        Cell<Integer> d = new Cell<>();
        Async<Selected<Integer>> s = Async.select(List.of(c, d));
        assertThat(s.poll(cx).isReady()).isFalse(); // started at 0; the next poll starts at 1
        c.complete(3);
        d.complete(4);
        assertThat(s.poll(cx)).isEqualTo(Poll.ready(new Selected<>(1, 4)));
        assertThat(c.drops).hasValue(1);
    }

    @Test
    void yieldNowWakesAndIsReadyAtTheSecondPoll() {
        Async<Void> y = Async.yieldNow();
        assertThat(y.poll(cx).isReady()).isFalse();
        assertThat(waker.wakes).hasValue(1);
        assertThat(y.poll(cx).isReady()).isTrue();
    }

    @Test
    void ensureRunsItsCleanupOnceOnReadyFailureOrDrop() {
        AtomicInteger runs = new AtomicInteger();
        Cell<Integer> c = new Cell<>();
        Async<Integer> e = c.ensure(runs::incrementAndGet);
        e.poll(cx);
        c.complete(1);
        assertThat(e.poll(cx)).isEqualTo(Poll.ready(1));
        e.drop();
        assertThat(runs).hasValue(1);

        Async<Integer> dropped = new Cell<Integer>().ensure(runs::incrementAndGet);
        dropped.poll(cx);
        dropped.drop();
        dropped.drop();
        assertThat(runs).hasValue(2);

        RuntimeException boom = new RuntimeException("boom");
        RuntimeException cleanup = new RuntimeException("cleanup");
        Async<Integer> failing =
                Async.<Integer>failed(boom)
                        .ensure(
                                () -> {
                                    throw cleanup;
                                });
        assertThatThrownBy(() -> failing.poll(cx))
                .isSameAs(boom)
                .satisfies(t -> assertThat(t.getSuppressed()).containsExactly(cleanup));
    }

    @Test
    void budgetRunsOutAfterDefaultReadyOperationsAndWakes() {
        for (int i = 0; i < Context.DEFAULT_BUDGET; i++) {
            assertThat(cx.consumeBudget()).isTrue();
        }
        assertThat(cx.consumeBudget()).isFalse();
        assertThat(waker.wakes).hasValue(1);
        cx.resetBudget();
        assertThat(cx.remainingBudget()).isEqualTo(Context.DEFAULT_BUDGET);
    }

    @Test
    void timeoutGivesTheValueOrElapsedAndDropsTheLoser() throws Exception {
        Cell<String> c = new Cell<>();
        c.complete("v");
        assertThat(c.timeout(Duration.ofHours(1)).poll(cx))
                .isEqualTo(Poll.ready(new Timed.Done<>("v")));

        Cell<String> never = new Cell<>();
        Async<Timed<String>> zero = never.timeout(Duration.ZERO);
        assertThat(zero.poll(cx)).isEqualTo(Poll.ready(new Timed.Elapsed<>()));
        assertThat(never.polls).hasValue(1);
        assertThat(never.drops).hasValue(1);

        Cell<String> slow = new Cell<>();
        Async<Timed<String>> t = slow.timeout(Duration.ofMillis(300));
        assertThat(t.poll(cx)).isEqualTo(Poll.pending());
        long until = System.nanoTime() + 30_000_000_000L;
        while (waker.wakes.get() == 0 && System.nanoTime() < until) {
            Thread.sleep(1);
        }
        assertThat(waker.wakes.get()).as("the timer woke the task").isPositive();
        assertThat(t.poll(cx)).isEqualTo(Poll.ready(new Timed.Elapsed<>()));
        assertThat(slow.drops).hasValue(1);
        assertThatThrownBy(() -> new Timed.Elapsed<String>().value())
                .isInstanceOf(java.util.NoSuchElementException.class);
    }

    @Test
    void cancelAfterStopsAtThePendingPointWithTheTokensCause() {
        CancellationSource src = new CancellationSource();
        Cell<String> c = new Cell<>();
        Async<String> f = c.cancelAfter(Deadline.never(), src.token());
        assertThat(f.poll(cx).isReady()).isFalse();
        src.cancel("stop");
        assertThat(waker.wakes).hasValue(1);
        assertThatThrownBy(() -> f.poll(cx))
                .isInstanceOf(CancelledException.class)
                .hasRootCauseMessage("stop");
        assertThat(c.drops).hasValue(1);

        Cell<String> d = new Cell<>();
        Async<String> late = d.cancelAfter(Deadline.after(Duration.ZERO), CancellationToken.none());
        assertThatThrownBy(() -> late.poll(cx)).isInstanceOf(DeadlineExceededException.class);
        assertThat(d.drops).hasValue(1);

        Cell<String> e = new Cell<>();
        e.complete("wins");
        CancellationSource gone = new CancellationSource();
        gone.cancel();
        assertThat(e.cancelAfter(Deadline.never(), gone.token()).poll(cx))
                .isEqualTo(Poll.ready("wins"));
    }

    @Test
    void sleepAndCancelledLeaves() throws Exception {
        assertThat(Async.sleep(Duration.ZERO).poll(cx).isReady()).isTrue();
        assertThat(Async.sleep(Duration.ofMillis(-5)).poll(cx).isReady()).isTrue();
        Async<Void> s = Async.sleep(Duration.ofHours(1));
        assertThat(s.poll(cx).isReady()).isFalse();
        s.drop();

        CancellationSource src = new CancellationSource();
        Async<Void> c = Async.cancelled(src.token());
        assertThat(c.poll(cx).isReady()).isFalse();
        src.cancel();
        assertThat(waker.wakes).hasValue(1);
        assertThat(c.poll(cx).isReady()).isTrue();
        assertThat(Async.cancelled(CancellationToken.none()).poll(cx).isReady()).isFalse();
    }

    @Test
    void hostileArgumentsNameTheArgument() {
        assertThatThrownBy(() -> Async.ready(1).map(null)).hasMessageContaining("f");
        assertThatThrownBy(() -> Async.ready(1).then(null)).hasMessageContaining("next");
        assertThatThrownBy(() -> Async.ready(1).timeout(null)).hasMessageContaining("timeout");
        assertThatThrownBy(() -> Async.ready(1).cancelAfter(null, CancellationToken.none()))
                .hasMessageContaining("deadline");
        assertThatThrownBy(() -> Async.joinAll(null)).hasMessageContaining("futures");
        assertThatThrownBy(() -> new Context(null)).hasMessageContaining("waker");
        Async<Integer> nul = Async.ready(1).then(x -> null);
        assertThatThrownBy(() -> nul.poll(cx)).isInstanceOf(NullPointerException.class);
    }
}
