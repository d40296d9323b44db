package dev.braid.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braid.channel.Channel;
import org.junit.jupiter.api.Test;

/**
 * Clauses of an async select that name one channel: a second receive clause, or a second send
 * clause, is refused whichever views name it, as the blocking {@code Select} does, and the refused
 * call leaves the builder usable; a send and a receive clause on one channel work on every capacity
 * (a rendezvous channel: {@link AsyncSelectSendAndRecvTest}, ADR 0175).
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

    @Test
    void aReceiveFromAFullBufferWinsOverTheSendThatCannotGo() throws Exception {
        Channel<Integer> ch = Channel.<Integer>builder().bounded(1).name("both").build();
        ch.send(4);
        var select =
                AsyncChannels.<String>select().send(ch, 5, () -> "sent").recv(ch, v -> "got" + v);
        try (LocalExecutor ex = LocalExecutor.create("both")) {
            assertThat(ex.blockOn(select.build())).isEqualTo("got4");
        }
        assertThat(ch.len()).isZero();
    }

    /**
     * A second send clause on one channel is refused through any view, with the blocking {@code
     * Select}'s message; before ADR 0175 any second send clause threw {@link IllegalStateException}
     * ("at most one send clause").
     */
    @Test
    void secondSendToTheSameChannelIsRefusedThroughAnyView() {
        Channel<Integer> ch = Channel.<Integer>builder().name("out").build();
        var select = AsyncChannels.<String>select().send(ch, 1, () -> "a");
        assertThatThrownBy(() -> select.send(ch.sender(), 2, () -> "b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("tx: this select already has a send clause on")
                .hasMessageContaining("out");
    }

    /**
     * Two send clauses on two channels: exactly one element goes, the other offer dies with the
     * select word's claim (ADR 0175), whichever party takes one.
     */
    @Test
    void twoSendClausesOnTwoChannelsSendExactlyOne() throws Exception {
        Channel<Integer> a = Channel.<Integer>builder().name("a").build();
        Channel<Integer> b = Channel.<Integer>builder().name("b").build();
        try (LocalExecutor ex = LocalExecutor.create("two-sends")) {
            TaskHandle<String> h =
                    ex.spawn(
                            AsyncChannels.<String>select()
                                    .send(a, 1, () -> "a")
                                    .send(b.sender(), 2, () -> "b")
                                    .build());
            ex.runUntilStalled();
            assertThat(h.isFinished()).isFalse();
            assertThat(a.blockedSenders()).isEqualTo(1);
            assertThat(b.blockedSenders()).isEqualTo(1);

            assertThat(b.tryRecvOrNull()).isEqualTo(2);
            assertThat(ex.blockOn(h)).isEqualTo("b");
        }
        assertThat(a.tryRecvOrNull()).as("the other offer is gone").isNull();
        assertThat(a.blockedSenders()).isZero();
        assertThat(b.blockedSenders()).isZero();
    }
}
