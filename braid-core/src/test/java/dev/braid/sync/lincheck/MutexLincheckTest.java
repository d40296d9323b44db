package dev.braid.sync.lincheck;

import dev.braid.sync.Mutex;
import dev.braid.sync.MutexGuard;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jetbrains.kotlinx.lincheck.paramgen.ThreadIdGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/**
 * Mutex try-lock / unlock are linearizable against a sequential lock with an owner. Each Lincheck
 * thread keeps its own guard (indexed by thread id), so the harness adds no races of its own; a
 * reentrant tryLock (refused by braid) counts as a failed attempt.
 */
@SuppressWarnings("deprecation") // ThreadIdGen: Lincheck 3.7 has no non-deprecated equivalent
@Param(name = "tid", gen = ThreadIdGen.class)
public class MutexLincheckTest {
    private final Mutex<Integer> mutex = new Mutex<>(0);

    private final List<MutexGuard<Integer>> guards = new ArrayList<>(Collections.nCopies(8, null));

    @Operation
    public boolean tryLock(@Param(name = "tid") int tid) {
        try {
            var g = mutex.tryLock();
            g.ifPresent(x -> guards.set(tid, x));
            return g.isPresent();
        } catch (IllegalStateException reentrant) {
            return false;
        }
    }

    @Operation
    public int unlockReturningCount(@Param(name = "tid") int tid) {
        MutexGuard<Integer> g = guards.set(tid, null);
        if (g == null) {
            return -1;
        }
        int n = g.get() + 1;
        g.set(n);
        g.close();
        return n;
    }

    @Operation
    public boolean isLocked() {
        return mutex.isLocked();
    }

    @Test
    void modelChecking() {
        LincheckConfig.modelChecking().sequentialSpecification(Spec.class).check(getClass());
    }

    @Test
    void stress() {
        LincheckConfig.stress().sequentialSpecification(Spec.class).check(getClass());
    }

    /** A lock with an owner and a counter bumped at each unlock. */
    public static class Spec {
        private int owner = -1;
        private int count;

        public boolean tryLock(int tid) {
            if (owner != -1) {
                return false;
            }
            owner = tid;
            return true;
        }

        public int unlockReturningCount(int tid) {
            if (owner != tid) {
                return -1;
            }
            owner = -1;
            return ++count;
        }

        public boolean isLocked() {
            return owner != -1;
        }
    }
}
