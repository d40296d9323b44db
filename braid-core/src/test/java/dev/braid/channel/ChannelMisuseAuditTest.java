package dev.braid.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.braid.cancel.CancellationSource;
import dev.braid.cancel.CancellationToken;
import dev.braid.cancel.Deadline;
import dev.braid.thread.JoinHandle;
import dev.braid.thread.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Channels and select as a demanding user misuses them (the audit of issues 11 and 15): a select
 * that nothing could ever end fails at once with the way out; a select shows all its clauses; a
 * waiter that gives up (timeout, interrupt) leaves the channel as if it had never come; a cancelled
 * channel hands each buffered element to the hook exactly once. Every wait is bounded. ADR 0065.
 */
class ChannelMisuseAuditTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @Test
    void aSelectWhoseOnlyClausesCanNeverFireFailsFast() {
        List<Select<String>> never =
                List.of(
                        Select.<String>biased().deadline(Deadline.never(), () -> "t"),
                        Select.<String>fair().cancelled(CancellationToken.none(), () -> "c"),
                        Select.<String>biased()
                                .cancelled(CancellationToken.none(), () -> "c")
                                .deadline(Deadline.never(), () -> "t"));
        for (Select<String> s : never) {
            assertTimeoutPreemptively(
                    LIMIT,
                    () ->
                            assertThatThrownBy(s::run)
                                    .as(s.toString())
                                    .isInstanceOf(IllegalStateException.class)
                                    .hasMessageContaining("can never fire")
                                    .hasMessageContaining("finite timeout or a default"));
        }
    }

    @Test
    void aSelectOnATokenOrATimeAloneStillWorks() throws Exception {
        CancellationSource src = new CancellationSource();
        src.cancel("stop");
        assertThat(Select.<String>biased().cancelled(src.token(), () -> "cancelled").run())
                .isEqualTo("cancelled");
        assertThat(Select.<String>biased().timeout(Duration.ofMillis(1), () -> "timed out").run())
                .isEqualTo("timed out");
        assertThat(
                        Select.<String>biased()
                                .deadline(Deadline.after(Duration.ZERO), () -> "past")
                                .run())
                .isEqualTo("past");
        assertThat(
                        Select.<String>biased()
                                .cancelled(CancellationToken.none(), () -> "c")
                                .orElse(() -> "default")
                                .run())
                .isEqualTo("default");
    }

    @Test
    void aSelectShowsEveryClause() {
        Channel<Integer> jobs = Channel.<Integer>builder().name("jobs").bounded(2).build();
        CancellationSource src = new CancellationSource();
        Select<String> s =
                Select.<String>biased()
                        .recv(jobs, v -> "job")
                        .cancelled(src.token(), () -> "stop")
                        .timeout(Duration.ofSeconds(1), () -> "idle")
                        .orElse(() -> "none");
        assertThat(s.toString())
                .isEqualTo(
                        "select on [receive from channel 'jobs' (empty, 0 of 2), token, timeout"
                                + " PT1S, default]");
        src.cancel("stop");
        assertThat(s.toString()).contains("cancelled token");
    }

    @Test
    void aReceiverThatTimesOutOrIsInterruptedLeavesTheChannelAsIfItNeverCame() throws Exception {
        Channel<Integer> ch = Channel.<Integer>builder().name("c").rendezvous().build();
        assertThat(ch.recv(Duration.ofMillis(20))).isInstanceOf(RecvResult.TimedOut.class);
        JoinHandle<Object> blocked =
                Threads.spawn(
                        () -> {
                            try {
                                return ch.recv();
                            } catch (InterruptedException e) {
                                return e;
                            }
                        });
        while (ch.blockedReceivers() == 0) {
            Thread.sleep(1);
        }
        blocked.thread().interrupt();
        assertThat(assertTimeoutPreemptively(LIMIT, () -> blocked.join()))
                .isInstanceOf(InterruptedException.class);
        assertThat(ch.blockedReceivers()).isZero();
        assertThat(ch.trySend(1))
                .as("no phantom receiver takes it")
                .isInstanceOf(SendResult.Full.class);
        assertThat(ch.toString()).contains("receivers waiting 0");
    }

    @Test
    void aSenderThatTimesOutKeepsItsElementAndTheHookNeverSeesIt() throws Exception {
        List<Integer> undelivered = new CopyOnWriteArrayList<>();
        Channel<Integer> ch =
                Channel.<Integer>builder()
                        .name("c")
                        .bounded(1)
                        .onUndelivered(undelivered::add)
                        .build();
        ch.send(1);
        assertThat(ch.send(2, Duration.ofMillis(20))).isInstanceOf(SendResult.TimedOut.class);
        assertThat(ch.len()).isEqualTo(1);
        assertThat(ch.cancel()).isTrue();
        assertThat(ch.cancel()).as("idempotent").isFalse();
        assertThat(undelivered).as("exactly the accepted element, once").containsExactly(1);
    }

    @Test
    void aChannelClosedWithElementsDeliversThemAllThenReportsClosed() throws Exception {
        List<Integer> undelivered = new CopyOnWriteArrayList<>();
        Channel<Integer> ch =
                Channel.<Integer>builder().bounded(4).onUndelivered(undelivered::add).build();
        for (int i = 0; i < 4; i++) {
            ch.send(i);
        }
        assertThat(ch.close()).isTrue();
        assertThat(ch.close(new IllegalStateException("late"))).as("already closed").isFalse();
        assertThatThrownBy(() -> ch.send(9)).isInstanceOf(ChannelClosedException.class);
        List<Integer> got = new ArrayList<>();
        ch.forEach(got::add);
        assertThat(got).containsExactly(0, 1, 2, 3);
        assertThat(ch.tryRecv()).isInstanceOf(RecvResult.Closed.class);
        assertThat(undelivered).isEmpty();
    }

    /**
     * A channel's iterator receives: {@code hasNext()} takes the next element (it must wait for one
     * to know), so there is nothing left in the channel for {@code remove()} to remove. It used to
     * throw the JDK default's bare "remove"; now the message names the channel and the view that
     * can remove a buffered element, and nothing changes.
     */
    @Test
    void aChannelIteratorRefusesRemoveNamingTheChannelAndTheWayOut() throws Exception {
        Channel<Integer> ch = Channel.<Integer>builder().name("jobs").bounded(4).build();
        ch.send(1);
        ch.send(2);
        for (java.util.Iterator<Integer> it : List.of(ch.iterator(), ch.receiver().iterator())) {
            assertThatThrownBy(it::remove)
                    .isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("channel 'jobs'")
                    .hasMessageContaining("asBlockingQueue()");
        }
        assertThat(ch.len()).isEqualTo(2);
        java.util.Iterator<Integer> it = ch.iterator();
        assertThat(it.next()).isEqualTo(1);
        assertThatThrownBy(it::remove).isInstanceOf(UnsupportedOperationException.class);
        assertThat(ch.len()).isEqualTo(1);
        assertThat(it.next()).isEqualTo(2);
    }
}
