package dev.braid.async;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * ADR 0141's exit/park pair: no worker parks for ever on a stale read of another worker's count
 * lane. The executor is closed; worker 0 has spawned a task (counted in its lane) whose first run
 * has not ended. Actor 1 is worker 0 on its way out: the task's first run ends (its started count,
 * a plain read and a release store in lane 0), it finds the executor closed and empty, stores its
 * lane again with volatile stores, and CASes the other worker's idle flag (wakeAll). Actor 2 is
 * worker 1 on its park path: it counts itself a sleeper, sets its idle flag, and re-checks "closed
 * and empty", reading lane 0. r1: 1 if the exiter's CAS found worker 1 idle (it wakes it), 0 if not
 * (9: the exiter did not see its own count). r2: 1 if the parker's re-check saw the executor empty
 * (it does not park), 0 if it parks. Parking unwoken, having seen the counts neither through the
 * wake nor in the lane, is the lost worker the ADR argues away: close() would wait for ever.
 *
 * <p>The registry's accesses are the real ones: {@link TaskRegistry#countSpawned}, {@link
 * TaskRegistry#firstRunEnded} (the lane's bump), {@link TaskRegistry#isEmpty} and {@link
 * TaskRegistry#republishLane} are called as the worker calls them (this class sits in the
 * registry's package for that; jcstress runs it from the class path). The scheduler's side cannot
 * be driven without its threads, so it is mirrored with its access modes: StealingScheduler's
 * {@code sleepers.incrementAndGet()}, {@code idle.set(true)} (volatile) and, in wakeAll, {@code
 * idle.compareAndSet(true, false)} with no read before it. The parker's {@code anyWork()} finds
 * nothing here (no queue holds a task) and is left out.
 */
@JCStressTest
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "woken, and its re-check saw the counts too")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "read the lane before the count; the CAS woke it")
@Outcome(
        id = "0, 1",
        expect = ACCEPTABLE,
        desc = "not idle yet at the CAS; re-check saw the counts")
@Outcome(id = "0, 0", expect = FORBIDDEN, desc = "parks unwoken on a stale lane: close() hangs")
@Outcome(expect = FORBIDDEN, desc = "the exiter did not see its own count")
@State
public class LaneExitRacingPark {
    /** A scheduler that queues nothing: only the registry's counts take part. */
    private static final class Unscheduled implements TaskScheduler {
        @Override
        public void schedule(RawTask<?> task) {}

        @Override
        public void completed(RawTask<?> task) {}
    }

    private final TaskRegistry tasks = new TaskRegistry("jcstress", new Unscheduled(), null, 2);
    private final AtomicInteger sleepers = new AtomicInteger(); // StealingScheduler.sleepers
    private final AtomicBoolean idle = new AtomicBoolean(); // worker 1's Worker.idle

    /**
     * Worker 0 spawned a task (lane 0 counts it; the task object is not read with a lane), then the
     * executor was closed. The constructing thread hands lane 0 to the exiter actor.
     */
    public LaneExitRacingPark() {
        tasks.countSpawned(null, 0);
        tasks.close();
    }

    /** Worker 0: the first run ends, then parkOrExit's exit path (ADR 0141). */
    @Actor
    public void exiter(II_Result r) {
        tasks.firstRunEnded(null, false, 0); // plain read + release store of lane 0's started
        if (!(tasks.isClosed() && tasks.isEmpty())) {
            r.r1 = 9;
            return;
        }
        tasks.republishLane(0);
        r.r1 = idle.compareAndSet(true, false) ? 1 : 0; // wakeAll, for its one other worker
    }

    /** Worker 1: parkOrExit's park path up to its decision. */
    @Actor
    public void parker(II_Result r) {
        sleepers.incrementAndGet();
        idle.set(true);
        r.r2 = tasks.isClosed() && tasks.isEmpty() ? 1 : 0;
    }
}
