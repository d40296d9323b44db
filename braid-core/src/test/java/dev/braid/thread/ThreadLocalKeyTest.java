package dev.braid.thread;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ThreadLocalKeyTest {
    private final List<String> log = new CopyOnWriteArrayList<>();
    private PanicHook previous;

    @BeforeEach
    void quietPanics() {
        previous = Panics.setHook((t, e) -> log.add("hook:" + t.getName()));
    }

    @AfterEach
    void restore() {
        Panics.setHook(previous);
    }

    @Test
    void eachThreadGetsItsOwnInitializedValue() throws Exception {
        AtomicInteger inits = new AtomicInteger();
        ThreadLocalKey<Integer> key = ThreadLocalKey.of("n", inits::incrementAndGet);
        int here = key.get();
        int there = Threads.spawn(key::get).join();
        assertThat(here).isNotEqualTo(there);
        assertThat(key.get()).isEqualTo(here);
        assertThat(inits).hasValue(2);
    }

    @Test
    void destructorsRunAtExitInReverseOrderBeforeJoinReturns() throws Exception {
        ThreadLocalKey<String> a =
                ThreadLocalKey.withDestructor("a", () -> "A", v -> log.add("drop " + v));
        ThreadLocalKey<String> b =
                ThreadLocalKey.withDestructor("b", () -> "B", v -> log.add("drop " + v));
        Threads.spawn(
                        () -> {
                            a.get();
                            b.get();
                            log.add("body done");
                        })
                .join();
        assertThat(log).containsExactly("body done", "drop B", "drop A");
    }

    @Test
    void destructorsRunWhenTheThreadPanics() {
        ThreadLocalKey<String> a =
                ThreadLocalKey.withDestructor("a", () -> "A", v -> log.add("drop " + v));
        var h =
                Threads.builder()
                        .name("p")
                        .spawn(
                                () -> {
                                    a.get();
                                    throw new IllegalStateException("boom");
                                });
        assertThatThrownBy(h::join).isInstanceOf(PanicException.class).hasRootCauseMessage("boom");
        assertThat(log).containsExactly("drop A", "hook:p");
    }

    @Test
    void destructorFailureIsNotLostAndDoesNotStopOthers() {
        ThreadLocalKey<String> ok =
                ThreadLocalKey.withDestructor("ok", () -> "ok", v -> log.add("drop " + v));
        ThreadLocalKey<String> bad =
                ThreadLocalKey.withDestructor(
                        "bad",
                        () -> "bad",
                        v -> {
                            throw new IllegalArgumentException("cannot drop");
                        });
        var h =
                Threads.builder()
                        .name("d")
                        .spawn(
                                () -> {
                                    ok.get();
                                    bad.get();
                                    return 1;
                                });
        assertThatThrownBy(h::join)
                .isInstanceOf(PanicException.class)
                .cause()
                .hasMessageContaining("thread-local 'bad'")
                .hasRootCauseMessage("cannot drop");
        assertThat(log).containsExactly("drop ok", "hook:d");
    }

    @Test
    void destructorFailureAfterAPanicIsSuppressedOnIt() {
        ThreadLocalKey<String> bad =
                ThreadLocalKey.withDestructor(
                        "bad",
                        () -> "bad",
                        v -> {
                            throw new IllegalArgumentException("cannot drop");
                        });
        var h =
                Threads.spawn(
                        () -> {
                            bad.get();
                            throw new IllegalStateException("body");
                        });
        Throwable cause = catchPanic(h).getCause();
        assertThat(cause).hasMessage("body");
        assertThat(cause.getSuppressed())
                .singleElement()
                .satisfies(s -> assertThat(s).hasRootCauseMessage("cannot drop"));
    }

    @Test
    void reentrantInitializerIsDetected() {
        AtomicReference<ThreadLocalKey<Integer>> self = new AtomicReference<>();
        ThreadLocalKey<Integer> key = ThreadLocalKey.of("loop", () -> self.get().get() + 1);
        self.set(key);
        assertThatThrownBy(key::get)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'loop' read from its own initializer");
        assertThat(key.isInitialized()).isFalse();
    }

    @Test
    void failingInitializerLeavesTheKeyUninitialized() {
        AtomicInteger calls = new AtomicInteger();
        ThreadLocalKey<Integer> key =
                ThreadLocalKey.of(
                        "flaky",
                        () -> {
                            if (calls.incrementAndGet() == 1) {
                                throw new IllegalStateException("first");
                            }
                            return 7;
                        });
        assertThatThrownBy(key::get).hasMessage("first");
        assertThat(key.get()).isEqualTo(7);
    }

    @Test
    void setReplacesAndDestroysTheOldValueAndRemoveDestroys() throws Exception {
        ThreadLocalKey<String> key =
                ThreadLocalKey.withDestructor("k", () -> "init", v -> log.add("drop " + v));
        Threads.spawn(
                        () -> {
                            key.get();
                            key.set("second");
                            assertThat(key.get()).isEqualTo("second");
                            key.remove();
                            assertThat(key.isInitialized()).isFalse();
                            key.set("third");
                        })
                .join();
        assertThat(log).containsExactly("drop init", "drop second", "drop third");
    }

    @Test
    void destructorsDoNotRunOnThreadsBraidDidNotSpawn() throws Exception {
        ThreadLocalKey<String> key =
                ThreadLocalKey.withDestructor("k", () -> "v", v -> log.add("drop " + v));
        Thread t = new Thread(key::get);
        t.start();
        t.join();
        assertThat(log).isEmpty();
    }

    @Test
    void destructorMayTouchAnotherKey() throws Exception {
        ThreadLocalKey<String> inner =
                ThreadLocalKey.withDestructor("inner", () -> "I", v -> log.add("drop " + v));
        ThreadLocalKey<String> outer =
                ThreadLocalKey.withDestructor(
                        "outer",
                        () -> "O",
                        v -> {
                            log.add("drop " + v + " using " + inner.get());
                        });
        Threads.spawn(() -> outer.get()).join();
        assertThat(log).containsExactly("drop O using I", "drop I");
    }

    private static PanicException catchPanic(JoinHandle<?> h) {
        try {
            h.join();
        } catch (PanicException e) {
            return e;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected a panic");
    }
}
