package dev.braid.jcstress.channel;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.braid.channel.Channel;
import dev.braid.channel.RecvResult;
import java.time.Duration;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * The lost wake-up race of the lock-free fast path (ADR 0044), receive side: a bounded(1) channel
 * starts full with 7; actor 1 sends 1 with a timeout far longer than the test (it spins, then
 * parks); actor 2 takes the 7 with the non-blocking {@code tryRecv}, which takes the lock-free path
 * unless a waiter is queued. A slot freed while the sender never wakes up (it times out) is
 * forbidden, and so is a lost or duplicated element: afterwards the channel holds exactly the 1.
 */
@JCStressTest
@Outcome(
        id = "1, 7, 1",
        expect = ACCEPTABLE,
        desc = "slot freed, sender woken, its element buffered")
@Outcome(id = "0, 7, .*", expect = FORBIDDEN, desc = "slot freed, but the sender was never woken")
@Outcome(expect = FORBIDDEN, desc = "anything else")
@State
public class ChannelRecvWakesParkingSender {
    private final Channel<Integer> ch = Channel.bounded(1);

    public ChannelRecvWakesParkingSender() {
        ch.trySend(7);
    }

    @Actor
    public void sender(III_Result r) {
        try {
            r.r1 = ch.send(1, Duration.ofSeconds(20)).isSent() ? 1 : 0;
        } catch (InterruptedException e) {
            r.r1 = -1;
        }
    }

    @Actor
    public void receiver(III_Result r) {
        r.r2 = value(ch.tryRecv());
    }

    @Arbiter
    public void after(III_Result r) {
        r.r3 = value(ch.tryRecv());
    }

    private static int value(RecvResult<Integer> res) {
        return res instanceof RecvResult.Received<Integer> got ? got.value() : 0;
    }
}
