package dev.braid.jcstress.pool;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.braid.pool.TaskHandle;
import dev.braid.pool.WorkStealingPool;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * A pool task's writes are visible to whoever joins it. The task writes a plain field and returns a
 * value. {@code joiner} submits and joins (usually parking): r1 = the field, r2 = the value. {@code
 * observer} polls {@code isFinished()} once, without parking, and only if finished reads the field
 * and joins (which returns at once): r3, r4, else -1, -1. The only edge from the task's write to
 * those reads is the handle's completion (a volatile swap read with acquire). One pool, shared by
 * all samples, runs the tasks.
 */
@JCStressTest
@Outcome(id = "1, 1, -1, -1", expect = ACCEPTABLE, desc = "observer: task not finished yet")
@Outcome(id = "1, 1, 1, 1", expect = ACCEPTABLE, desc = "observer: finished, writes visible")
@Outcome(expect = FORBIDDEN, desc = "a write of the task was not visible after it finished")
@State
public class TaskVisibility {
    static final WorkStealingPool POOL =
            WorkStealingPool.builder().parallelism(2).namePrefix("jcstress").build();

    /** Written plainly by the task. */
    int written;

    /** Publishes the handle from joiner to observer. */
    volatile TaskHandle<Integer> handle;

    /** Submits the task and joins it. */
    @Actor
    public void joiner(IIII_Result r) {
        TaskHandle<Integer> h =
                POOL.submit(
                        () -> {
                            written = 1;
                            return 1;
                        });
        handle = h;
        try {
            Integer v = h.join();
            r.r1 = written;
            r.r2 = v == null ? 0 : v;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            r.r1 = -9;
            r.r2 = -9;
        }
    }

    /** Looks at the task once, without waiting. */
    @Actor
    public void observer(IIII_Result r) {
        TaskHandle<Integer> h = handle;
        if (h == null || !h.isFinished()) {
            r.r3 = -1;
            r.r4 = -1;
            return;
        }
        r.r3 = written;
        try {
            Integer v = h.join();
            r.r4 = v == null ? 0 : v;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            r.r4 = -9;
        }
    }
}
