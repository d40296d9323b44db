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

    /**
     * On a rendezvous channel the pending send is an offer that makes the select's own receive
     * registration ready at once, so the task was polled without end (probe15: 130,000 polls a
     * second while it waited for a partner). Refused in either order; the builder stays usable.
     */
    @Test
    void sendAndReceiveOnOneRendezvousChannelAreRefusedEitherWay() throws Exception {
        Channel<Integer> ch = Channel.<Integer>builder().name("meet").build();
        var recvFirst = AsyncChannels.<String>select().recv(ch, v -> "got" + v);
        assertThatThrownBy(() -> recvFirst.send(ch.sender(), 5, () -> "sent"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("tx: this select would send to and receive from rendezvous")
                .hasMessageContaining("meet");
        var sendFirst = AsyncChannels.<String>select().send(ch, 5, () -> "sent");
        assertThatThrownBy(() -> sendFirst.recv(ch.receiver(), v -> "got" + v))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(
                        "rx: this select would send to and receive from rendezvous");

        Channel<Integer> other = Channel.bounded(1);
        other.send(3);
        recvFirst.recv(other, v -> "other" + v); // still usable, and its one clause is unchanged
        try (LocalExecutor ex = LocalExecutor.create("meet")) {
            assertThat(ex.blockOn(recvFirst.build())).isEqualTo("other3");
        }
        assertThat(ch.blockedSenders()).isZero();
    }
}
