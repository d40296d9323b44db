package dev.braid.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.cancel.CancellationToken;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@link SelectLoop} under hostile input and misuse (issue 11, hostile input): refused settings
 * leave the loop as it was, a throwing handler ends the run without losing other elements, and a
 * handler that runs the loop again is refused.
 */
class SelectLoopMisuseTest {

    @Test
    void aRefusedIdleLeavesTheLoopWithoutAnIdleAction() throws Exception {
        // Pay the first blocked select's one-time costs (class loading) before timing matters.
        Select.<String>biased()
                .recv(Channel.<String>bounded(1), x -> x)
                .timeout(Duration.ofMillis(1), () -> "warm")
                .run();
        Channel<Integer> ch = Channel.bounded(4);
        SelectLoop loop = SelectLoop.biased().recv(ch, x -> {});
        assertThatThrownBy(() -> loop.idle(Duration.ofMillis(1), null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("action");
        Thread closer =
                Thread.ofVirtual()
                        .start(
                                () -> {
                                    try {
                                        while (ch.blockedReceivers() == 0) {
                                            Thread.sleep(1); // until the loop waits
                                        }
                                        Thread.sleep(100); // an idle action would be due now
                                        ch.send(1);
                                    } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                    }
                                    ch.close();
                                });
        loop.run(); // with a half-set idle (timeout but no action) this threw NullPointerException
        closer.join();
    }

    @Test
    void aNonPositiveIdleIsRefusedByName() {
        SelectLoop loop = SelectLoop.fair();
        for (Duration d : List.of(Duration.ZERO, Duration.ofMillis(-1))) {
            assertThatThrownBy(() -> loop.idle(d, () -> {}))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("timeout must be positive");
        }
    }

    @Test
    void eachSettingIsGivenOnceAndASecondIsRefusedWithStateUnchanged() throws Exception {
        List<String> heard = new ArrayList<>();
        SelectLoop loop =
                SelectLoop.biased()
                        .onClosed(() -> heard.add("first"))
                        .idle(Duration.ofHours(1), () -> heard.add("idle"))
                        .stopOn(CancellationToken.none());
        assertThatThrownBy(() -> loop.onClosed(() -> heard.add("second")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("action: this loop already has an onClosed action");
        assertThatThrownBy(() -> loop.idle(Duration.ofMillis(1), () -> heard.add("idle 2")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeout: this loop already has an idle action");
        assertThatThrownBy(() -> loop.stopOn(CancellationToken.none()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("token: this loop already has a stop token");
        Channel<Integer> ch = Channel.bounded(1);
        ch.close();
        loop.recv(ch, x -> {}).run();
        assertThat(heard).containsExactly("first");
    }

    @Test
    void aThrowingHandlerEndsTheRunAndLosesNoOtherElement() throws Exception {
        Channel<Integer> ch = Channel.bounded(8);
        for (int i = 1; i <= 4; i++) {
            ch.send(i);
        }
        ch.close();
        List<Integer> got = new ArrayList<>();
        SelectLoop loop =
                SelectLoop.biased()
                        .recv(
                                ch,
                                x -> {
                                    if (x == 2 && !got.contains(-2)) {
                                        got.add(-2);
                                        throw new IllegalStateException("handler failed on 2");
                                    }
                                    got.add(x);
                                });
        assertThatThrownBy(loop::run)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("handler failed on 2");
        assertThat(ch.len()).as("3 and 4 are still in the channel").isEqualTo(2);
        loop.run(); // the loop may be run again
        assertThat(got).containsExactly(1, -2, 3, 4);
    }

    @Test
    void runningTheLoopFromInsideItsOwnHandlerIsRefused() throws Exception {
        Channel<Integer> ch = Channel.bounded(2);
        ch.send(1);
        ch.close();
        AtomicReference<SelectLoop> self = new AtomicReference<>();
        AtomicReference<Throwable> inner = new AtomicReference<>();
        List<Integer> closes = new ArrayList<>();
        SelectLoop loop =
                SelectLoop.fair()
                        .recv(
                                ch,
                                x -> {
                                    try {
                                        self.get().run();
                                    } catch (Throwable t) {
                                        inner.set(t);
                                    }
                                })
                        .onClosed(() -> closes.add(1));
        self.set(loop);
        loop.run();
        assertThat(inner.get())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("called from inside its own handler")
                .hasMessageContaining("return from the handler instead");
        assertThat(closes).as("the close is heard once").hasSize(1);
        loop.run(); // not stuck in the running state after the refusal
        assertThat(closes).hasSize(2);
    }
}
