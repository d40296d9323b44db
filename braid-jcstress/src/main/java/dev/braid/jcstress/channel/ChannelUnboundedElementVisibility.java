package dev.braid.jcstress.channel;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.braid.channel.Channel;
import dev.braid.channel.RecvResult;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * On an unbounded channel (the lock-free segment ring of ADR 0057), an element's contents written
 * before {@code trySend} are visible after {@code tryRecv}: actor 1 fills two plain fields of a
 * fresh object and sends it; actor 2 tries to receive and reads both fields. It finds nothing (-1)
 * or the object with both writes. One element is sent and taken first so that the racing pair works
 * on a ring whose counters have moved.
 */
@JCStressTest
@Outcome(id = "-1, -1, -1", expect = ACCEPTABLE, desc = "receiver ran first: empty")
@Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "received, contents visible")
@Outcome(expect = FORBIDDEN, desc = "received an element without the writes made before send")
@State
public class ChannelUnboundedElementVisibility {
    /** Plain fields that only the channel orders. */
    static final class Box {
        int x;
        int y;
    }

    private final Channel<Box> ch = Channel.unbounded();

    /** Moves both counters once before the race. */
    public ChannelUnboundedElementVisibility() {
        ch.trySend(new Box());
        ch.tryRecv();
    }

    @Actor
    public void sender() {
        Box b = new Box();
        b.x = 1;
        b.y = 1;
        ch.trySend(b);
    }

    @Actor
    public void receiver(III_Result r) {
        if (ch.tryRecv() instanceof RecvResult.Received<Box> got) {
            r.r1 = 1;
            r.r2 = got.value().x;
            r.r3 = got.value().y;
        } else {
            r.r1 = -1;
            r.r2 = -1;
            r.r3 = -1;
        }
    }
}
