package dev.braid.jcstress.channel;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.braid.cancel.CancelScope;
import dev.braid.cancel.CancellationSource;
import dev.braid.cancel.CancelledException;
import dev.braid.channel.Channel;
import dev.braid.channel.RecvResult;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * The ring waiter's race (ADR 0144): actor 1 receives from an empty bounded(16) channel in a
 * cancelled scope, so it waits in the ring (tail's PARKED bit) and leaves at once unless a producer
 * resumed it first; actor 2 sends with {@code trySend}, which resumes a ring waiter without the
 * lock. The receiver either got the element or left as if it never came (the element is then in the
 * buffer, where the arbiter finds it): a lost or duplicated element is forbidden.
 */
@JCStressTest
@Outcome(id = "1, 1, 0", expect = ACCEPTABLE, desc = "received (maybe resumed in the ring)")
@Outcome(id = "0, 1, 1", expect = ACCEPTABLE, desc = "the receiver left; the element buffered")
@Outcome(id = "0, 1, 0", expect = FORBIDDEN, desc = "sent, but lost")
@Outcome(id = "1, 1, 1", expect = FORBIDDEN, desc = "received twice")
@Outcome(expect = FORBIDDEN, desc = "anything else")
@State
public class ChannelRingWaiterLeavesAsIfNeverCame {
    private final Channel<Integer> ch = Channel.bounded(16);
    private final CancellationSource stop = new CancellationSource();

    public ChannelRingWaiterLeavesAsIfNeverCame() {
        stop.cancel();
    }

    @Actor
    public void receiver(III_Result r) {
        try {
            r.r1 = CancelScope.withToken(stop.token(), () -> ch.recv());
        } catch (CancelledException e) {
            r.r1 = 0;
        } catch (InterruptedException e) {
            r.r1 = -1;
        }
    }

    @Actor
    public void sender(III_Result r) {
        r.r2 = ch.trySend(1).isSent() ? 1 : 0;
    }

    @Arbiter
    public void after(III_Result r) {
        r.r3 = ch.tryRecv() instanceof RecvResult.Received<Integer> got ? got.value() : 0;
    }
}
