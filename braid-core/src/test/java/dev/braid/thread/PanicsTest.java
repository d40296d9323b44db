package dev.braid.thread;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

@Isolated
class PanicsTest {
    @AfterEach
    void reset() {
        Panics.resetHook();
    }

    @Test
    void hookIsCalledOncePerPanickingThreadAndNotForHealthyOnes() throws Exception {
        List<String> calls = new CopyOnWriteArrayList<>();
        Panics.setHook((t, e) -> calls.add(t.getName() + ":" + e.getMessage()));
        var a =
                Threads.builder()
                        .name("a")
                        .spawn(
                                () -> {
                                    throw new IllegalStateException("boom");
                                });
        var b = Threads.builder().name("b").spawn(() -> 1);
        assertThatThrownBy(a::join).isInstanceOf(PanicException.class);
        assertThat(b.join()).isEqualTo(1);
        assertThatThrownBy(a::join).isInstanceOf(PanicException.class);
        assertThat(calls).containsExactly("a:boom");
    }

    @Test
    void setHookReturnsThePreviousOneAndResetRestoresTheDefault() {
        PanicHook mine = (t, e) -> {};
        assertThat(Panics.setHook(mine)).isSameAs(Panics.defaultHook());
        assertThat(Panics.hook()).isSameAs(mine);
        assertThat(Panics.resetHook()).isSameAs(mine);
        assertThat(Panics.hook()).isSameAs(Panics.defaultHook());
    }

    @Test
    void defaultHookPrintsLikeTheJdk() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream old = System.err;
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            Thread t = new Thread(() -> {}, "printer");
            Panics.defaultHook().onPanic(t, new IllegalArgumentException("bad"));
        } finally {
            System.setErr(old);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(out)
                .startsWith(
                        "Exception in thread \"printer\" java.lang.IllegalArgumentException: bad");
        assertThat(out).contains("\tat ");
    }

    @Test
    void aThrowingHookDoesNotBreakTheThread() throws Exception {
        Panics.setHook(
                (t, e) -> {
                    throw new RuntimeException("hook broke");
                });
        PrintStream old = System.err;
        System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try {
            var h =
                    Threads.spawn(
                            () -> {
                                throw new IllegalStateException("x");
                            });
            assertThatThrownBy(h::join).isInstanceOf(PanicException.class).hasRootCauseMessage("x");
        } finally {
            System.setErr(old);
        }
    }
}
