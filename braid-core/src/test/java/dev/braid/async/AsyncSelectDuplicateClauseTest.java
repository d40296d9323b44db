package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.channel.Channel;
import org.junit.jupiter.api.Test;

/**
 * The async select refuses a second receive clause on one channel, whichever views name it, as the
 * blocking {@code Select} does; the refused call leaves the builder usable.
 */
class AsyncSelectDuplicateClauseTest {
    @Test
    void secondReceiveOnTheSameChannelIsRefusedThroughAnyView() {
        Channel<Integer> ch = Channel.<Integer>builder().bounded(4).name("jobs").build();
        var select = AsyncChannels.<String>select().recv(ch, v -> "a" + v);

        assertThatThrownBy(() -> select.recv(ch, v -> "b" + v))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("rx: this select already has a receive clause on")
                .hasMessageContaining("jobs");
        assertThatThrownBy(() -> select.recv(ch.receiver(), v -> "c" + v))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("rx: ");
    }

    @Test
    void refusedClauseLeavesTheBuilderUsableAndTheChannelUntouched() throws Exception {
        Channel<Integer> a = Channel.<Integer>builder().bounded(4).name("a").build();
        Channel<Integer> b = Channel.<Integer>builder().bounded(4).name("b").build();
        var select = AsyncChannels.<String>select().recv(a, v -> "a" + v);
        assertThatThrownBy(() -> select.recv(a.receiver(), v -> "dup" + v))
                .isInstanceOf(IllegalArgumentException.class);
        select.recv(b.receiver(), v -> "b" + v); // a different channel is fine
        b.send(7);

        try (LocalExecutor ex = LocalExecutor.create("dup")) {
            assertThat(ex.blockOn(select.build())).isEqualTo("b7");
        }
        assertThat(a.len()).isZero();
        assertThat(b.len()).isZero();
    }

    @Test
    void sendAndReceiveOnOneChannelAreDifferentClauses() throws Exception {
        Channel<Integer> ch = Channel.<Integer>builder().bounded(1).name("both").build();
        var select =
                AsyncChannels.<String>select().recv(ch, v -> "got" + v).send(ch, 5, () -> "sent");
        try (LocalExecutor ex = LocalExecutor.create("both")) {
            assertThat(ex.blockOn(select.build())).isEqualTo("sent");
        }
        assertThat(ch.tryRecvOrNull()).isEqualTo(5);
    }
}
