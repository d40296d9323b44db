package dev.braid.channel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braid.cancel.CancellationSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link SelectLoop#stopOn} ends the loop when its token is cancelled even while elements are
 * buffered, as its Javadoc says and as docs/channels.md suggests for a handler that wants the loop
 * to end. Before probe15 the token was only one clause of each iteration's select, which prefers a
 * ready channel: a loop whose handler cancelled the token served every element still buffered (and
 * with a producer that keeps the channel non-empty, it would never stop).
 */
class SelectLoopStopTest {

    @Test
    void aHandlerThatCancelsTheStopTokenEndsTheLoopAfterItsElement() throws Exception {
        Channel<Integer> ch = Channel.unbounded();
        for (int i = 0; i < 1_000; i++) {
            ch.send(i);
        }
        CancellationSource stop = new CancellationSource();
        List<Integer> served = new ArrayList<>();
        SelectLoop.biased()
                .recv(
                        ch,
                        v -> {
                            served.add(v);
                            if (served.size() == 10) {
                                stop.cancel("enough");
                            }
                        })
                .stopOn(stop.token())
                .run();
        assertThat(served).hasSize(10);
        assertThat(ch.len()).isEqualTo(990); // the rest stay in the channel
        assertThat(ch.tryRecvOrNull()).isEqualTo(10);
    }

    @Test
    void aLoopWhoseTokenIsAlreadyCancelledTakesNothing() throws Exception {
        Channel<String> a = Channel.bounded(4);
        Channel<String> b = Channel.bounded(4);
        a.send("a");
        b.send("b");
        CancellationSource stop = new CancellationSource();
        stop.cancel();
        List<String> served = new ArrayList<>();
        SelectLoop.fair().recv(a, served::add).recv(b, served::add).stopOn(stop.token()).run();
        assertThat(served).isEmpty();
        assertThat(a.len() + b.len()).isEqualTo(2);
    }
}
