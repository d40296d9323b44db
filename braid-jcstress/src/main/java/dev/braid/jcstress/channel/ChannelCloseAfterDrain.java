package dev.braid.jcstress.channel;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.braid.channel.Channel;
import dev.braid.channel.RecvResult;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Close is visible to a receiver that then sees the buffer drained, and never hides an element:
 * actor 1 sends 1 and closes; actor 2 receives twice. A receiver that sees "closed" must already
 * have received the element (close happens after the send in program order, and buffered elements
 * are delivered before the close).
 */
@JCStressTest
@Outcome(id = "1, 2", expect = ACCEPTABLE, desc = "element, then closed")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "element, then empty (close not yet done)")
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "empty twice (sender not yet run)")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "empty, then the element")
@Outcome(id = "2, 2", expect = FORBIDDEN, desc = "closed while the element was still buffered")
@Outcome(id = "2, 1", expect = FORBIDDEN, desc = "closed reported before a buffered element")
@Outcome(id = "0, 2", expect = FORBIDDEN, desc = "closed without ever delivering the element")
@Outcome(expect = FORBIDDEN, desc = "anything else")
@State
public class ChannelCloseAfterDrain {
    private final Channel<Integer> ch = Channel.bounded(4);

    @Actor
    public void sender() {
        ch.trySend(1);
        ch.close();
    }

    @Actor
    public void receiver(II_Result r) {
        r.r1 = code(ch.tryRecv());
        r.r2 = code(ch.tryRecv());
    }

    private static int code(RecvResult<Integer> res) {
        return switch (res) {
            case RecvResult.Received<Integer> got -> got.value();
            case RecvResult.Closed<Integer> c -> 2;
            default -> 0;
        };
    }
}
