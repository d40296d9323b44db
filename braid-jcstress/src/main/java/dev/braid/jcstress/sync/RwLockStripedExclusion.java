package dev.braid.jcstress.sync;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.braid.sync.RwLock;
import java.lang.reflect.Method;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * A striped reader against a writer: the reader's slot increment then state read and the writer's
 * claim then slot scan form a Dekker pair, so a reader counted in a stripe never overlaps the
 * writer ("1, 1", "0, 2", ... forbidden), and a reader that comes after the write sees all of it
 * ("2, 2"). The lock is striped from the start through the package-private builder switch (reached
 * reflectively: this module sees only the public API). Two actors only: jcstress skips a test with
 * more actors than the machine has CPUs.
 */
@JCStressTest
@Outcome(
        id = {"0, 0", "2, 2"},
        expect = ACCEPTABLE,
        desc = "the reader before or after the write")
@Outcome(expect = FORBIDDEN, desc = "a reader overlapped the writer")
@State
public class RwLockStripedExclusion {
    private static final Method STRIPED;

    static {
        try {
            STRIPED = RwLock.Builder.class.getDeclaredMethod("striped", boolean.class);
            STRIPED.setAccessible(true);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final RwLock<int[]> l = striped(new int[2]);

    private static RwLock<int[]> striped(int[] value) {
        RwLock.Builder b = RwLock.builder();
        try {
            STRIPED.invoke(b, true);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
        return b.build(value);
    }

    @Actor
    public void writer() {
        try (var w = l.write()) {
            w.get()[0] = 1;
            w.get()[1] = 1;
            w.get()[0] = 2;
            w.get()[1] = 2;
        }
    }

    @Actor
    public void reader(II_Result r) {
        try (var g = l.read()) {
            r.r1 = g.get()[0];
            r.r2 = g.get()[1];
        }
    }
}
