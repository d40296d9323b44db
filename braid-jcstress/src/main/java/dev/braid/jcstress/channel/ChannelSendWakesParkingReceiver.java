package dev.braid.jcstress.channel;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.braid.channel.Channel;
import dev.braid.channel.RecvResult;
import java.time.Duration;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * The lost wake-up race of the lock-free fast path (ADR 0044), send side: actor 1 receives from an
 * empty bounded(1) channel, with a timeout far longer than the test (it spins, then parks); actor 2
 * sends with the non-blocking {@code trySend}, which takes the lock-free path unless a waiter is
 * queued. An element that was accepted while the receiver never wakes up is forbidden.
 */
@JCStressTest
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "sent and received")
@Outcome(id = "0, 1", expect = FORBIDDEN, desc = "sent, but the receiver was never woken")
@Outcome(expect = FORBIDDEN, desc = "anything else")
@State
public class ChannelSendWakesParkingReceiver {
    private final Channel<Integer> ch = Channel.bounded(1);

    @Actor
    public void receiver(II_Result r) {
        try {
            r.r1 =
                    ch.recv(Duration.ofSeconds(20)) instanceof RecvResult.Received<Integer> got
                            ? got.value()
                            : 0;
        } catch (InterruptedException e) {
            r.r1 = -1;
        }
    }

    @Actor
    public void sender(II_Result r) {
        r.r2 = ch.trySend(1).isSent() ? 1 : 0;
    }
}
