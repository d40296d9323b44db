package dev.braid.sync.lincheck;

import dev.braid.sync.RwLock;
import dev.braid.sync.RwLockReadGuard;
import dev.braid.sync.RwLockWriteGuard;
import org.jetbrains.kotlinx.lincheck.paramgen.ThreadIdGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/**
 * RwLock try-read / try-write / release / readHolds are linearizable against a sequential
 * reader-writer lock. Per-thread guards (by thread id) keep the harness race-free; a thread holds
 * at most one hold at a time here (a second attempt while holding counts as a failure).
 *
 * <p>{@code readHolds()} is a sum of the state word's count and the reader stripes (ADR 0015). It
 * stays in the model because {@code tryRead()} always counts in the state word, so these operations
 * never leave a transient stripe count. {@link RwLockLincheckTest} runs the model on a default
 * lock, {@link StripedRwLockLincheckTest} on a lock striped from the start, where {@code
 * tryWrite()} scans the stripes and {@code readHolds()} adds them.
 */
@SuppressWarnings("deprecation") // ThreadIdGen: Lincheck 3.7 has no non-deprecated equivalent
@Param(name = "tid", gen = ThreadIdGen.class)
public abstract class RwLockLincheckModel {
    private final RwLock<Integer> lock;
    private final Object[] guards = new Object[8];

    RwLockLincheckModel(RwLock<Integer> lock) {
        this.lock = lock;
    }

    @Operation
    public boolean tryRead(@Param(name = "tid") int tid) {
        if (guards[tid] != null) {
            return false;
        }
        var g = lock.tryRead();
        g.ifPresent(x -> guards[tid] = x);
        return g.isPresent();
    }

    @Operation
    public boolean tryWrite(@Param(name = "tid") int tid) {
        if (guards[tid] != null) {
            return false;
        }
        var g = lock.tryWrite();
        g.ifPresent(x -> guards[tid] = x);
        return g.isPresent();
    }

    @Operation
    public int release(@Param(name = "tid") int tid) {
        Object g = guards[tid];
        guards[tid] = null;
        if (g instanceof RwLockWriteGuard<?> w) {
            @SuppressWarnings("unchecked")
            RwLockWriteGuard<Integer> wi = (RwLockWriteGuard<Integer>) w;
            int n = wi.get() + 1;
            wi.set(n);
            wi.close();
            return n;
        }
        if (g instanceof RwLockReadGuard<?> r) {
            r.close();
            return 0;
        }
        return -1;
    }

    @Operation
    public int readHolds() {
        return lock.readHolds();
    }

    @Test
    void modelChecking() {
        LincheckConfig.modelChecking().sequentialSpecification(Spec.class).check(getClass());
    }

    @Test
    void stress() {
        LincheckConfig.stress().sequentialSpecification(Spec.class).check(getClass());
    }

    /** A reader-writer lock: reader count, writer id, a counter bumped at each write release. */
    public static class Spec {
        private final int[] holds = new int[8]; // 0 none, 1 read, 2 write
        private int readers;
        private int writer = -1;
        private int count;

        public boolean tryRead(int tid) {
            if (holds[tid] != 0 || writer != -1) {
                return false;
            }
            holds[tid] = 1;
            readers++;
            return true;
        }

        public boolean tryWrite(int tid) {
            if (holds[tid] != 0 || writer != -1 || readers != 0) {
                return false;
            }
            holds[tid] = 2;
            writer = tid;
            return true;
        }

        public int release(int tid) {
            int h = holds[tid];
            holds[tid] = 0;
            if (h == 2) {
                writer = -1;
                return ++count;
            }
            if (h == 1) {
                readers--;
                return 0;
            }
            return -1;
        }

        public int readHolds() {
            return readers;
        }
    }
}
