package dev.braid.thread;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The non-blocking side of {@link JoinHandle}: {@link JoinHandle#tryJoin()} and {@link
 * JoinHandle#onFinish}.
 */
class JoinHandleFinishTest {
    private final List<Throwable> reported = Collections.synchronizedList(new ArrayList<>());
    private PanicHook previous;

    @BeforeEach
    void capturePanics() {
        previous = Panics.setHook((t, e) -> reported.add(e));
    }

    @AfterEach
    void restore() {
        Panics.setHook(previous);
    }

    /** Callbacks run on the finishing thread after it is marked finished, not before joins end. */
    private static void awaitCallbacks(CountDownLatch ran) throws InterruptedException {
        assertThat(ran.await(30, TimeUnit.SECONDS)).as("the callbacks ran").isTrue();
    }

    private static JoinHandle<Object> panicking(Scope scope) {
        return scope.spawn(
                () -> {
                    throw new IllegalStateException("boom");
                });
    }

    /** Spawns a thread that returns {@code value} once {@code go} is counted down. */
    static JoinHandle<Integer> gated(CountDownLatch go, int value) {
        return Threads.spawn(
                () -> {
                    go.await();
                    return value;
                });
    }

    @Test
    void tryJoinIsEmptyWhileRunningThenGivesTheExit() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        JoinHandle<Integer> h = gated(go, 5);
        assertThat(h.tryJoin()).isEmpty();
        go.countDown();
        h.join();
        assertThat(h.tryJoin()).contains(new Exit.Returned<>(5));
    }

    @Test
    void aCallbackRunsOnceWithTheExitWhenTheThreadFinishes() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        JoinHandle<Integer> h = gated(go, 9);
        AtomicInteger runs = new AtomicInteger();
        AtomicReference<Exit<Integer>> seen = new AtomicReference<>();
        CountDownLatch ran = new CountDownLatch(1);
        FinishRegistration reg =
                h.onFinish(
                        exit -> {
                            runs.incrementAndGet();
                            seen.set(exit);
                            ran.countDown();
                        });
        assertThat(runs).hasValue(0);
        go.countDown();
        h.join(); // a joiner may return before the callback has run: wait for it
        awaitCallbacks(ran);
        assertThat(runs).hasValue(1);
        assertThat(seen).hasValue(new Exit.Returned<>(9));
        assertThat(reg.deregister()).as("it has run: too late").isFalse();
        assertThat(h.registered()).isZero();
    }

    @Test
    void aCallbackOnAFinishedThreadRunsAtOnceOnTheCaller() throws Exception {
        JoinHandle<Integer> h = Threads.spawn(() -> 3);
        h.join();
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        FinishRegistration reg = h.onFinish(exit -> ranOn.set(Thread.currentThread()));
        assertThat(ranOn).hasValue(Thread.currentThread());
        assertThat(reg.deregister()).isFalse();
    }

    @Test
    void aDeregisteredCallbackNeverRunsAndLeavesNoNode() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        JoinHandle<Integer> h = gated(go, 1);
        AtomicInteger runs = new AtomicInteger();
        for (int i = 0; i < 1000; i++) {
            FinishRegistration reg = h.onFinish(exit -> runs.incrementAndGet());
            assertThat(reg.deregister()).isTrue();
            assertThat(reg.deregister()).as("only the first deregister removes it").isFalse();
        }
        assertThat(h.registered()).as("deregistered nodes are unlinked").isZero();
        go.countDown();
        h.join();
        assertThat(runs).hasValue(0);
    }

    @Test
    void aThrowingCallbackIsReportedAndDisturbsNoOtherWaiter() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        JoinHandle<Integer> h = gated(go, 2);
        CountDownLatch ran = new CountDownLatch(2);
        h.onFinish(exit -> ran.countDown());
        h.onFinish(
                exit -> {
                    throw new IllegalStateException("callback failed");
                });
        h.onFinish(exit -> ran.countDown());
        go.countDown();
        assertThat(h.join()).isEqualTo(2);
        awaitCallbacks(ran); // both others ran although the one between them threw
        assertThat(reported)
                .singleElement()
                .extracting(Throwable::getMessage)
                .isEqualTo("callback failed");
    }

    @Test
    void aCallbackDoesNotCountAPanicAsHandledButTryJoinDoes() throws Exception {
        AtomicReference<Exit<Object>> seen = new AtomicReference<>();
        CountDownLatch ran = new CountDownLatch(1);
        Throwable thrown = null;
        try {
            Threads.scopeAndGet(
                    scope -> {
                        panicking(scope)
                                .onFinish(
                                        exit -> {
                                            seen.set(exit);
                                            ran.countDown();
                                        });
                        return null;
                    });
        } catch (PanicException e) {
            thrown = e;
        }
        awaitCallbacks(ran);
        assertThat(seen.get()).isInstanceOf(Exit.Panicked.class);
        assertThat(thrown).as("the scope still rethrows").isNotNull();
        Object r =
                Threads.scopeAndGet(
                        scope -> {
                            JoinHandle<Object> bad = panicking(scope);
                            while (bad.tryJoin().isEmpty()) {
                                Thread.onSpinWait();
                            }
                            return "handled";
                        });
        assertThat(r).isEqualTo("handled");
    }
}
