package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Long {@code then}/{@code map} chains are polled at a constant stack depth (issue 13: a loop
 * written recursively, each step {@code then}-chained to the next, used to nest one {@code Then}
 * per step and recurse once per step in every poll, dying with {@link StackOverflowError}).
 */
class ThenChainDepthTest {
    private static final int STEPS = 1_000_000;
    private static final int SHORTER = 200_000; // still ~20x the depth that overflowed before

    private final Context cx = new Context(Waker.noop());

    /** A recursive loop whose every step is ready at once: the whole loop runs in one poll. */
    static Async<Integer> countDown(int n) {
        return Async.ready(n).then(x -> x == 0 ? Async.ready(0) : countDown(x - 1));
    }

    /** The same loop, but every step is pending once (yields), as a loop over a channel is. */
    static Async<Integer> yieldingCountDown(int n) {
        return Async.yieldNow().then(v -> n == 0 ? Async.ready(0) : yieldingCountDown(n - 1));
    }

    /** Not tail recursive: each level maps the result of the level below on the way out. */
    static Async<Integer> depth(int n) {
        return Async.ready(n).then(x -> x == 0 ? Async.ready(0) : depth(x - 1).map(d -> d + 1));
    }

    @Test
    void aMillionStepRecursiveThenLoopCompletesWithoutStackOverflow() {
        Async<Integer> loop = countDown(STEPS);
        assertThat(loop.poll(cx)).isEqualTo(Poll.ready(0));
    }

    @Test
    void aRecursiveLoopThatGoesPendingAtEveryStepKeepsItsDepthConstant() throws Exception {
        try (LocalExecutor ex = LocalExecutor.create("depth")) {
            assertThat(ex.blockOn(yieldingCountDown(SHORTER))).isZero();
        }
    }

    @Test
    void aMapAfterTheRecursiveCallIsUnwoundOnTheHeap() {
        assertThat(depth(SHORTER).poll(cx)).isEqualTo(Poll.ready(SHORTER));
    }

    @Test
    void aChainBuiltInALoopIsPolledWithoutRecursion() {
        Async<Integer> f = Async.ready(0);
        for (int i = 0; i < SHORTER; i++) {
            f = i % 2 == 0 ? f.then(x -> Async.ready(x + 1)) : f.map(x -> x + 1);
        }
        assertThat(f.poll(cx)).isEqualTo(Poll.ready(SHORTER));
    }

    @Test
    void aCollapsedChainKeepsOrderFailureAndDropSemantics() {
        AtomicInteger drops = new AtomicInteger();
        Async<Integer> pending =
                new Async<>() {
                    @Override
                    public Poll<Integer> poll(Context c) {
                        return Poll.pending();
                    }

                    @Override
                    public void drop() {
                        drops.incrementAndGet();
                    }
                };
        StringBuilder order = new StringBuilder();
        Async<Integer> chain =
                Async.ready(1)
                        .map(
                                x -> {
                                    order.append('a');
                                    return x;
                                })
                        .then(
                                x ->
                                        Async.ready(x)
                                                .map(
                                                        y -> {
                                                            order.append('b');
                                                            return y;
                                                        })
                                                .then(y -> pending))
                        .map(
                                x -> {
                                    order.append('c');
                                    return x;
                                });
        assertThat(chain.poll(cx).isReady()).isFalse();
        assertThat(order).hasToString("ab");
        chain.drop();
        chain.drop();
        assertThat(drops).hasValue(1);

        RuntimeException boom = new RuntimeException("boom");
        Async<Integer> failing = countDown(3).map(x -> x).then(x -> Async.failed(boom));
        assertThatThrownBy(() -> failing.poll(cx)).isSameAs(boom);
        assertThatThrownBy(() -> failing.poll(cx))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("polled after it completed");

        Async<Integer> nullNext = Async.ready(1).then(x -> null);
        assertThatThrownBy(() -> nullNext.poll(cx))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("then's function");
    }
}
