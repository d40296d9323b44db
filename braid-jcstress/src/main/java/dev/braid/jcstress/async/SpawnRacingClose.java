package dev.braid.jcstress.async;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.braid.async.Async;
import dev.braid.async.LocalExecutor;
import dev.braid.async.TaskHandle;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZZ_Result;

/**
 * A spawn racing {@code close()} leaves no live task behind (ADR 0072: the live set's lock-free
 * push, then a read of the closed flag, against close()'s write of the flag, then its walk of the
 * set). Actor 1 spawns a task that never finishes by itself; actor 2 closes the executor. Either
 * the spawn is refused, or the task is cancelled — by close() or by the spawner that saw the flag —
 * and the arbiter's drive finishes it. r1: refused; r2: the spawned task finished.
 */
@JCStressTest
@Outcome(id = "true, false", expect = ACCEPTABLE, desc = "the spawn was refused")
@Outcome(id = "false, true", expect = ACCEPTABLE, desc = "spawned, then cancelled by the close")
@Outcome(id = "false, false", expect = FORBIDDEN, desc = "a task outlived close(): orphan")
@State
public class SpawnRacingClose {
    private final LocalExecutor ex = LocalExecutor.create("jcstress");
    private TaskHandle<Object> task;
    private boolean refused;

    @Actor
    public void spawner() {
        try {
            task = ex.spawn(Async.never());
        } catch (IllegalStateException e) {
            refused = true;
        }
    }

    @Actor
    public void closer() {
        ex.close();
    }

    @Arbiter
    public void arbiter(ZZ_Result r) {
        ex.runUntilStalled(); // runs the cancellations close() could not (it raced the spawn)
        r.r1 = refused;
        r.r2 = task != null && task.isFinished();
    }
}
