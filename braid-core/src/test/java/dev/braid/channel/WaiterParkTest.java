package dev.braid.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The select word's park announcement (ADR 0090): an owner moves its word to {@link Waiter#PARKED}
 * before it parks, and only a claim from that state unparks it; a claim that finds the owner still
 * spinning leaves no unpark (and no stray permit) behind.
 */
class WaiterParkTest {

    @Test
    void aClaimOfAnOwnerThatIsStillSpinningDoesNotUnparkIt() {
        Waiter w = new Waiter(Thread.currentThread(), null);
        assertThat(w.tryClaim()).isTrue();
        assertThat(w.claimFoundOwnerParked()).isFalse();
        assertThat(w.announcePark()).as("a claimed owner must not park").isFalse();
        w.complete(0, "x");
        assertThat(w.state()).isEqualTo(Waiter.SELECTED);
    }

    @Test
    void aClaimOfAnOwnerThatAnnouncedItsParkUnparksIt() {
        Waiter w = new Waiter(Thread.currentThread(), null);
        assertThat(w.announcePark()).isTrue();
        assertThat(w.announcePark()).as("a second park after an early return").isTrue();
        assertThat(w.state()).isEqualTo(Waiter.PARKED);
        assertThat(w.isWaiting()).isTrue();
        assertThat(w.tryClaim()).isTrue();
        assertThat(w.claimFoundOwnerParked()).isTrue();
        assertThat(w.tryClaim()).as("exactly one claim").isFalse();
        assertThat(w.tryAbort()).as("a claimed word cannot be aborted").isFalse();
    }

    @Test
    void aParkedOwnerCanStillGiveUpAndThenNobodyClaimsIt() {
        Waiter w = new Waiter(Thread.currentThread(), null);
        assertThat(w.announcePark()).isTrue();
        assertThat(w.tryAbort()).isTrue();
        assertThat(w.state()).isEqualTo(Waiter.ABORTED);
        assertThat(w.isWaiting()).isFalse();
        assertThat(w.tryClaim()).isFalse();
        assertThat(w.announcePark()).isFalse();
    }

    @Test
    void aWakerIsAlwaysCalledWhateverTheClaimFound() {
        AtomicInteger calls = new AtomicInteger();
        Waiter w = new Waiter(null, calls::incrementAndGet);
        assertThat(w.tryClaim()).isTrue();
        w.complete(0, Waiter.class);
        w.wake();
        assertThat(calls.get()).isEqualTo(1);
    }

    @Test
    void rendezvousHandOffsBetweenTwoPlatformThreadsAllArrive() throws InterruptedException {
        // each side waits in turn, spinning or parked: a lost wake-up would hang this test
        Channel<Integer> ch = Channel.rendezvous();
        int n = 20_000;
        Thread tx =
                Thread.ofPlatform()
                        .start(
                                () -> {
                                    try {
                                        for (int i = 0; i < n; i++) {
                                            ch.send(i);
                                        }
                                    } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                    }
                                });
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += ch.recv();
        }
        tx.join();
        assertThat(sum).isEqualTo((long) n * (n - 1) / 2);
        assertThat(ch.blockedSenders()).isZero();
        assertThat(ch.blockedReceivers()).isZero();
    }
}
