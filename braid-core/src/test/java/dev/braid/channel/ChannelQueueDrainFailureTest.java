package dev.braid.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import org.junit.jupiter.api.Test;

/**
 * {@code drainTo} into a collection that refuses an element loses nothing: the refused element goes
 * to the undelivered-element hook, the ones after it stay in the channel.
 */
class ChannelQueueDrainFailureTest {
    /** Accepts {@code room} elements, then refuses with the given exception. */
    private static final class Refusing extends ArrayList<Integer> {
        private static final long serialVersionUID = 1L;

        private final int room;

        Refusing(int room) {
            this.room = room;
        }

        @Override
        public boolean add(Integer x) {
            if (size() == room) {
                throw new IllegalStateException("no room for " + x);
            }
            return super.add(x);
        }
    }

    @Test
    void aRefusedElementGoesToTheHookAndTheRestStay() {
        List<Integer> undelivered = new ArrayList<>();
        Channel<Integer> ch =
                Channel.<Integer>builder().bounded(8).onUndelivered(undelivered::add).build();
        for (int i = 1; i <= 5; i++) {
            ch.trySend(i);
        }
        BlockingQueue<Integer> q = ch.asBlockingQueue();
        Refusing target = new Refusing(2);

        assertThatThrownBy(() -> q.drainTo(target))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("no room for 3");

        assertThat(target).containsExactly(1, 2);
        assertThat(undelivered).containsExactly(3);
        assertThat(q).containsExactly(4, 5);
    }

    @Test
    void aBoundedDrainThatSucceedsCallsNoHook() {
        List<Integer> undelivered = new ArrayList<>();
        Channel<Integer> ch =
                Channel.<Integer>builder().bounded(8).onUndelivered(undelivered::add).build();
        for (int i = 1; i <= 5; i++) {
            ch.trySend(i);
        }
        List<Integer> target = new ArrayList<>();
        assertThat(ch.asBlockingQueue().drainTo(target, 3)).isEqualTo(3);
        assertThat(target).containsExactly(1, 2, 3);
        assertThat(undelivered).isEmpty();
        assertThat(ch.len()).isEqualTo(2);
    }
}
