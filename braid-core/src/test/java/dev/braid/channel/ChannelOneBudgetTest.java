package dev.braid.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Constructor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One pre-park budget per blocking operation of a virtual thread (ADR 0156): a receive or send
 * whose lock-free retries yielded {@link Waiter#PARK_YIELDS} times unanswered parks at once in its
 * queued wait (before: as many yields again). Counted, not timed: the virtual thread runs on a
 * scheduler of this test's own (one carrier, through the JDK's package-private {@code
 * VirtualThreadBuilder(Executor)}; braid-core's tests open {@code java.lang} for it), which sees
 * each submission of its continuation: the start, each yield, the unpark. Nothing else runs on that
 * carrier and nothing answers the operation until it has parked, so the count is exact.
 */
class ChannelOneBudgetTest {

    private final ExecutorService carrier = Executors.newSingleThreadExecutor();
    private final AtomicInteger submissions = new AtomicInteger();

    @AfterEach
    void shutDown() {
        carrier.shutdownNow();
    }

    /** Starts {@code body} on a virtual thread whose scheduler counts its submissions. */
    private Thread startCounted(Runnable body) throws ReflectiveOperationException {
        Constructor<?> c =
                Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder")
                        .getDeclaredConstructor(java.util.concurrent.Executor.class);
        c.setAccessible(true);
        java.util.concurrent.Executor counting =
                r -> {
                    submissions.incrementAndGet();
                    carrier.execute(r);
                };
        Thread.Builder.OfVirtual b = (Thread.Builder.OfVirtual) c.newInstance(counting);
        return b.start(body);
    }

    /** Starts a counted virtual thread that receives from {@code ch} into {@code got}. */
    private Thread startReceiver(Channel<Integer> ch, AtomicReference<Object> got)
            throws ReflectiveOperationException {
        return startCounted(
                () -> {
                    try {
                        got.set(ch.recv());
                    } catch (InterruptedException e) {
                        got.set(e);
                    }
                });
    }

    /** Waits (no clock: the JUnit timeout bounds it) until {@code t} has parked. */
    private static void awaitParked(Thread t) {
        while (t.getState() != Thread.State.WAITING) {
            Thread.onSpinWait();
        }
    }

    /**
     * The submissions from the start to the park: the start and the yields (one round; two without
     * ADR 0156 where lock-free retries come first, i.e. unless {@code -Dbraid.channel.fastMax=0}).
     */
    private static int expectedBeforePark(Channel<Integer> ch) {
        boolean twoRounds = !Waiter.ONE_BUDGET && ch.core.fast != null;
        return 1 + (twoRounds ? 2 : 1) * Waiter.PARK_YIELDS;
    }

    private void blockedReceiveParksAfterOneRoundOfYields(Channel<Integer> ch) throws Exception {
        AtomicReference<Object> got = new AtomicReference<>();
        Thread t = startReceiver(ch, got);
        awaitParked(t);
        assertThat(submissions.get())
                .as("the start and the lock-free retries' yields, none in the queued wait")
                .isEqualTo(expectedBeforePark(ch));
        ch.send(7);
        t.join();
        assertThat(got.get()).isEqualTo(7);
        assertThat(submissions.get()).as("one unpark").isEqualTo(expectedBeforePark(ch) + 1);
        assertThat(ch.core.idleClaims).as("the parked owner taught 'idle'").isEqualTo(1);
    }

    @Test
    void aBlockedVirtualReceiveOnABoundedChannelYieldsOneRoundThenParks() throws Exception {
        blockedReceiveParksAfterOneRoundOfYields(Channel.bounded(4));
    }

    @Test
    void aBlockedVirtualReceiveOnAnUnboundedChannelYieldsOneRoundThenParks() throws Exception {
        blockedReceiveParksAfterOneRoundOfYields(Channel.unbounded());
    }

    @Test
    void aBlockedVirtualSendOnAFullChannelYieldsOneRoundThenParks() throws Exception {
        Channel<Integer> ch = Channel.bounded(1);
        ch.send(1);
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread t =
                startCounted(
                        () -> {
                            try {
                                ch.send(2);
                                outcome.set("sent");
                            } catch (InterruptedException e) {
                                outcome.set(e);
                            }
                        });
        awaitParked(t);
        assertThat(submissions.get()).isEqualTo(expectedBeforePark(ch));
        assertThat(ch.recv()).isEqualTo(1);
        t.join();
        assertThat(outcome.get()).isEqualTo("sent");
        assertThat(ch.recv()).isEqualTo(2);
        assertThat(ch.core.idleClaims).isEqualTo(1);
    }

    @Test
    void aVirtualReceiveThatParksAtOnceIsStillInterruptible() throws Exception {
        Channel<Integer> ch = Channel.bounded(4);
        AtomicReference<Object> got = new AtomicReference<>();
        Thread t = startReceiver(ch, got);
        awaitParked(t);
        t.interrupt();
        t.join();
        assertThat(got.get()).isInstanceOf(InterruptedException.class);
        ch.send(3);
        assertThat(ch.tryRecvOrNull()).as("the leaver took nothing").isEqualTo(3);
    }

    @Test
    void onlyAVirtualThreadsYieldOnlyBudgetCountsAsSpent() throws Exception {
        assertThat(Waiter.yieldsSpent(Waiter.PARK_YIELDS)).as("a platform thread").isFalse();
        AtomicReference<boolean[]> seen = new AtomicReference<>();
        Thread.ofVirtual()
                .start(
                        () ->
                                seen.set(
                                        new boolean[] {
                                            Waiter.yieldsSpent(Waiter.PARK_YIELDS),
                                            Waiter.yieldsSpent(0),
                                            Waiter.yieldsSpent(
                                                    Waiter.PARK_SPINS + Waiter.PARK_YIELDS + 1)
                                        }))
                .join();
        assertThat(seen.get()[0]).isEqualTo(Waiter.ONE_BUDGET);
        assertThat(seen.get()[1]).as("no retries (hint set, or the testkit)").isFalse();
        assertThat(seen.get()[2]).as("a budget with spins").isFalse();
    }
}
