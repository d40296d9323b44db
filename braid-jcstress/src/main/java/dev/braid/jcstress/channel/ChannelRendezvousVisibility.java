package dev.braid.jcstress.channel;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.braid.channel.Channel;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * A rendezvous hand-off publishes the element through the waiter's select word (not the ring):
 * actor 1 writes plain fields and sends (blocking until the receiver takes it); actor 2 receives
 * (blocking) and reads them. Only the fully written element may be seen.
 */
@JCStressTest
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "handed over with its contents")
@Outcome(expect = FORBIDDEN, desc = "handed over without the writes made before send")
@State
public class ChannelRendezvousVisibility {
    static final class Box {
        int x;
        int y;
    }

    private final Channel<Box> ch = Channel.rendezvous();

    @Actor
    public void sender() {
        Box b = new Box();
        b.x = 1;
        b.y = 1;
        try {
            ch.send(b);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Actor
    public void receiver(II_Result r) {
        Box b;
        try {
            b = ch.recv();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        r.r1 = b.x;
        r.r2 = b.y;
    }
}
