package dev.braid.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.braid.rc.Arc;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

/**
 * A plain write made through one share before releasing it is visible to {@code close()}, even when
 * another thread's release is the last one and runs {@code close()}: the release/decrement chain is
 * a happens-before edge (Rust's Arc needs an acquire fence for this; a volatile getAndAdd gives
 * it). r1 = the value {@code close()} saw.
 */
@JCStressTest
@Outcome(id = "1", expect = ACCEPTABLE, desc = "close() saw the write made before the release")
@Outcome(id = "0", expect = FORBIDDEN, desc = "close() missed a write made before a release")
@Outcome(id = "-1", expect = FORBIDDEN, desc = "close() never ran")
@State
public class ArcCloseSeesWritesBeforeRelease {
    static final class Resource implements AutoCloseable {
        int data; // plain: only the Arc's ordering protects it
        int seenAtClose = -1;

        @Override
        public void close() {
            seenAtClose = data;
        }
    }

    private final Resource resource = new Resource();
    private final Arc<Resource> writer = Arc.of(resource);
    private final Arc<Resource> other = writer.share();

    @Actor
    public void write() {
        writer.get().data = 1;
        writer.release();
    }

    @Actor
    public void release() {
        other.release();
    }

    @Arbiter
    public void arbiter(I_Result r) {
        r.r1 = resource.seenAtClose;
    }
}
